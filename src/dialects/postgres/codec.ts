/**
 * PostgreSQL values ↔ canonical values (see src/convert/logical-types.ts).
 *
 * Reading: the pool's type parsers hand timestamp/timestamptz/date/time/interval/json/jsonb/int8/numeric over as the
 * server's text (session: TimeZone UTC, DateStyle ISO, IntervalStyle iso_8601); bool, int2/int4, float4/float8 and
 * bytea arrive parsed by node-postgres. Writing: each value becomes the column's input text, sent by COPY
 * (copy-insert.ts) or as one JSON fragment of the batch document that `json_to_recordset` turns into typed records
 * (bulk-insert.ts).
 */
import type { ColumnInfo } from '../dialect';
import { numberText } from '../../convert/integer-text';
import { isJsonText, type CanonicalValue, type LogicalType } from '../../convert/logical-types';
import { normalizeDate, normalizeDatetime, normalizeTime, normalizeUuid } from '../../convert/normalize';

/** A value that cannot be converted; the caller turns it into a PodMigrateError naming table, row and column. */
export class ValueProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueProblem';
  }
}

/** Type names (pg_type.typname) whose values the pool leaves as the server's text. */
export const RAW_TEXT_TYPES = ['timestamp', 'timestamptz', 'date', 'time', 'timetz', 'interval', 'json', 'jsonb', 'int8', 'numeric'];

/** Session settings every connection starts with (sent in the startup packet, so DISCARD ALL keeps them). */
export const SESSION_SETTINGS: Record<string, string> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'iso_8601',
  client_encoding: 'UTF8',
  extra_float_digits: '1',
};

/** Logical type of a column from its (domain-resolved) pg_type.typname. Unknown types travel as text. */
export function classifyType(typname: string): LogicalType {
  switch (typname) {
    case 'bool':
      return 'boolean';
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return 'integer';
    case 'numeric':
    case 'money':
      return 'decimal';
    case 'float4':
    case 'float8':
      return 'float';
    case 'timestamp':
    case 'timestamptz':
      return 'datetime';
    case 'date':
      return 'date';
    case 'time':
    case 'timetz':
      return 'time';
    case 'uuid':
      return 'uuid';
    case 'json':
    case 'jsonb':
      return 'json';
    case 'interval':
      return 'interval';
    case 'inet':
    case 'cidr':
      return 'inet';
    case 'bytea':
      return 'binary';
    default:
      // text, varchar, bpchar, name, citext, enums, xml…
      return 'text';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

const ISO_INTERVAL = /^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)W)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+)(?:\.(\d+))?S)?)?$/;
const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_DAY = 86_400n * MICROS_PER_SECOND;

/**
 * An interval in IntervalStyle iso_8601 ('P1DT2H3M4.5S', 'PT-0.000001S') → integer microseconds. Django's
 * DurationField never stores months; if one does, a month counts 30 days and a year 365 days (psycopg's timedelta).
 */
export function intervalToMicros(text: string): number {
  const m = ISO_INTERVAL.exec(text.trim());
  if (!m) throw new ValueProblem(`"${text}" is not an interval PostgreSQL prints in iso_8601 style`);
  const big = (s: string | undefined) => (s === undefined ? 0n : BigInt(s));
  const [, years, months, weeks, days, hours, minutes, seconds, fraction] = m;
  const totalDays = big(years) * 365n + big(months) * 30n + big(weeks) * 7n + big(days);
  let micros = totalDays * MICROS_PER_DAY + big(hours) * 3600n * MICROS_PER_SECOND + big(minutes) * 60n * MICROS_PER_SECOND;
  if (seconds !== undefined) {
    const negative = seconds.startsWith('-');
    const whole = big(seconds.replace('-', ''));
    const frac = BigInt((fraction ?? '').padEnd(6, '0').slice(0, 6));
    const secMicros = whole * MICROS_PER_SECOND + frac;
    micros += negative ? -secMicros : secMicros;
  }
  const result = Number(micros);
  if (!Number.isSafeInteger(result)) throw new ValueProblem(`the interval "${text}" is beyond ±2^53 microseconds`);
  return result;
}

/** Driver value → canonical value; `type` is the column's logical type (COPY's reader parses integers itself). */
export type Decoder = ((raw: unknown) => CanonicalValue) & { readonly type?: LogicalType };

function describe(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
  if (Buffer.isBuffer(raw)) return `a ${raw.length}-byte buffer`;
  return String(raw);
}

function expectString(raw: unknown, what: string): string {
  if (typeof raw !== 'string') throw new ValueProblem(`expected ${what} as text from PostgreSQL, got ${describe(raw)}`);
  return raw;
}

/** PostgreSQL driver value → canonical value, for one column. NULL stays null. */
export function makeDecoder(column: Pick<ColumnInfo, 'type' | 'nativeType'>): Decoder {
  const decode = decoderFor(column.type);
  return Object.assign((raw: unknown) => (raw === null || raw === undefined ? null : decode(raw)), { type: column.type });
}

function decoderFor(type: LogicalType): (raw: unknown) => CanonicalValue {
  switch (type) {
    case 'boolean':
      return (raw) => {
        if (typeof raw === 'boolean') return raw;
        if (raw === 't' || raw === 'true') return true;
        if (raw === 'f' || raw === 'false') return false;
        throw new ValueProblem(`expected a boolean, got ${describe(raw)}`);
      };
    case 'integer':
      return (raw) => {
        if (typeof raw === 'number') return raw;
        if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
        const text = expectString(raw, 'an integer');
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text;
      };
    case 'decimal':
      return (raw) => (typeof raw === 'number' ? String(raw) : expectString(raw, 'a numeric'));
    case 'float':
      return (raw) => {
        if (typeof raw === 'number') return raw;
        const n = Number(expectString(raw, 'a float'));
        if (Number.isNaN(n) && raw !== 'NaN') throw new ValueProblem(`expected a float, got ${describe(raw)}`);
        return n;
      };
    case 'datetime':
      return (raw) => {
        const text = expectString(raw, 'a timestamp');
        const value = normalizeDatetime(text);
        if (value === undefined)
          throw new ValueProblem(`the timestamp ${describe(raw)} has no 'YYYY-MM-DD HH:MM:SS' form (infinity, BC or year > 9999)`);
        return value;
      };
    case 'date':
      return (raw) => {
        const value = normalizeDate(expectString(raw, 'a date'));
        if (value === undefined) throw new ValueProblem(`the date ${describe(raw)} has no 'YYYY-MM-DD' form (infinity, BC or year > 9999)`);
        return value;
      };
    case 'time':
      return (raw) => {
        const value = normalizeTime(expectString(raw, 'a time'));
        if (value === undefined) throw new ValueProblem(`the time ${describe(raw)} has no 'HH:MM:SS' form (24:00:00 or a time zone)`);
        return value;
      };
    case 'uuid':
      return (raw) => {
        const value = normalizeUuid(expectString(raw, 'a uuid'));
        if (value === undefined) throw new ValueProblem(`${describe(raw)} is not a uuid`);
        return value;
      };
    case 'json':
      return (raw) => ({ json: expectString(raw, 'a json document') });
    case 'interval':
      return (raw) => intervalToMicros(expectString(raw, 'an interval'));
    case 'binary':
      return (raw) => {
        if (Buffer.isBuffer(raw)) return raw;
        const text = expectString(raw, 'a bytea');
        if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
        throw new ValueProblem(`expected a bytea, got ${describe(raw)}`);
      };
    default:
      return (raw) => {
        if (typeof raw === 'string') return raw;
        if (Buffer.isBuffer(raw)) return raw.toString('utf8');
        if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
        if (raw instanceof Date) return raw.toISOString();
        return JSON.stringify(raw);
      };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/**
 * Canonical value → text for the server, or `null` for SQL NULL. `makeEncoder`: one JSON fragment of the row object
 * sent to json_to_recordset (a NULL's key is left out, which json_to_recordset reads as NULL), already valid JSON
 * text. `makeTextEncoder`: the column's input text, as COPY reads it (before COPY's escaping).
 */
export type Encoder = (value: CanonicalValue) => string | null;

const INTEGER = /^-?\d+$/;
const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};
/** The numbers an integer column of this native type holds (unbounded for a type INTEGER_RANGES does not name). */
function integerBounds(nativeType: string): [number, number] {
  const range = INTEGER_RANGES[nativeType.toLowerCase()];
  return range ? [Number(range[0]), Number(range[1])] : [-Infinity, Infinity];
}
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function checkText(value: string): void {
  if (value.includes('\u0000')) throw new ValueProblem('the text contains a NUL byte (\\u0000), which PostgreSQL cannot store');
  if (!(value as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw new ValueProblem('the text contains a lone UTF-16 surrogate, which is not valid UTF-8');
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return 'a Buffer';
  if (isJsonText(value)) return 'a json document';
  return `${typeof value} ${describe(value)}`;
}

function wrong(value: unknown, expected: string): never {
  throw new ValueProblem(`expected ${expected}, got ${typeName(value)}`);
}

/** A string the normalizer accepts, in its canonical spelling; anything else is refused as not being `what`. */
function normalizedText(normalize: (text: string) => string | undefined, what: string): (value: CanonicalValue) => string {
  return (value) => {
    const text = typeof value === 'string' ? normalize(value) : wrong(value, what);
    if (text === undefined) throw new ValueProblem(`${describe(value)} is not ${what}`);
    return text;
  };
}

/**
 * More code points than `max` (PostgreSQL counts characters). PostgreSQL would silently cut trailing spaces
 * beyond the limit: that is still a changed value, so it is refused too.
 */
function tooLong(value: string, max: number): boolean {
  return value.length > max && Array.from(value).length > max;
}

/**
 * Canonical value → the text PostgreSQL reads as the column's input (COPY's text format, unescaped), or `null` for
 * SQL NULL. The same checks as the JSON path: both are built from `encoderFor`.
 */
export function makeTextEncoder(column: Pick<ColumnInfo, 'type' | 'nativeType' | 'maxLength'>): Encoder {
  const encode = encoderFor(column);
  return (value) => (value === null || value === undefined ? null : encode(value));
}

/** As `makeTextEncoder`, except that a safe integer of an integer column stays a number: COPY's writer writes its digits without a string. */
export type CopyEncoder = (value: CanonicalValue) => string | number | null;

export function makeCopyEncoder(column: Pick<ColumnInfo, 'type' | 'nativeType' | 'maxLength'>): CopyEncoder {
  const encode = makeTextEncoder(column);
  if (column.type !== 'integer') return encode;
  const [min, max] = integerBounds(column.nativeType);
  return (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? value : encode(value));
}

export function makeEncoder(column: Pick<ColumnInfo, 'type' | 'nativeType' | 'maxLength'>): Encoder {
  const encode = encoderFor(column);
  // Booleans and finite numbers of integer / float columns go bare; everything else as a JSON string of its text
  // (json_to_recordset reads both; a json document travels as its text, cast by the statement).
  const bareNumbers = column.type === 'integer' || column.type === 'float';
  return (value) => {
    if (value === null || value === undefined) return null;
    const text = encode(value);
    return typeof value === 'boolean' || (bareNumbers && typeof value === 'number' && Number.isFinite(value)) ? text : JSON.stringify(text);
  };
}

function encoderFor(column: Pick<ColumnInfo, 'type' | 'nativeType' | 'maxLength'>): (value: CanonicalValue) => string {
  const native = column.nativeType.toLowerCase();
  switch (column.type) {
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? (value ? 'true' : 'false') : wrong(value, 'a boolean'));
    case 'integer': {
      const range = INTEGER_RANGES[native];
      const [min, max] = integerBounds(native);
      const outOfRange = (text: string) => new ValueProblem(`${text} is out of range for ${column.nativeType}`);
      return (value) => {
        if (typeof value === 'number' && Number.isInteger(value)) {
          if (value < min || value > max) throw outOfRange(String(value));
          return numberText(value);
        }
        if (typeof value === 'string' && INTEGER.test(value)) {
          if (range && (BigInt(value) < range[0] || BigInt(value) > range[1])) throw outOfRange(value);
          // A JSON string on the JSON path: "007" is an integer for PostgreSQL but not a JSON number.
          return value;
        }
        return wrong(value, 'an integer');
      };
    }
    case 'decimal':
      return (value) => {
        if (typeof value === 'number' && Number.isFinite(value)) return numberText(value);
        if (typeof value === 'string' && (DECIMAL.test(value.trim()) || value === 'NaN')) return value.trim();
        return wrong(value, 'a decimal number');
      };
    case 'float':
      return (value) => {
        if (typeof value === 'number') return numberText(value);
        if (typeof value === 'string' && (DECIMAL.test(value.trim()) || /^[+-]?(NaN|Infinity)$/.test(value))) return value.trim();
        return wrong(value, 'a float');
      };
    case 'datetime': {
      const zoned = native.includes('with time zone');
      const text = normalizedText(normalizeDatetime, "a 'YYYY-MM-DD HH:MM:SS[.ffffff]' datetime");
      return (value) => `${text(value)}${zoned ? '+00' : ''}`;
    }
    case 'date':
      return normalizedText(normalizeDate, "a 'YYYY-MM-DD' date");
    case 'time':
      return normalizedText(normalizeTime, "an 'HH:MM:SS[.ffffff]' time");
    case 'uuid':
      return normalizedText(normalizeUuid, 'a uuid');
    case 'json': {
      const binary = native === 'jsonb';
      return (value) => {
        if (!isJsonText(value)) return wrong(value, 'a json document ({ json: text })');
        const text = value.json;
        checkText(text);
        try {
          JSON.parse(text);
        } catch (error) {
          throw new ValueProblem(`the json document is not valid JSON (${(error as Error).message})`);
        }
        if (binary && /(^|[^\\])(\\\\)*\\u0000/.test(text)) {
          throw new ValueProblem('the json document contains \\u0000, which jsonb cannot store');
        }
        // On the JSON path: a JSON string of the document's text, cast to json/jsonb by the statement (bulk-insert.ts).
        return text;
      };
    }
    case 'interval':
      return (value) => {
        if (typeof value === 'number' && Number.isInteger(value)) return `${value} microseconds`;
        if (typeof value === 'string' && INTEGER.test(value)) return `${value} microseconds`;
        return wrong(value, 'an interval as integer microseconds');
      };
    case 'binary':
      return (value) => (Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : wrong(value, 'a Buffer'));
    default: {
      const max = column.maxLength;
      return (value) => {
        if (typeof value !== 'string') return wrong(value, 'a string');
        checkText(value);
        if (max !== null && tooLong(value, max)) {
          throw new ValueProblem(`the text is ${Array.from(value).length} characters long, the column ${column.nativeType} allows ${max}`);
        }
        return value;
      };
    }
  }
}
