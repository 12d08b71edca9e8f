/**
 * Values between the dump file (Pod's spelling, see logical-types.ts) and the canonical form. The TARGET
 * column's logical type decides every conversion; the value's own JSON type is only checked against it.
 * A value that does not fit raises PodMigrateError('VALUE_INVALID') naming table, row and column.
 */
import { PodMigrateError, type ErrorPlace } from '../errors';
import type { ColumnInfo } from '../dialects/dialect';
import type { Conversion } from '../plan/types';
import { isJsonText, type CanonicalValue, type LogicalType } from './logical-types';
import { datetimeForDump, normalizeDate, normalizeDatetime, normalizeTime, normalizeUuid, timeForDump } from './normalize';
import { stringifyDumpValue } from '../dump/writer';

/** What a conversion needs to know of the column (a ColumnInfo fits). */
export type ColumnLike = Pick<ColumnInfo, 'name' | 'type'> & Partial<Pick<ColumnInfo, 'nativeType'>>;

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A dump value (as the reader returns it: null, boolean, number, bigint, string, array, object) → canonical,
 * by `column.type`. `undefined` (column absent from the row) is taken as null: nullability is checked elsewhere.
 */
export function fromDumpValue(value: unknown, column: ColumnLike, place: ErrorPlace = {}): CanonicalValue {
  if (value === null || value === undefined) return null;
  const type = column.type;
  switch (type) {
    case 'boolean':
      return toBoolean(value, column, place);
    case 'integer':
      return toInteger(value, column, place);
    case 'decimal': {
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return value.trim();
      return invalid(value, column, place);
    }
    case 'float': {
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return Number(value.trim());
      return invalid(value, column, place);
    }
    case 'text':
    case 'inet': {
      if (typeof value === 'string') return value;
      // Pod's dumps are typed: a number where the target has text is only a change of column type.
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      return invalid(value, column, place);
    }
    case 'datetime':
      return typeof value === 'string' ? (normalizeDatetime(value) ?? invalid(value, column, place)) : invalid(value, column, place);
    case 'date':
      return typeof value === 'string' ? (normalizeDate(value) ?? invalid(value, column, place)) : invalid(value, column, place);
    case 'time':
      return typeof value === 'string' ? (normalizeTime(value) ?? invalid(value, column, place)) : invalid(value, column, place);
    case 'uuid':
      return typeof value === 'string' ? (normalizeUuid(value) ?? invalid(value, column, place)) : invalid(value, column, place);
    case 'json':
      return toJson(value, column, place);
    case 'interval':
      return toInterval(value, column, place);
    case 'binary': {
      if (typeof value === 'string' && BASE64_TEXT.test(value)) return Buffer.from(value, 'base64');
      return invalid(value, column, place);
    }
    default:
      return assertNever(type);
  }
}

/** A table's row in canonical form (one value per column, in order) → the dump's row object, keyed by column name. */
export function toDumpRow(values: CanonicalValue[], columns: ColumnLike[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i += 1) row[columns[i].name] = toDumpValue(values[i], columns[i]);
  return row;
}

/** Canonical → Pod's dump spelling (see the table in logical-types.ts). */
export function toDumpValue(value: CanonicalValue, column: ColumnLike): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 1 : 0) : value;
    case 'integer':
      // Beyond 2^53 the canonical value is a decimal string: written as an exact JSON number (bigint).
      if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
        const big = BigInt(value);
        return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      return value;
    case 'datetime':
      return typeof value === 'string' ? datetimeForDump(value) : value;
    case 'time':
      return typeof value === 'string' ? timeForDump(value) : value;
    case 'json':
      return isJsonText(value) ? value.json : value;
    case 'binary':
      return Buffer.isBuffer(value) ? value.toString('base64') : value;
    default:
      if (Buffer.isBuffer(value)) return value.toString('base64');
      if (isJsonText(value)) return value.json;
      return value;
  }
}

const CONVERSION_TYPES: Record<Conversion, LogicalType> = {
  bool: 'boolean',
  integer: 'integer',
  text: 'text',
  uuid: 'uuid',
  json: 'json',
  duration: 'interval',
  datetime: 'datetime',
  date: 'date',
  time: 'time',
};

/**
 * A conversion the plan forces on a column (instead of the target column's own type). The value may be a dump
 * value or already canonical (a JsonText is its text, a boolean stays one).
 */
export function applyConversion(value: unknown, conversion: Conversion, column: ColumnLike, place: ErrorPlace = {}): CanonicalValue {
  const type = CONVERSION_TYPES[conversion];
  if (type === undefined)
    throw new PodMigrateError('PLAN_INVALID', `unknown conversion "${conversion}"`, { place: { ...place, column: column.name } });
  let input = value;
  if (isJsonText(input))
    input = input.json; // to json: validated again; to text: the document's text
  else if (Buffer.isBuffer(input) && type === 'text') input = input.toString('utf8');
  else if (typeof input === 'boolean' && type === 'text') input = input ? '1' : '0';
  return fromDumpValue(input, { ...column, type }, place);
}

// ---------------------------------------------------------------------------------------------------------

function toBoolean(value: unknown, column: ColumnLike, place: ErrorPlace): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (value === 1n || value === 0n) return value === 1n;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === '1' || text === 'true') return true;
    if (text === '0' || text === 'false') return false;
  }
  return invalid(value, column, place);
}

function toInteger(value: unknown, column: ColumnLike, place: ErrorPlace): number | string {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value === 0 ? 0 : value; // -0 → 0
    if (Number.isInteger(value)) return BigInt(value).toString(); // exact: the number is that integer
    return invalid(value, column, place);
  }
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) && BigInt(n) === value ? n : value.toString();
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
    const big = BigInt(value.trim());
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big.toString();
  }
  return invalid(value, column, place);
}

function toInterval(value: unknown, column: ColumnLike, place: ErrorPlace): number {
  // Django's DurationField on MySQL: bigint microseconds. Nothing else is accepted.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value === 0 ? 0 : value;
  if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) return Number(value);
  if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
    const n = Number(value.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  return invalid(value, column, place, 'an integer number of microseconds');
}

function toJson(value: unknown, column: ColumnLike, place: ErrorPlace): CanonicalValue {
  if (typeof value === 'string') {
    // Pod writes a JSON column as its text: it must be a JSON document.
    try {
      JSON.parse(value);
    } catch (error) {
      return invalid(value, column, place, `JSON text (${(error as Error).message})`);
    }
    return { json: value };
  }
  // A JSON value written inline (a hand-made dump): its text.
  if (typeof value === 'number' && !Number.isFinite(value)) return invalid(value, column, place);
  try {
    return { json: stringifyDumpValue(value) };
  } catch {
    return invalid(value, column, place);
  }
}

function invalid(value: unknown, column: ColumnLike, place: ErrorPlace, expected?: string): never {
  const native = column.nativeType ? ` (${column.nativeType})` : '';
  throw new PodMigrateError(
    'VALUE_INVALID',
    `${brief(value)} is not a valid ${expected ?? column.type} value for column ${column.name}${native}`,
    {
      place: { ...place, column: place.column ?? column.name },
    },
  );
}

/** A short, printable rendering of a value for messages. */
export function brief(value: unknown, max = 60): string {
  let text: string;
  if (typeof value === 'bigint') text = value.toString();
  else if (Buffer.isBuffer(value)) text = `<${value.length} bytes>`;
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else {
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function assertNever(type: never): never {
  throw new Error(`unknown logical type ${String(type)}`);
}
