/**
 * Verification keys: one normalised text per value, so that the same datum read from MySQL, PostgreSQL or the
 * dump file hashes the same (json compared parsed with sorted keys, uuids as 32 hex, datetimes canonical…),
 * and an order-independent checksum of a table's rows built from them.
 */
import { createHash, hash } from 'node:crypto';
import { numberText } from './integer-text';
import { isJsonText, type CanonicalValue, type LogicalType } from './logical-types';
import { hasShape, normalizeDate, normalizeDatetime, normalizeTime, normalizeUuid } from './normalize';

export interface KeyOptions {
  /** Datetimes and times with their microseconds zeroed (Pod's exporter writes none). */
  dropMicroseconds?: boolean;
}

/**
 * NULL's key: a lone NUL character. Any other key that starts with NUL gets one more in front, so no value's
 * key — not the text 'NULL', not the text '\u0000' — can be NULL's.
 */
export const NULL_KEY = '\u0000';

/** The default options, one object (a default `{}` would be a new object per value: verify keys millions). */
const NO_OPTIONS: KeyOptions = Object.freeze({});

/**
 * The normalised text of a value of the given logical type, for hashing and for comparing natural keys.
 * Lenient on the input's spelling (a uuid with dashes, a datetime with 'T' or an offset, a JSON column given
 * as text or as a JsonText, 0/1 for booleans): what matters is that equal data give equal keys.
 */
export function canonicalKey(value: CanonicalValue | unknown, type: LogicalType, options: KeyOptions = NO_OPTIONS): string {
  if (value === null || value === undefined) return NULL_KEY;
  const key = keyOf(value, type, options);
  return key.charCodeAt(0) === 0 ? NULL_KEY + key : key;
}

function keyOf(value: unknown, type: LogicalType, options: KeyOptions): string {
  switch (type) {
    case 'boolean':
      if (typeof value === 'boolean') return value ? '1' : '0';
      if (value === 1 || value === 0 || value === 1n || value === 0n) return String(value);
      if (typeof value === 'string') {
        const t = value.trim().toLowerCase();
        if (t === '1' || t === 'true') return '1';
        if (t === '0' || t === 'false') return '0';
      }
      return fallback(value);
    case 'integer':
    case 'interval':
      if (typeof value === 'number') {
        if (Number.isSafeInteger(value)) return numberText(value);
        return Number.isInteger(value) ? BigInt(value).toString() : floatKey(value);
      }
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'boolean') return value ? '1' : '0';
      if (typeof value === 'string') return /^[+-]?\d+$/.test(value.trim()) ? BigInt(value.trim()).toString() : decimalKey(value);
      return fallback(value);
    case 'decimal':
      if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : decimalKey(String(value));
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string') return decimalKey(value);
      return fallback(value);
    case 'float':
      if (typeof value === 'number') return floatKey(value);
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return floatKey(Number(value));
      if (typeof value === 'bigint') return floatKey(Number(value));
      return fallback(value);
    case 'text':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint') return String(value);
      if (isJsonText(value)) return value.json;
      return fallback(value);
    case 'datetime': {
      // Readers hand over canonical text already; normalizeDatetime would give it back as it is (or fall back to it).
      if (typeof value === 'string' && !options.dropMicroseconds && hasCanonicalDatetimeShape(value)) return value;
      const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : undefined;
      const canonical = text === undefined ? undefined : normalizeDatetime(text);
      if (canonical === undefined) return fallback(value);
      return options.dropMicroseconds ? `${canonical.slice(0, 19)}.000000` : canonical;
    }
    case 'date': {
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      // normalizeDate gives back the trimmed text or nothing (then the fallback: the text): a trimmed text is its own key.
      if (typeof value === 'string') return value.trim() === value ? value : (normalizeDate(value) ?? value);
      return fallback(value);
    }
    case 'time': {
      const canonical = typeof value === 'string' ? normalizeTime(value) : undefined;
      if (canonical === undefined) return fallback(value);
      return options.dropMicroseconds ? `${canonical.slice(0, 8)}.000000` : canonical;
    }
    case 'uuid':
      return (typeof value === 'string' ? normalizeUuid(value) : undefined) ?? fallback(value);
    case 'json':
      return jsonKey(value);
    case 'inet':
      return typeof value === 'string' ? inetKey(value) : fallback(value);
    case 'binary':
      if (Buffer.isBuffer(value)) return value.toString('base64');
      if (typeof value === 'string') return value;
      return fallback(value);
    default:
      return fallback(value);
  }
}

/** 'dddd-dd-dd dd:dd:dd.dddddd', checked char by char (no regular expression: verify reads millions of them). */
function hasCanonicalDatetimeShape(text: string): boolean {
  return text.length === 26 && hasShape(text, 'dddd-dd-dd dd:dd:dd.dddddd');
}

/** 15 significant digits: what a double holds reliably, so that drivers' last-digit differences vanish. */
function floatKey(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  return String(Number(n.toPrecision(15)));
}

/** Plain decimal notation without leading / trailing zeros: '001.500' → '1.5', '-0.0' → '0', '1e3' → '1000'. */
function decimalKey(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return text;
  const [, sign, int, frac = '', exp] = m;
  let digits = int + frac;
  let point = int.length + (exp ? Number(exp) : 0);
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  const minus = sign === '-' ? '-' : '';
  if (Math.abs(point) > 400) return `${minus}0.${digits}e${point}`;
  if (point <= 0) return `${minus}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${minus}${digits}${'0'.repeat(point - digits.length)}`;
  return `${minus}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The JSON document parsed and written back with sorted keys: spacing, key order and escapes vanish. */
function jsonKey(value: unknown): string {
  let text: string;
  if (isJsonText(value)) text = value.json;
  else if (typeof value === 'string') text = value;
  else return sortedJson(value);
  try {
    return sortedJson(JSON.parse(text));
  } catch {
    return text; // not JSON: never equal to a valid document's key, which is always valid JSON
  }
}

function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(obj[k])}`).join(',')}}`;
}

/**
 * Addresses as PostgreSQL's inet prints them: lowercase, IPv6 compressed, no /32 or /128 (MySQL keeps the
 * text as it was typed).
 */
function inetKey(text: string): string {
  let address = text.trim().toLowerCase();
  let prefix = '';
  const slash = address.indexOf('/');
  if (slash >= 0) {
    prefix = address.slice(slash);
    address = address.slice(0, slash);
  }
  if (address.includes(':')) {
    try {
      address = new URL(`http://[${address}]/`).hostname.slice(1, -1);
    } catch {
      /* not an IPv6 address: keep the text */
    }
    if (prefix === '/128') prefix = '';
  } else if (prefix === '/32') prefix = '';
  return address + prefix;
}

function fallback(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (isJsonText(value)) return value.json;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return sortedJson(value);
  return String(value);
}

// ---------------------------------------------------------------------------------------------------------

/** The four 32-bit lanes of a table checksum are summed in plain numbers, folded mod 2^32 before they could lose bits. */
const LANE = 2 ** 32;
const FOLD_EVERY = 1_000_000;

/**
 * sha256 of a row's keys, each length-prefixed (so ['a','bc'] ≠ ['ab','c']). One-shot `crypto.hash` (no Hash object
 * per row: verify hashes millions). Well-formed text is hashed as UTF-8; text with a lone surrogate (which UTF-8 would
 * turn into U+FFFD, colliding) as UTF-16LE, behind another first character.
 */
export function rowDigest(values: readonly (CanonicalValue | unknown)[], types: readonly LogicalType[], options: KeyOptions = {}): Buffer {
  const text = rowText(values, types, options);
  if (isWellFormed(text)) return hash('sha256', text, 'buffer');
  return hash('sha256', Buffer.from(`\u0002${text.slice(1)}`, 'utf16le'), 'buffer');
}

/** A row's keys, each length-prefixed, behind a '\u0001': the text both digests below hash. */
function rowText(values: readonly (CanonicalValue | unknown)[], types: readonly LogicalType[], options: KeyOptions): string {
  let text = '\u0001';
  for (let i = 0; i < values.length; i++) {
    const key = canonicalKey(values[i], types[i] ?? 'text', options);
    text += `${key.length}:${key}`;
  }
  return text;
}

function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Bytes of encoded keys gathered before one hash update: one call into the hash per chunk, not per row. */
const ORDERED_CHUNK = 256 * 1024;
/** Keys from this many code units on are hashed by `writeLong`. */
const LONG_KEY = 1024;
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;
/** After each row's keys, in place of a key's length: no key is that long (a string holds at most 2^29 characters). */
const ROW_END = 0xffffffff;

/**
 * Digest of a sequence of rows, in order: sha256 over the rows' keys, fed in chunks. Several times cheaper than a
 * digest per row, but it depends on the order: equal only when both sides give the same rows in the same order (both
 * read ORDER BY the same integer primary key). A difference does not say which rows differ, nor whether only the order
 * does: the caller then compares with `TableChecksum`.
 *
 * The bytes hashed: per key its length in UTF-16 code units (32 bits), then
 * - under NATIVE_KEY code units: each code unit, one byte below 0x80, else 0xFF and its two bytes (lone surrogates
 *   included), written char by char (an integer's digits by `writeInteger`, the same bytes as its text);
 * - from NATIVE_KEY on: a byte saying how, then every code unit as one byte (latin1) when none is above 0xFF, else as
 *   two (UTF-16LE, lone surrogates included), written by Buffer's native encoder (4× as fast as char by char on the
 *   seed's texts); from LONG_KEY on, the same bytes go straight to the hash (`writeLong`);
 * and ROW_END after each row. A key's length says which form follows, so they tell every key and row apart. Written
 * into one buffer: no text built per row or per chunk (both made most of verify's garbage and time).
 */
const NO_CHUNK = Buffer.alloc(0);
/** Keys from this many code units on are encoded natively (above the 17 characters of any safe integer's text). */
const NATIVE_KEY = 32;

export class OrderedDigest {
  private readonly hasher = createHash('sha256');
  /**
   * Allocated at the first row and let go by `end`: verify makes a digest per side of every large table before
   * reading any, and reads them one after another, so only the tables being read hold a chunk (a chunk each for
   * every table from the start grew with the site: 25 MB at 100,000 videos).
   */
  private chunk = NO_CHUNK;
  private at = 0;
  private n = 0;
  private result: string | undefined;

  add(values: readonly (CanonicalValue | unknown)[], types: readonly LogicalType[]): void {
    if (this.chunk === NO_CHUNK) {
      if (this.result !== undefined) throw new Error('a row added to an ended digest');
      this.chunk = Buffer.allocUnsafe(ORDERED_CHUNK);
    }
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      // An integer's key is its decimal text: written digit by digit, without making that text (verify reads millions).
      if (typeof value === 'number' && types[i] === 'integer' && Number.isSafeInteger(value)) this.writeInteger(value);
      else this.write(canonicalKey(value, types[i] ?? 'text'));
    }
    this.writeLength(ROW_END);
    this.n++;
  }

  private writeLength(length: number): void {
    if (this.at + 4 > ORDERED_CHUNK) this.flush();
    const chunk = this.chunk;
    const at = this.at;
    chunk[at] = length & 0xff;
    chunk[at + 1] = (length >>> 8) & 0xff;
    chunk[at + 2] = (length >>> 16) & 0xff;
    chunk[at + 3] = length >>> 24;
    this.at = at + 4;
  }

  private write(key: string): void {
    const length = key.length;
    this.writeLength(length);
    if (length >= LONG_KEY) {
      this.writeLong(key);
      return;
    }
    // A key under LONG_KEY always fits in an emptied chunk (the hash reads one stream: where chunks end does not matter).
    if (this.at + 3 * length > ORDERED_CHUNK) this.flush();
    const chunk = this.chunk;
    if (length >= NATIVE_KEY) {
      const wide = BEYOND_LATIN1.test(key);
      chunk[this.at] = wide ? 1 : 0;
      this.at += 1 + chunk.write(key, this.at + 1, wide ? 'utf16le' : 'latin1');
      return;
    }
    let at = this.at;
    for (let i = 0; i < length; i++) {
      const c = key.charCodeAt(i);
      if (c < 0x80) chunk[at++] = c;
      else {
        chunk[at++] = 0xff;
        chunk[at++] = c >>> 8;
        chunk[at++] = c & 0xff;
      }
    }
    this.at = at;
  }

  /** The bytes `write(String(n))` gives for a safe integer n: its length, then its ASCII digits ('-' first). */
  private writeInteger(n: number): void {
    let rest = n < 0 ? -n : n;
    let digits = 1;
    for (let x = rest; x >= 10; x = (x - (x % 10)) / 10) digits++;
    const length = n < 0 ? digits + 1 : digits;
    this.writeLength(length);
    if (this.at + length > ORDERED_CHUNK) this.flush();
    const chunk = this.chunk;
    if (n < 0) chunk[this.at] = 0x2d;
    // Exact: rest - digit is a multiple of ten below 2^53, so the division has an integer result.
    for (let at = this.at + length - 1; at >= this.at + length - digits; at--) {
      const digit = rest % 10;
      chunk[at] = 0x30 + digit;
      rest = (rest - digit) / 10;
    }
    this.at += length;
  }

  /**
   * A long key (a description, an encoding log) goes to the hash in one native call instead of char by char: a byte
   * saying how, then every code unit as one byte (latin1) when none is above 0xFF, else as two (UTF-16LE, lone
   * surrogates included). With the length before it, the bytes still tell every key apart.
   */
  private writeLong(key: string): void {
    const wide = BEYOND_LATIN1.test(key);
    if (this.at + 1 > ORDERED_CHUNK) this.flush();
    this.chunk[this.at++] = wide ? 1 : 0;
    this.flush();
    this.hasher.update(key, wide ? 'utf16le' : 'latin1');
  }

  private flush(): void {
    if (this.at === 0) return;
    this.hasher.update(this.chunk.subarray(0, this.at));
    this.at = 0;
  }

  get count(): number {
    return this.n;
  }

  /** Ends the digest once its table is read: no more rows; its chunk is let go. */
  end(): void {
    if (this.result !== undefined) return;
    this.flush();
    this.result = `${this.n}:${this.hasher.digest('hex')}`;
    this.chunk = NO_CHUNK;
  }

  /** `<count>:<sha256 hex>`; ends the digest if it was not. */
  finish(): string {
    this.end();
    return this.result!;
  }
}

export interface TableChecksumOptions extends KeyOptions {
  /** Keep each row's digest keyed by its primary-key text (`rows`), to name the rows that differ. */
  keepRows?: boolean;
  /** With `keepRows`: only the rows whose key falls in one of these buckets (see `buckets`). */
  keepBuckets?: ReadonlySet<number>;
  /**
   * Also a checksum per bucket of rows (KEY_BUCKETS buckets, by a hash of the row's key): comparing them
   * (`differingBuckets`) tells which few buckets hold the rows that differ, so that a second pass keeps only
   * those rows' digests — memory bounded however large the table.
   */
  buckets?: boolean;
}

export const KEY_BUCKETS = 1024;

/** The bucket sums of a checksum with no row (read only). */
const NO_ROWS_BUCKETS = new Float64Array(KEY_BUCKETS * 5);

/** cyrb53: a fast 53-bit string hash (no allocation), for buckets and name sets (not a digest). */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 2097152 * (h2 >>> 0) + (h1 >>> 0);
}

export function keyBucket(key: string): number {
  return hash53(key) % KEY_BUCKETS;
}

/**
 * Order-independent checksum of a multiset of rows: the lane-wise sum, mod 2^32 per lane, of the rows' digests (first
 * 16 bytes of sha256 as four 32-bit lanes), with the row count beside it. Row order does not change it; a duplicated
 * or missing row does.
 */
export class TableChecksum {
  private readonly lanes = [0, 0, 0, 0];
  private n = 0;
  /** Row key → digest (32 hex; rows sharing a key: their lane-wise sum), when `keepRows`. */
  readonly rows: Map<string, string> | undefined;
  private readonly options: KeyOptions;
  private readonly keepBuckets: ReadonlySet<number> | undefined;
  /** Per bucket: row count and four lane sums (mod 2^32 once read), when `buckets`. */
  private bucketSums: Float64Array | undefined;
  /** Buckets asked for: their sums are allocated at the first row (verify makes every table's checksums first). */
  private readonly buckets: boolean;

  constructor(options: TableChecksumOptions = {}) {
    this.options = { dropMicroseconds: options.dropMicroseconds };
    this.rows = options.keepRows ? new Map() : undefined;
    this.keepBuckets = options.keepBuckets;
    this.buckets = options.buckets === true;
  }

  /** Adds one row (values and their logical types, in the same column order on both sides). */
  add(values: readonly (CanonicalValue | unknown)[], types: readonly LogicalType[], key?: string): void {
    const digest = rowDigest(values, types, this.options);
    const lanes = this.lanes;
    lanes[0] += digest.readUInt32BE(0);
    lanes[1] += digest.readUInt32BE(4);
    lanes[2] += digest.readUInt32BE(8);
    lanes[3] += digest.readUInt32BE(12);
    this.n++;
    if (this.n % FOLD_EVERY === 0) this.fold();
    if (this.buckets && !this.bucketSums) this.bucketSums = new Float64Array(KEY_BUCKETS * 5);
    const bucket = key !== undefined && (this.bucketSums || this.keepBuckets) ? keyBucket(key) : -1;
    if (this.bucketSums && bucket >= 0) {
      const at = bucket * 5;
      const sums = this.bucketSums;
      sums[at] += 1;
      sums[at + 1] = (sums[at + 1] + digest.readUInt32BE(0)) % LANE;
      sums[at + 2] = (sums[at + 2] + digest.readUInt32BE(4)) % LANE;
      sums[at + 3] = (sums[at + 3] + digest.readUInt32BE(8)) % LANE;
      sums[at + 4] = (sums[at + 4] + digest.readUInt32BE(12)) % LANE;
    }
    if (this.rows && key !== undefined && (!this.keepBuckets || this.keepBuckets.has(bucket))) {
      const hex = digest.toString('hex', 0, 16);
      const before = this.rows.get(key);
      this.rows.set(key, before === undefined ? hex : addHex(before, hex));
    }
  }

  private fold(): void {
    for (let i = 0; i < 4; i++) this.lanes[i] %= LANE;
  }

  /** Rows added. */
  get count(): number {
    return this.n;
  }

  /** The lane sums, 32 hex digits. Compare `count` too (or use `signature`). */
  get digest(): string {
    this.fold();
    return this.lanes.map((lane) => lane.toString(16).padStart(8, '0')).join('');
  }

  /** `<count>:<digest>` */
  get signature(): string {
    return `${this.n}:${this.digest}`;
  }

  equals(other: TableChecksum): boolean {
    return this.n === other.n && this.digest === other.digest;
  }

  /** The buckets whose rows differ between two checksums built with `buckets`. */
  differingBuckets(other: TableChecksum): Set<number> {
    const differing = new Set<number>();
    // Buckets asked for but no row added: every sum is zero.
    const a = this.bucketSums ?? (this.buckets ? NO_ROWS_BUCKETS : undefined);
    const b = other.bucketSums ?? (other.buckets ? NO_ROWS_BUCKETS : undefined);
    if (!a || !b) return differing;
    for (let bucket = 0; bucket < KEY_BUCKETS; bucket++) {
      for (let i = bucket * 5; i < bucket * 5 + 5; i++) {
        if (a[i] !== b[i]) {
          differing.add(bucket);
          break;
        }
      }
    }
    return differing;
  }

  /** Adds another checksum's rows (e.g. one computed in parallel over part of the table). */
  merge(other: TableChecksum): void {
    this.fold();
    other.fold();
    for (let i = 0; i < 4; i++) this.lanes[i] += other.lanes[i];
    this.fold();
    this.n += other.n;
    if (this.rows && other.rows) {
      for (const [key, digest] of other.rows) {
        const before = this.rows.get(key);
        this.rows.set(key, before === undefined ? digest : addHex(before, digest));
      }
    }
  }
}

/** The same thing, under the name the design notes use. */
export { TableChecksum as RowHasher };

/** Lane-wise sum (mod 2^32) of two 32-hex digests. */
function addHex(a: string, b: string): string {
  let out = '';
  for (let i = 0; i < 32; i += 8) {
    out += ((parseInt(a.slice(i, i + 8), 16) + parseInt(b.slice(i, i + 8), 16)) % LANE).toString(16).padStart(8, '0');
  }
  return out;
}
