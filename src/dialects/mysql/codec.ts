/**
 * MySQL / MariaDB values ↔ canonical values (see convert/logical-types.ts).
 *
 * The driver is configured so that nothing is lost on the way in: `dateStrings` (temporal values as the
 * server's text), `supportBigNumbers` without `bigNumberStrings` (safe integers as numbers, larger ones as
 * decimal strings), DECIMAL as strings (mysql2's default), `jsonStrings` (MySQL 8 JSON as its text).
 */
import { PodMigrateError } from '../../errors';
import { isJsonText, type CanonicalValue, type LogicalType } from '../../convert/logical-types';
import { normalizeDate, normalizeDatetime, normalizeTime, normalizeUuid, uuidWithDashes } from '../../convert/normalize';
import type { ColumnInfo } from '../dialect';

// ---------------------------------------------------------------------------------------------------------------
// Classification (introspection)

export interface ColumnTypeFacts {
  /** information_schema.COLUMNS.DATA_TYPE, e.g. `tinyint`, `longtext` */
  dataType: string;
  /** information_schema.COLUMNS.COLUMN_TYPE, e.g. `tinyint(1)`, `smallint(5) unsigned` */
  columnType: string;
  /** A CHECK (json_valid(`col`)) exists for the column (MariaDB's JSONField). */
  jsonValidCheck: boolean;
}

/**
 * The logical type of a column, from its declared type only.
 * - `tinyint(1)` is Django's BooleanField; any other tinyint is an integer.
 * - `char(32)` (Django's UUIDField) and `char(39)` (GenericIPAddressField) stay text, and a `bigint`
 *   DurationField stays integer: MySQL cannot tell them apart; the engine converts by the other side's type.
 * - `longtext` with a `json_valid()` CHECK (MariaDB's JSONField) and MySQL 8's `json` are json.
 */
export function classifyColumn(facts: ColumnTypeFacts): LogicalType {
  const dataType = facts.dataType.toLowerCase();
  const columnType = facts.columnType.toLowerCase().trim();
  switch (dataType) {
    case 'tinyint':
      return columnType === 'tinyint(1)' ? 'boolean' : 'integer';
    case 'bool':
    case 'boolean':
      return 'boolean';
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'bigint':
    case 'year':
      return 'integer';
    case 'decimal':
    case 'numeric':
    case 'dec':
    case 'fixed':
      return 'decimal';
    case 'float':
    case 'double':
    case 'real':
    case 'double precision':
      return 'float';
    case 'json':
      return 'json';
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'enum':
    case 'set':
      return facts.jsonValidCheck ? 'json' : 'text';
    case 'datetime':
    case 'timestamp':
      return 'datetime';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'uuid': // MariaDB ≥ 10.7 native UUID (Django ≥ 5.0 uses it there)
      return 'uuid';
    case 'inet4':
    case 'inet6':
      return 'inet';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
    case 'bit':
    case 'geometry':
    case 'point':
    case 'linestring':
    case 'polygon':
    case 'multipoint':
    case 'multilinestring':
    case 'multipolygon':
    case 'geometrycollection':
      return 'binary';
    default:
      return facts.jsonValidCheck ? 'json' : 'text';
  }
}

/** Fractional-second digits of `datetime(6)`, `time(3)`, `timestamp` (0). */
export function fractionalDigits(nativeType: string): number {
  const m = /^(?:datetime|timestamp|time)\s*\((\d)\)/i.exec(nativeType.trim());
  return m ? Number(m[1]) : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding: driver value → canonical

export type Decoder = (value: unknown) => CanonicalValue;

function invalid(column: ColumnInfo, value: unknown, what: string): PodMigrateError {
  return new PodMigrateError('VALUE_INVALID', `${describeValue(value)} read from ${column.nativeType} column is not ${what}`, {
    place: { column: column.name },
  });
}

export function describeValue(value: unknown): string {
  if (Buffer.isBuffer(value)) return `a ${value.length}-byte binary value`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (isJsonText(value)) return `JSON ${JSON.stringify(value.json.slice(0, 60))}`;
  return String(value);
}

const INTEGER_TEXT = /^-?\d+$/;

/** A decoder for one column: driver value → canonical value (NULL stays null); throws a PodMigrateError naming the column. */
export function decoderFor(column: ColumnInfo): Decoder {
  const decode = valueDecoderFor(column);
  return (v) => (v === null || v === undefined ? null : decode(v));
}

/** A text the normalizer accepts, in its canonical spelling; anything else is refused as not being `what`. */
function normalizedText(column: ColumnInfo, normalize: (text: string) => string | undefined, what: string): (v: unknown) => CanonicalValue {
  return (v) => {
    const text = typeof v === 'string' ? normalize(v) : undefined;
    if (text === undefined) throw invalid(column, v, what);
    return text;
  };
}

/** The decoder of a non-NULL driver value. */
function valueDecoderFor(column: ColumnInfo): (v: unknown) => CanonicalValue {
  switch (column.type) {
    case 'boolean':
      // tinyint(1) can hold 2 or -1: never read as true, it would not survive the trip (pgloader does that).
      return (v) => {
        if (typeof v === 'boolean') return v;
        if (v === 0 || v === '0') return false;
        if (v === 1 || v === '1') return true;
        throw invalid(column, v, 'a boolean (tinyint(1) holding 0 or 1)');
      };
    case 'integer':
    case 'interval':
      return (v) => {
        if (typeof v === 'number' && Number.isInteger(v)) return v;
        if (typeof v === 'string' && INTEGER_TEXT.test(v)) {
          const n = Number(v);
          return Number.isSafeInteger(n) ? n : v;
        }
        if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
        throw invalid(column, v, 'an integer');
      };
    case 'decimal':
      return (v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' && Number.isFinite(v)) return String(v);
        throw invalid(column, v, 'a decimal');
      };
    case 'float':
      return (v) => {
        if (typeof v === 'number') return v;
        if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
        throw invalid(column, v, 'a number');
      };
    case 'datetime':
      return normalizedText(column, normalizeDatetime, 'a valid datetime (zero dates are refused)');
    case 'date':
      return normalizedText(column, normalizeDate, 'a valid date (zero dates are refused)');
    case 'time':
      return normalizedText(column, normalizeTime, 'a time of day (00:00:00–23:59:59)');
    case 'uuid': {
      const fromText = normalizedText(column, normalizeUuid, 'a uuid');
      // MariaDB's native uuid type may arrive as 16 bytes.
      return (v) => (Buffer.isBuffer(v) && v.length === 16 ? v.toString('hex') : fromText(v));
    }
    case 'json':
      return (v) => {
        if (typeof v === 'string') return { json: v };
        if (Buffer.isBuffer(v)) return { json: v.toString('utf8') };
        // mysql2 parses MySQL 8 JSON unless jsonStrings is set; kept for safety.
        return { json: JSON.stringify(v) };
      };
    case 'binary':
      return (v) => {
        if (Buffer.isBuffer(v)) return v;
        if (typeof v === 'string') return Buffer.from(v, 'utf8');
        throw invalid(column, v, 'binary');
      };
    default:
      return (v) => {
        if (typeof v === 'string') return v;
        if (Buffer.isBuffer(v)) return v.toString('utf8');
        if (typeof v === 'number' || typeof v === 'bigint') return String(v);
        throw invalid(column, v, 'text');
      };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding: canonical → mysql2 parameter

/** What the driver escapes: never an object other than a Buffer (mysql2 would format it as `k = v` pairs). */
export type DriverParam = null | number | string | Buffer;

export type Encoder = (value: CanonicalValue) => DriverParam;

function refuse(column: ColumnInfo, value: unknown, why: string): PodMigrateError {
  return new PodMigrateError('VALUE_INVALID', `${describeValue(value)} cannot be written to ${column.nativeType} column: ${why}`, {
    place: { column: column.name },
  });
}

/**
 * An encoder for one target column. Beyond mapping the canonical forms, it refuses the values that MariaDB
 * would alter WITHOUT any warning even in strict mode: a fractional number into an integer column (rounded),
 * sub-precision fractional seconds into datetime/time(n) (truncated), a non-finite float.
 */
export function encoderFor(column: ColumnInfo): Encoder {
  const generic = (v: CanonicalValue): DriverParam => encodeParam(v);
  switch (column.type) {
    case 'boolean':
    case 'integer':
    case 'interval':
      return (v) => {
        if (v === null) return null;
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (typeof v === 'number') {
          if (!Number.isInteger(v)) throw refuse(column, v, 'not an integer (MariaDB would round it silently)');
          return v;
        }
        if (typeof v === 'string') {
          if (!INTEGER_TEXT.test(v)) throw refuse(column, v, 'not an integer');
          return v;
        }
        return generic(v);
      };
    case 'float':
      return (v) => {
        if (typeof v === 'number' && !Number.isFinite(v)) throw refuse(column, v, 'MySQL has no NaN or infinity');
        return generic(v);
      };
    case 'datetime':
    case 'time': {
      const digits = fractionalDigits(column.nativeType);
      return (v) => {
        if (typeof v === 'string') {
          const m = /\.(\d+)$/.exec(v);
          if (m && /[1-9]/.test(m[1].slice(digits))) {
            throw refuse(column, v, `more than ${digits} fractional-second digits (MariaDB would truncate them silently)`);
          }
        }
        return generic(v);
      };
    }
    case 'uuid':
      // Only MariaDB's native UUID type is classified uuid here (Django's char(32) is text): it wants dashes.
      return (v) => {
        if (typeof v !== 'string') return generic(v);
        const hex = normalizeUuid(v);
        if (hex === undefined) throw refuse(column, v, 'not a uuid');
        return uuidWithDashes(hex);
      };
    default:
      return generic;
  }
}

/** Canonical (or plain) value → what mysql2 escapes. */
export function encodeParam(value: unknown): DriverParam {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new PodMigrateError('VALUE_INVALID', `${value} cannot be written to MySQL`);
    return value;
  }
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (typeof value === 'bigint') return value.toString();
  if (isJsonText(value)) return value.json;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new PodMigrateError('VALUE_INVALID', 'an invalid Date cannot be written to MySQL');
    return value.toISOString().replace('T', ' ').replace('Z', '');
  }
  if (value instanceof Uint8Array) return Buffer.from(value);
  // Anything else (plain objects, arrays): as JSON text, never mysql2's `key = value` object formatting.
  return JSON.stringify(value);
}

/** A parameter of `query()`: as `encodeParam`, except that arrays stay lists (mysql2 expands `IN (?)`). */
export type QueryParam = DriverParam | QueryParam[];

export function encodeQueryParam(value: unknown): QueryParam {
  if (Array.isArray(value)) return value.map(encodeQueryParam);
  return encodeParam(value);
}
