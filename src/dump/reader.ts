/**
 * Streaming reader of a Pod dump file: ONE JSON object, table name → array of row objects
 * (`{"video_video": [{"id": 1, …}, …], …}`), as Pod's `export_data_from_v3_to_v4` writes it (`json.dump`,
 * indent=4, `\uXXXX` escapes) and as our writer writes it. Plain `.json` or gzip (detected by its magic
 * bytes, whatever the file is called).
 *
 * How it reads: the byte-level tokenizer (tokenizer.ts) walks the top level (the object, the table keys, the
 * arrays, the commas) and finds where each row object starts and ends; this module turns that into tables and
 * rows: each complete row is parsed by `JSON.parse`, which validates it exactly, a table may appear once.
 * Memory is bounded by one read chunk plus the largest row. Integer literals beyond 2^53, which `JSON.parse`
 * would round, are re-read exactly with @streamparser/json's tokenizer: they come back as `bigint` (Pod's
 * fixture has a bigint column holding -2^63).
 *
 * Values in rows: null, boolean, number, bigint (integer literals outside ±(2^53-1)), string, and arrays /
 * objects for nested JSON (our tag pseudo-tables carry `tag_names: [...]`).
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream, promises as fsp } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Tokenizer, TokenParser } from '@streamparser/json';
import { PodMigrateError } from '../errors';
import { STRING_PIECE } from '../string-pieces';
import { DumpTokenizer, decodeJsonBytes, dumpError, type DumpToken } from './tokenizer';

/** One row as read from the dump: column name → JSON value (bigint for integers beyond 2^53). */
export type DumpRow = Record<string, unknown>;

export type DumpEvent =
  | { type: 'table'; name: string /** Byte offset of the table's key (uncompressed stream). */; offset: number }
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
  /** Read size (default READ_CHUNK). */
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
  for await (const events of readDumpBatches(path, options)) yield* events;
}

/**
 * Bytes parsed into one array of events. The file is read 256 KiB at a time, but parsed and handed over this much at
 * a time: the rows of a whole read chunk (about 2,000) outlived young collections while the consumer worked through
 * them and were promoted to the old generation (20,000-video import into PostgreSQL: 290 MB promoted, 146 MB with
 * 16 KiB slices, the rest with smaller batches, see import.ts; fewer promoted bytes, less of the import's time in GC).
 */
const PARSE_SLICE = 16 * 1024;

/** `chunk` in pieces of at most PARSE_SLICE bytes (views, not copies). */
function* parseSlices(chunk: Buffer): Generator<Buffer> {
  for (let at = 0; at < chunk.length; at += PARSE_SLICE) yield chunk.subarray(at, at + PARSE_SLICE);
}

/** The events of `readDump`, an array per slice of the file (one await per slice: the import reads millions of rows). */
export async function* readDumpBatches(path: string, options: ReadDumpOptions = {}): AsyncGenerator<DumpEvent[], void, undefined> {
  const source = await openDumpSource(path, options.chunkSize);
  const parser = new DumpParser({ path });
  try {
    for await (const chunk of source.stream) {
      for (const slice of parseSlices(chunk as Buffer)) {
        const events = parser.push(slice);
        if (events.length > 0) yield events;
      }
      options.onProgress?.({ fileBytesRead: source.fileBytesRead(), fileBytes: source.fileBytes, bytes: parser.bytes });
    }
    const last = parser.end();
    if (last.length > 0) yield last;
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
      for (const slice of parseSlices(chunk as Buffer)) handle(parser.push(slice));
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

/**
 * The read size: 64 KiB, not more. Each chunk is a fresh buffer, and one over the executable's malloc mmap threshold
 * (128 KiB, heap-growth.ts) is freshly mapped memory each time: a pass over a 20,000-video dump (109 MB) took 2.0–2.5 s
 * in 256 KiB chunks, 1.0 s in 64 KiB ones (with parse runs of STRING_PIECE), and the import 8.4–8.8 → 7.6 s.
 */
const READ_CHUNK = 64 * 1024;

/** The file's bytes, gunzipped when the file starts with the gzip magic bytes. */
export async function openDumpSource(path: string, chunkSize = READ_CHUNK): Promise<DumpSource> {
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
  private readonly tokenizer: DumpTokenizer;
  private readonly seen = new Set<string>();
  /** The table whose rows are being read. */
  private table: string | undefined;
  private readonly exactNumbers: boolean;
  private readonly path: string | undefined;
  /** The events of the chunk being pushed. */
  private events: DumpEvent[] = [];
  /**
   * Its row events, their rows not parsed yet (see `parseRows`), in order, each row at `rowBytes[k]` from
   * `rowFrom[k]` to `rowTo[k]`; a null event (a table's end) ends a run. Arrays kept from push to push: no record per row.
   */
  private readonly rowEvents: Array<RowEvent | null> = [];
  private readonly rowBytes: Buffer[] = [];
  private readonly rowFrom: number[] = [];
  private readonly rowTo: number[] = [];

  constructor(options: DumpParserOptions = {}) {
    this.exactNumbers = options.exactNumbers ?? true;
    this.path = options.path;
    this.tokenizer = new DumpTokenizer(
      {
        token: (token) => this.onToken(token),
        row: (bytes, from, to, index, offset) => this.onRow(bytes, from, to, index, offset),
      },
      options.path,
    );
  }

  /** Uncompressed bytes consumed so far. */
  get bytes(): number {
    return this.tokenizer.bytes;
  }

  push(chunk: Buffer): DumpEvent[] {
    this.events = [];
    try {
      this.tokenizer.push(chunk);
    } catch (error) {
      // A bad row before the fault the tokenizer found is the first thing wrong in the file: its error wins.
      this.parseRows();
      throw error;
    }
    this.parseRows();
    return this.events;
  }

  /** Call once the input is exhausted: throws when the document is incomplete. */
  end(): DumpEvent[] {
    this.tokenizer.end();
    return [];
  }

  private onToken(token: DumpToken): void {
    switch (token.type) {
      case 'key':
        if (this.seen.has(token.name))
          throw dumpError(this.path, token.offset, `table "${token.name}" appears twice in the dump`, { table: token.name });
        this.seen.add(token.name);
        this.table = token.name;
        return;
      case 'arrayStart':
        this.events.push({ type: 'table', name: token.name, offset: token.offset });
        return;
      case 'arrayEnd':
        this.queueRow(null, NO_BYTES, 0, 0);
        this.events.push({ type: 'tableEnd', table: token.name, rows: token.rows });
    }
  }

  private onRow(bytes: Buffer, from: number, to: number, index: number, offset: number): void {
    const event: RowEvent = { type: 'row', table: this.table!, index, row: NOT_PARSED, offset };
    this.events.push(event);
    this.queueRow(event, bytes, from, to);
  }

  private queueRow(event: RowEvent | null, bytes: Buffer, from: number, to: number): void {
    this.rowEvents.push(event);
    this.rowBytes.push(bytes);
    this.rowFrom.push(from);
    this.rowTo.push(to);
  }

  /**
   * Parses the rows of the chunk just pushed: consecutive rows lying side by side in one buffer (only commas and
   * white space between them, which the tokenizer checked) are parsed by one `JSON.parse` of `[row, row, …]` —
   * one UTF-8 check, one string and one call per run instead of per row (a 20,000-video dump's 590,000 rows, warm:
   * 872–896 → 779–812 ms a pass). A run is at most STRING_PIECE bytes (a longer row alone), so that its string stays
   * out of V8's large-object space. A run that fails is parsed row by row, which names the row and byte at fault.
   */
  private parseRows(): void {
    const { rowEvents: events, rowBytes: bytes, rowFrom: from, rowTo: to } = this;
    try {
      let start = 0;
      while (start < events.length) {
        if (events[start] === null) {
          start++;
          continue;
        }
        let end = start + 1;
        while (end < events.length) {
          if (events[end] === null || bytes[end] !== bytes[start] || from[end] < to[end - 1]) break;
          if (to[end] - from[start] > STRING_PIECE) break;
          end++;
        }
        this.parseRun(start, end);
        start = end;
      }
    } finally {
      events.length = 0;
      bytes.length = 0;
      from.length = 0;
      to.length = 0;
    }
  }

  private parseRun(start: number, end: number): void {
    const buffer = this.rowBytes[start];
    let parsed: unknown;
    if (end - start > 1) {
      const span = buffer.subarray(this.rowFrom[start], this.rowTo[end - 1]);
      if (isUtf8(span)) {
        try {
          parsed = JSON.parse(bracketed(span));
        } catch {
          parsed = undefined; // parsed row by row below, which says where
        }
      }
    }
    const whole = Array.isArray(parsed) && parsed.length === end - start;
    for (let k = start; k < end; k++) {
      const event = this.rowEvents[k]!;
      const value = whole ? ((parsed as unknown[])[k - start] as DumpRow) : undefined;
      // The row's own bytes (a view) only where they are read again: a row the run's parse did not give, or one
      // with an integer beyond 2^53.
      if (value === undefined) event.row = this.parseRow(this.rowView(k), event.offset, event.index);
      else event.row = this.inexact(value) ? this.exact(value, this.rowView(k)) : value;
    }
  }

  /** The bytes of queued row `k`, as a view. */
  private rowView(k: number): Buffer {
    return this.rowBytes[k].subarray(this.rowFrom[k], this.rowTo[k]);
  }

  private parseRow(bytes: Buffer, offset: number, index: number): DumpRow {
    const row = decodeJsonBytes(bytes, offset, 'row', this.path, { table: this.table, row: index }) as DumpRow;
    return this.inexact(row) ? this.exact(row, bytes) : row;
  }

  /** Whether the row must be read again for its integers beyond 2^53 (when asked). */
  private inexact(row: DumpRow): boolean {
    return this.exactNumbers && hasInexactInteger(row);
  }

  /** The row, with its integers beyond 2^53 read again exactly from its bytes. */
  private exact(row: DumpRow, bytes: Buffer): DumpRow {
    return withExactIntegers(row, parseExact(bytes)) as DumpRow;
  }
}

/** Where a run of rows is given its brackets (a run is at most STRING_PIECE bytes; see parseRows). */
const RUN_TEXT = Buffer.allocUnsafe(STRING_PIECE + 2);

/**
 * `[` + the run's text + `]`, decoded once: the template string it replaces was a concatenation that JSON.parse
 * flattened, a second copy of every byte of the dump (100 MB of strings for a 20,000-video import, a tenth of what
 * its reading allocated).
 */
function bracketed(span: Buffer): string {
  RUN_TEXT[0] = 0x5b; // [
  span.copy(RUN_TEXT, 1);
  RUN_TEXT[span.length + 1] = 0x5d; // ]
  return RUN_TEXT.toString('utf8', 0, span.length + 2);
}

type RowEvent = Extract<DumpEvent, { type: 'row' }>;

/** The bytes of a table's end in the row queue (it only ends a run). */
const NO_BYTES = Buffer.alloc(0);

/** A row event's row until its run is parsed (within the same `push`). */
const NOT_PARSED: DumpRow = Object.freeze({}) as DumpRow;

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
        const replaced = withExactIntegers(v, Object.hasOwn(ex, key) ? ex[key] : undefined);
        if (replaced !== v) Object.defineProperty(obj, key, { value: replaced, writable: true, enumerable: true, configurable: true });
      }
    }
    return obj;
  }
  return parsed;
}
