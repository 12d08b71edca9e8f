/**
 * Every column is classified into one logical type, from what the live schema says (never from the values).
 * Values travel between the dialects, the dump file and the verifier in one canonical form per logical type:
 *
 * | logical   | canonical JS value                                     | Pod dump (JSON)                          |
 * |-----------|--------------------------------------------------------|------------------------------------------|
 * | boolean   | true / false                                           | 1 / 0                                    |
 * | integer   | number (safe range) or decimal string (beyond 2^53)    | number                                   |
 * | decimal   | decimal string                                         | number or string                         |
 * | float     | number                                                 | number                                   |
 * | text      | string                                                 | string                                   |
 * | datetime  | 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, always 6 digits)    | 'YYYY-MM-DD HH:MM:SS[.ffffff]'            |
 * | date      | 'YYYY-MM-DD'                                           | same                                     |
 * | time      | 'HH:MM:SS.ffffff' (always 6 digits)                    | 'HH:MM:SS[.ffffff]'                       |
 * | uuid      | 32 lowercase hex digits, no dashes (Django on MySQL)   | same                                     |
 * | json      | { json: string } — the JSON document, as text          | the JSON text, as a string (as Pod does) |
 * | interval  | integer microseconds, as a number                      | number (Django's MySQL storage)          |
 * | inet      | string                                                 | string                                   |
 * | binary    | Buffer                                                 | base64 string                            |
 *
 * NULL is `null` everywhere.
 */
export type LogicalType =
  | 'boolean'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'text'
  | 'datetime'
  | 'date'
  | 'time'
  | 'uuid'
  | 'json'
  | 'interval'
  | 'inet'
  | 'binary';

/** A JSON column value: kept as text so that key order and number formatting survive; compared parsed. */
export interface JsonText {
  readonly json: string;
}

export type CanonicalValue = null | boolean | number | string | JsonText | Buffer;

export function isJsonText(value: unknown): value is JsonText {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && typeof (value as JsonText).json === 'string';
}
