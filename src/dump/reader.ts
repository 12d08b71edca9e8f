/**
 * Streaming reader of a Pod dump file: ONE JSON object, table name → array of row objects
 * (`{"video_video": [{"id": 1, …}, …], …}`), as Pod's `export_data_from_v3_to_v4` writes it (`json.dump`,
 * indent=4, `\uXXXX` escapes) and as our writer writes it. Plain `.json` or gzip (detected by its magic
 * bytes, whatever the file is called).
 *
 * How it reads: a byte-level structural scanner walks the top level (the object, the table keys, the arrays,
 * the commas) and finds where each row object starts and ends (tracking strings, escapes and nesting only);
 * each complete row is then parsed by `JSON.parse`, which validates it exactly. Memory is bounded by one read
 * chunk plus the largest row. Integer literals beyond 2^53, which `JSON.parse` would round, are re-read
 * exactly with @streamparser/json's tokenizer: they come back as `bigint` (Pod's fixture has a bigint
 * column holding -2^63).
 *
 * Values in rows: null, boolean, number, bigint (integer literals outside ±(2^53-1)), string, and arrays /
 * objects for nested JSON (our tag pseudo-tables carry `tag_names: [...]`).
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Tokenizer, TokenParser } from '@streamparser/json';
import { PodMigrateError } from '../errors';

/** One row as read from the dump: column name → JSON value (bigint for integers beyond 2^53). */
export type DumpRow = Record<string, unknown>;

export type DumpEvent =
  | { type: 'table'; name: string; /** Byte offset of the table's key (uncompressed stream). */ offset: number }
  | {
      type: 'row';
      table: string;
      /** 1-based within the table. */
      index: number;
      row: DumpRow;
      /** Byte offset of the row's `{` (uncompressed stream). */
      offset: number;
    }
  | { type: 'tableEnd'; table: string; rows: number };

export interface DumpProgress {
  /** Bytes read from the file so far (compressed bytes for a .gz). */
  fileBytesRead: number;
  /** Size of the file on disk. */
  fileBytes: number;
  /** Uncompressed JSON bytes parsed so far. */
  bytes: number;
}

export interface ReadDumpOptions {
  /** Read size (default 256 KiB). */
  chunkSize?: number;
  /** Called after each chunk is parsed. */
  onProgress?: (progress: DumpProgress) => void;
}

export interface DumpTableScan {
  rows: number;
  /** Union of the keys of all rows, in order of first appearance. */
  columns: Set<string>;
}

export interface DumpScan {
  /** In file order. */
  tables: Map<string, DumpTableScan>;
  /** Uncompressed JSON bytes. */
  bytes: number;
  /** Size of the file on disk. */
  fileBytes: number;
  compressed: boolean;
}

/**
 * Reads the dump as a stream of events, in file order: `table`, its `row`s, `tableEnd`, next table… Throws a
 * PodMigrateError('DUMP_INVALID') naming the table, row and byte offset when the file is not a JSON object of
 * arrays of objects (or is truncated, or repeats a table).
 */
export async function* readDump(path: string, options: ReadDumpOptions = {}): AsyncGenerator<DumpEvent, void, undefined> {
  const source = await openDumpSource(path, options.chunkSize);
  const parser = new DumpParser({ path });
  try {
    for await (const chunk of source.stream) {
      const events = parser.push(chunk as Buffer);
      options.onProgress?.({ fileBytesRead: source.fileBytesRead(), fileBytes: source.fileBytes, bytes: parser.bytes });
      for (const event of events) yield event;
    }
    for (const event of parser.end()) yield event;
  } catch (error) {
    throw wrapReadError(error, path);
  } finally {
    source.stream.destroy();
  }
}

/**
 * One streaming pass that validates the whole file's structure (every row is parsed) and counts rows and
 * columns per table, without keeping rows. The engine runs it before writing anything.
 */
export async function scanDump(path: string, options: ReadDumpOptions = {}): Promise<DumpScan> {
  const source = await openDumpSource(path, options.chunkSize);
  const tables = new Map<string, DumpTableScan>();
  let current: DumpTableScan | undefined;
  const parser = new DumpParser({ path, exactNumbers: false });
  const handle = (events: DumpEvent[]): void => {
    for (const event of events) {
      if (event.type === 'table') {
        current = { rows: 0, columns: new Set() };
        tables.set(event.name, current);
      } else if (event.type === 'row') {
        current!.rows++;
        for (const key in event.row) current!.columns.add(key);
      }
    }
  };
  try {
    for await (const chunk of source.stream) {
      handle(parser.push(chunk as Buffer));
      options.onProgress?.({ fileBytesRead: source.fileBytesRead(), fileBytes: source.fileBytes, bytes: parser.bytes });
    }
    handle(parser.end());
  } catch (error) {
    throw wrapReadError(error, path);
  } finally {
    source.stream.destroy();
  }
  return { tables, bytes: parser.bytes, fileBytes: source.fileBytes, compressed: source.compressed };
}

interface DumpSource {
  stream: Readable;
  compressed: boolean;
  fileBytes: number;
  fileBytesRead(): number;
}

/** The file's bytes, gunzipped when the file starts with the gzip magic bytes. */
export async function openDumpSource(path: string, chunkSize = 256 * 1024): Promise<DumpSource> {
  let fileBytes: number;
  let magic: Buffer;
  try {
    const fh = await fsp.open(path, 'r');
    try {
      fileBytes = (await fh.stat()).size;
      magic = Buffer.alloc(2);
      const { bytesRead } = await fh.read(magic, 0, 2, 0);
      magic = magic.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PodMigrateError(
        'USAGE',
        `there is no dump file ${path}: an export writes it first (pod-migrate export, or plan run without --onlytags), or give the dump's path with --dump FILE`,
        { cause: error },
      );
    }
    throw new PodMigrateError('DUMP_INVALID', `cannot read the dump file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const file = createReadStream(path, { highWaterMark: chunkSize });
  const compressed = magic.length === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  if (!compressed) return { stream: file, compressed, fileBytes, fileBytesRead: () => file.bytesRead };
  const gunzip = createGunzip({ chunkSize });
  // pipeline destroys both streams on error, so a read or gunzip error surfaces from the iteration.
  pipeline(file, gunzip, () => undefined);
  return { stream: gunzip, compressed, fileBytes, fileBytesRead: () => file.bytesRead };
}

function wrapReadError(error: unknown, path: string): unknown {
  if (error instanceof PodMigrateError) return error;
  const e = error as NodeJS.ErrnoException;
  const what = e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR' ? 'the gzip data is corrupt or truncated' : e.message;
  return new PodMigrateError('DUMP_INVALID', `cannot read the dump file ${path}: ${what}`, { cause: error });
}

// ---------------------------------------------------------------------------------------------------------
// The structural scanner.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

// States (plain numbers: isolatedModules forbids const enums across files, and these are hot).
const S_START = 0; // expects '{'
const S_KEY_OR_END = 1; // after '{': expects '"' or '}'
const S_KEY = 2; // after ',' at the top level: expects '"'
const S_IN_KEY = 3; // inside a table key string
const S_COLON = 4; // expects ':'
const S_ARRAY = 5; // expects '['
const S_ROW_OR_END = 6; // after '[': expects '{' or ']'
const S_ROW = 7; // after ',' in an array: expects '{'
const S_IN_ROW = 8; // inside a row object
const S_AFTER_ROW = 9; // expects ',' or ']'
const S_AFTER_TABLE = 10; // expects ',' or '}'
const S_DONE = 11; // only whitespace may follow

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export interface DumpParserOptions {
  /** For messages. */
  path?: string;
  /** Re-read rows holding integers beyond 2^53 so that they come back exact, as bigint (default true). */
  exactNumbers?: boolean;
}

/**
 * Push-style parser: feed it byte chunks (split anywhere), get back the events each chunk completes.
 * Synchronous, so that tests can split a document at every byte.
 */
export class DumpParser {
  private state = S_START;
  /** Absolute offset of the current chunk's first byte. */
  private base = 0;
  /** Pieces of the key or row being read, from earlier chunks. */
  private pieces: Buffer[] = [];
  /** Absolute offset where the current key / row started. */
  private tokenStart = 0;
  /** Where the current row / key starts in the current chunk (0 when it started in an earlier one). */
  private rowOpen = 0;
  private keyOpen = 0;
  private depth = 0;
  private inString = false;
  private escapePending = false;
  private table: string | undefined;
  private rowIndex = 0;
  private readonly seen = new Set<string>();
  private readonly exactNumbers: boolean;
  private readonly path: string | undefined;
  private ended = false;

  constructor(options: DumpParserOptions = {}) {
    this.exactNumbers = options.exactNumbers ?? true;
    this.path = options.path;
  }

  /** Uncompressed bytes consumed so far. */
  get bytes(): number {
    return this.base;
  }

  push(chunk: Buffer): DumpEvent[] {
    if (this.ended) throw new Error('DumpParser: push after end');
    const events: DumpEvent[] = [];
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S_IN_ROW:
          i = this.scanRow(chunk, i, events);
          continue;
        case S_IN_KEY:
          i = this.scanKey(chunk, i);
          continue;
      }
      const c = chunk[i];
      if (isWhitespace(c)) {
        i++;
        continue;
      }
      switch (this.state) {
        case S_START:
          if (c !== LBRACE) {
            if (c === 0xef) this.fail(i, 'the file starts with a UTF-8 byte order mark, which Pod\'s json.load rejects');
            this.fail(i, c === LBRACKET ? 'the dump is a JSON array, not an object of tables' : `expected '{' at the start of the dump, found ${describeByte(c)}`);
          }
          this.state = S_KEY_OR_END;
          break;
        case S_KEY_OR_END:
        case S_KEY:
          if (c === QUOTE) {
            this.state = S_IN_KEY;
            this.tokenStart = this.base + i;
            this.keyOpen = i; // the key's text, quotes included, is JSON-decoded once complete
            this.escapePending = false;
            this.pieces = [];
            i++;
            continue;
          }
          if (c === RBRACE && this.state === S_KEY_OR_END) {
            this.state = S_DONE;
            break;
          }
          this.fail(i, `expected a table name (a string), found ${describeByte(c)}`);
          break;
        case S_COLON:
          if (c !== COLON) this.fail(i, `expected ':' after the table name "${this.table}", found ${describeByte(c)}`);
          this.state = S_ARRAY;
          break;
        case S_ARRAY:
          if (c !== LBRACKET) this.fail(i, `the value of table "${this.table}" is not an array (found ${describeByte(c)})`, { table: this.table });
          events.push({ type: 'table', name: this.table!, offset: this.tokenStart });
          this.rowIndex = 0;
          this.state = S_ROW_OR_END;
          break;
        case S_ROW_OR_END:
        case S_ROW:
          if (c === LBRACE) {
            this.rowIndex++;
            this.state = S_IN_ROW;
            this.tokenStart = this.base + i;
            this.rowOpen = i;
            this.pieces = [];
            this.depth = 1;
            this.inString = false;
            this.escapePending = false;
            i++;
            continue;
          }
          if (c === RBRACKET && this.state === S_ROW_OR_END) {
            events.push({ type: 'tableEnd', table: this.table!, rows: 0 });
            this.state = S_AFTER_TABLE;
            break;
          }
          this.fail(
            i,
            `row ${this.rowIndex + 1} is not an object (found ${describeByte(c)})`,
            { table: this.table, row: this.rowIndex + 1 },
          );
          break;
        case S_AFTER_ROW:
          if (c === COMMA) this.state = S_ROW;
          else if (c === RBRACKET) {
            events.push({ type: 'tableEnd', table: this.table!, rows: this.rowIndex });
            this.state = S_AFTER_TABLE;
          } else this.fail(i, `expected ',' or ']' after row ${this.rowIndex}, found ${describeByte(c)}`, { table: this.table, row: this.rowIndex });
          break;
        case S_AFTER_TABLE:
          if (c === COMMA) this.state = S_KEY;
          else if (c === RBRACE) this.state = S_DONE;
          else this.fail(i, `expected ',' or '}' after table "${this.table}", found ${describeByte(c)}`, { table: this.table });
          break;
        case S_DONE:
          this.fail(i, `unexpected ${describeByte(c)} after the end of the dump object`);
      }
      i++;
    }
    // Carry the unfinished key / row over to the next chunk.
    if (this.state === S_IN_ROW) this.pieces.push(chunk.subarray(this.rowOpen));
    else if (this.state === S_IN_KEY) this.pieces.push(chunk.subarray(this.keyOpen));
    this.rowOpen = 0;
    this.keyOpen = 0;
    this.base += n;
    return events;
  }

  /** Call once the input is exhausted: throws when the document is incomplete. */
  end(): DumpEvent[] {
    this.ended = true;
    if (this.state === S_DONE) return [];
    const where = this.table === undefined ? {} : { table: this.table, row: this.state === S_IN_ROW ? this.rowIndex : undefined };
    const what =
      this.state === S_START
        ? 'the dump file is empty'
        : this.state === S_IN_ROW
          ? `the file ends inside row ${this.rowIndex} of table "${this.table}" (truncated?)`
          : 'the file ends before the dump object is closed (truncated?)';
    throw this.error(this.base, what, where);
  }

  /** Skips a string's body from `i` (just after the opening quote or where the last chunk stopped). Returns the
   * index just past the closing quote, or -1 when the chunk ends inside the string. */
  private skipString(chunk: Buffer, i: number): number {
    if (this.escapePending) {
      // The previous chunk ended with the backslash: this byte is the escaped character.
      this.escapePending = false;
      i++;
    }
    for (;;) {
      const q = chunk.indexOf(QUOTE, i);
      if (q < 0) {
        // Does the chunk end in an odd run of backslashes (an escape split across chunks)?
        let k = chunk.length - 1;
        while (k >= i && chunk[k] === BACKSLASH) k--;
        this.escapePending = (chunk.length - 1 - k) % 2 === 1;
        return -1;
      }
      let k = q - 1;
      while (k >= i && chunk[k] === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) return q + 1;
      i = q + 1;
    }
  }

  private scanKey(chunk: Buffer, i: number): number {
    const end = this.skipString(chunk, i);
    if (end < 0) return chunk.length;
    const bytes = this.take(chunk, this.keyOpen, end);
    const name = this.decode(bytes, this.tokenStart, 'table name') as string;
    if (this.seen.has(name)) this.failAt(this.tokenStart, `table "${name}" appears twice in the dump`, { table: name });
    this.seen.add(name);
    this.table = name;
    this.state = S_COLON;
    return end;
  }

  private scanRow(chunk: Buffer, i: number, events: DumpEvent[]): number {
    const n = chunk.length;
    let depth = this.depth;
    while (i < n) {
      if (this.inString) {
        const end = this.skipString(chunk, i);
        if (end < 0) {
          this.depth = depth;
          return n;
        }
        this.inString = false;
        i = end;
        continue;
      }
      const c = chunk[i];
      if (c === QUOTE) {
        this.inString = true;
        i++;
      } else if (c === LBRACE || c === LBRACKET) {
        depth++;
        i++;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        i++;
        if (depth === 0) {
          this.depth = 0;
          const bytes = this.take(chunk, this.rowOpen, i);
          const row = this.parseRow(bytes);
          events.push({ type: 'row', table: this.table!, index: this.rowIndex, row, offset: this.tokenStart });
          this.state = S_AFTER_ROW;
          return i;
        }
      } else i++;
    }
    this.depth = depth;
    return n;
  }

  /** The bytes of the current token: carried pieces + chunk[from, to). */
  private take(chunk: Buffer, from: number, to: number): Buffer {
    const last = chunk.subarray(from, to);
    if (this.pieces.length === 0) return last;
    const all = Buffer.concat([...this.pieces, last]);
    this.pieces = [];
    return all;
  }

  private decode(bytes: Buffer, offset: number, what: string): unknown {
    const place = { table: this.table, row: what === 'row' ? this.rowIndex : undefined };
    if (!isUtf8(bytes)) this.failAt(offset, `the ${what} is not valid UTF-8`, place);
    const text = bytes.toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      // JSON.parse does not say where (and quotes the whole text): ask the tokenizer.
      const located = locateJsonError(bytes);
      const message = located?.message ?? (error as Error).message.slice(0, 200);
      this.failAt(offset + (located?.offset ?? 0), `invalid JSON in the ${what}: ${message}`, place);
    }
  }

  private parseRow(bytes: Buffer): DumpRow {
    const row = this.decode(bytes, this.tokenStart, 'row') as DumpRow;
    if (this.exactNumbers && hasInexactInteger(row)) {
      return withExactIntegers(row, parseExact(bytes)) as DumpRow;
    }
    return row;
  }

  private fail(i: number, message: string, place: { table?: string; row?: number } = {}): never {
    this.failAt(this.base + i, message, place);
  }

  private failAt(offset: number, message: string, place: { table?: string; row?: number } = {}): never {
    throw this.error(offset, message, place);
  }

  private error(offset: number, message: string, place: { table?: string; row?: number }): PodMigrateError {
    const file = this.path === undefined ? '' : ` in ${this.path}`;
    // The table and row travel in `place`: PodMigrateError.describe() puts them in front of the message.
    return new PodMigrateError('DUMP_INVALID', `not a Pod dump${file}: ${message} (byte offset ${offset})`, {
      place: { table: place.table, row: place.row },
    });
  }
}

function describeByte(c: number): string {
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * A number JSON.parse may have rounded: beyond ±(2^53-1) (every double that large is an integer; a float
 * literal like 1e300 only costs a second, exact read). Hot: no allocation.
 */
function hasInexactInteger(value: unknown): boolean {
  if (typeof value === 'number') return value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasInexactInteger(value[i])) return true;
    return false;
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) if (hasInexactInteger(obj[key])) return true;
  return false;
}

/** Tokenizer that returns integer literals beyond 2^53 as bigint instead of rounding them. */
class ExactTokenizer extends Tokenizer {
  protected override parseNumber(text: string): number {
    if (/^-?\d+$/.test(text)) {
      const n = Number(text);
      if (!Number.isSafeInteger(n)) return BigInt(text) as unknown as number;
      return n;
    }
    return Number(text);
  }
}

/** Where (byte offset in `bytes`) and why a JSON text is invalid, per @streamparser/json. */
function locateJsonError(bytes: Buffer): { offset: number; message: string } | undefined {
  const tokenizer = new Tokenizer();
  const parser = new TokenParser({ paths: ['$'], keepStack: false });
  let last = 0;
  tokenizer.onToken = (token) => {
    last = token.offset;
    parser.write(token);
  };
  parser.onValue = () => undefined;
  try {
    tokenizer.write(bytes);
    tokenizer.end();
    if (!parser.isEnded) return { offset: bytes.length, message: 'unexpected end of the text' };
  } catch (error) {
    const message = (error as Error).message;
    const at = /absolute position "(\d+)"/.exec(message);
    return { offset: at ? Number(at[1]) : last, message: message.replace(/ at chunk position "\d+" \(absolute position "\d+"\)/, '') };
  }
  return undefined;
}

function parseExact(bytes: Buffer): unknown {
  const tokenizer = new ExactTokenizer();
  const parser = new TokenParser({ paths: ['$'], keepStack: false });
  let result: unknown;
  tokenizer.onToken = (token) => parser.write(token);
  parser.onValue = ({ value }) => {
    result = value;
  };
  tokenizer.write(bytes);
  tokenizer.end();
  return result;
}

/** Takes JSON.parse's value (right structure, even for odd keys) and puts in the exact integers. */
function withExactIntegers(parsed: unknown, exact: unknown): unknown {
  if (typeof parsed === 'number') return typeof exact === 'bigint' ? exact : parsed;
  if (Array.isArray(parsed)) {
    const ex = Array.isArray(exact) ? exact : [];
    return parsed.map((v, k) => withExactIntegers(v, ex[k]));
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const ex = (typeof exact === 'object' && exact !== null ? exact : {}) as Record<string, unknown>;
    const obj = parsed as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (typeof v === 'object' || typeof v === 'number') {
        const replaced = withExactIntegers(v, Object.prototype.hasOwnProperty.call(ex, key) ? ex[key] : undefined);
        if (replaced !== v) Object.defineProperty(obj, key, { value: replaced, writable: true, enumerable: true, configurable: true });
      }
    }
    return obj;
  }
  return parsed;
}
