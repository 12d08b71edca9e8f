/**
 * Streaming writer of a Pod dump file (see reader.ts for the format). The file is written to
 * `path + '.partial-<pid>'` (mode 0600 from creation: it holds password hashes and API tokens) and renamed
 * into place by `commit()` after an fsync, so that `path` only ever holds a complete dump.
 *
 * Layout: one row per line,
 *
 *   {
 *   "table_a": [
 *   {"id":1,"name":"x"},
 *   {"id":2,"name":"y"}
 *   ],
 *   "table_b": []
 *   }
 *
 * Strings are escaped as JSON.stringify does (non-ASCII kept as UTF-8, lone surrogates as \uXXXX): Python's
 * json.load, and so Pod's importer, reads it. `bigint` values are written as JSON numbers, exactly.
 */
import { promises as fsp, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { PodMigrateError } from '../errors';
import { onInterrupt } from '../interrupt';

export interface DumpWriter {
  /** Final path (written by commit). */
  readonly path: string;
  /** Where the data is written until commit. */
  readonly tempPath: string;
  /** Bytes written so far (including what is still buffered). */
  readonly bytesWritten: number;
  /** Rows per table written so far, in file order. */
  readonly tables: ReadonlyMap<string, number>;
  /** Per table, the keys of its rows in order of first appearance: what scanDump would find in the file. */
  readonly columns: ReadonlyMap<string, ReadonlySet<string>>;
  /** Starts a table's array. A table name may appear once. */
  beginTable(name: string): void;
  /**
   * Appends one row: an object of dump values (see toDumpValue), keys in `columns` order when given, else in
   * the object's own key order (JavaScript puts integer-like keys first: pass `columns` if a column name can be
   * a number). Returns nothing once the row is buffered (no promise per row: an export writes millions); a
   * promise when the buffer is full, resolved once the previous buffer is written, so that a slow disk holds the
   * caller back (backpressure) and at most two ~1 MiB buffers are held; a rejected promise when the row is refused.
   */
  writeRow(row: Record<string, unknown>, columns?: readonly string[]): Promise<void> | undefined;
  /** Closes the current table's array; returns its row count. */
  endTable(): number;
  /** Closes the object (and any open table), flushes, fsyncs, renames the temporary file to `path`. */
  commit(): Promise<void>;
  /** Removes the temporary file. Safe to call at any time, more than once, and after a failed commit. */
  abort(): Promise<void>;
}

/** Buffered bytes are written out once they reach this many. */
const FLUSH_AT = 1 << 20;
/**
 * Written buffers kept for reuse: one. A fresh 2 MB buffer is freshly mapped memory (over the executable's 128 KiB
 * malloc mmap threshold), each of its pages faulted in by the first rows written to it: a 20,000-video export from
 * MariaDB took 3.7 s (CPU 4.5 s) with a new buffer per flush, 3.0-3.1 s (CPU 3.5 s) reusing one, same peak RSS
 * (98-102 MB). Two spare buffers: +8 MB, no faster.
 */
const MAX_SPARE = 1;
/** UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

export async function openDumpWriter(path: string): Promise<DumpWriter> {
  const tempPath = `${path}.partial-${process.pid}`;
  try {
    await fsp.mkdir(dirname(path), { recursive: true });
    // A temporary file left by an earlier crash of this pid: never reuse it (its mode could be wider).
    await fsp.rm(tempPath, { force: true });
    const handle = await fsp.open(tempPath, 'wx', 0o600);
    await handle.chmod(0o600).catch(() => undefined);
    const writer = new FileDumpWriter(path, tempPath, handle);
    writer.append('{');
    return writer;
  } catch (error) {
    await fsp.rm(tempPath, { force: true }).catch(() => undefined);
    throw new PodMigrateError('DUMP_INVALID', `cannot create the dump file ${tempPath}: ${(error as Error).message}`, { cause: error });
  }
}

type WriterState = 'open' | 'committing' | 'committed' | 'aborted' | 'failed';

class FileDumpWriter implements DumpWriter {
  /**
   * Rows are encoded into this buffer as they come (UTF-8, outside V8's heap): each row's text dies at once
   * instead of surviving, with a megabyte of others, the young generation's collections until the next flush.
   */
  private buffer: Buffer = Buffer.allocUnsafe(FLUSH_AT * 2);
  private bufferedLength = 0;
  /** Buffers whose text is in the file, for the next flushes (see MAX_SPARE). */
  private readonly spare: Buffer[] = [];
  private written: Promise<void> = Promise.resolve();
  private writeError: unknown;
  private state: WriterState = 'open';
  private table: string | undefined;
  private rows = 0;
  private bytes = 0;
  private readonly tableRows = new Map<string, number>();
  private readonly tableColumns = new Map<string, Set<string>>();
  private columnsSeen = new Set<string>();
  // Ctrl-C before commit: the partial file (password hashes, tokens) is removed, not left beside the dump.
  private readonly forgetPartialFile = onInterrupt(() => rmSync(this.tempPath, { force: true }));

  constructor(
    readonly path: string,
    readonly tempPath: string,
    private handle: fsp.FileHandle | undefined,
  ) {}

  get bytesWritten(): number {
    return this.bytes;
  }

  get tables(): ReadonlyMap<string, number> {
    return this.tableRows;
  }

  get columns(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.tableColumns;
  }

  append(text: string): void {
    if (this.bufferedLength + text.length * MAX_UTF8_PER_UNIT > this.buffer.length) {
      // A row larger than the room left: a buffer large enough for what is buffered and the row.
      const larger = Buffer.allocUnsafe(Math.max(FLUSH_AT * 2, this.bufferedLength + text.length * MAX_UTF8_PER_UNIT));
      this.buffer.copy(larger, 0, 0, this.bufferedLength);
      this.buffer = larger;
    }
    this.bufferedLength += this.buffer.write(text, this.bufferedLength, 'utf8');
  }

  beginTable(name: string): void {
    this.assertOpen();
    if (typeof name !== 'string') throw new PodMigrateError('DUMP_INVALID', 'a dump table name must be a string');
    if (this.table !== undefined)
      throw new PodMigrateError('DUMP_INVALID', `table "${name}" begun while table "${this.table}" is still open`, {
        place: { table: name },
      });
    if (this.tableRows.has(name))
      throw new PodMigrateError('DUMP_INVALID', `table "${name}" is written twice into the dump`, { place: { table: name } });
    this.append(`${this.tableRows.size === 0 ? '\n' : ',\n'}${JSON.stringify(name)}: [`);
    this.table = name;
    this.rows = 0;
    this.tableRows.set(name, 0);
    this.columnsSeen = new Set();
    this.tableColumns.set(name, this.columnsSeen);
  }

  writeRow(row: Record<string, unknown>, columns?: readonly string[]): Promise<void> | undefined {
    try {
      this.bufferRow(row, columns);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.bufferedLength >= FLUSH_AT ? this.flush(false) : undefined;
  }

  private bufferRow(row: Record<string, unknown>, columns: readonly string[] | undefined): void {
    this.assertOpen();
    if (this.table === undefined) throw new PodMigrateError('DUMP_INVALID', 'writeRow() called outside a table');
    let text: string;
    if (columns === undefined && isFlatJsonRow(row)) {
      text = JSON.stringify(row); // the common case, natively
    } else {
      const keys = columns ?? Object.keys(row);
      text = '{';
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k];
        let value: string;
        try {
          value = stringifyDumpValue(row[key]);
        } catch (error) {
          throw new PodMigrateError('VALUE_INVALID', (error as Error).message, {
            place: { table: this.table, row: this.rows + 1, column: key },
          });
        }
        text += `${(k === 0 ? '' : ',') + JSON.stringify(key)}:${value}`;
      }
      text += '}';
    }
    // The keys written, as scanDump would collect them from the file.
    if (columns) for (const key of columns) this.columnsSeen.add(key);
    else for (const key in row) this.columnsSeen.add(key);
    this.append(this.rows === 0 ? '\n' : ',\n');
    this.append(text);
    this.rows++;
    this.tableRows.set(this.table, this.rows);
  }

  endTable(): number {
    this.assertOpen();
    if (this.table === undefined) throw new PodMigrateError('DUMP_INVALID', 'endTable() called outside a table');
    this.append(this.rows === 0 ? ']' : '\n]');
    const rows = this.rows;
    this.table = undefined;
    this.rows = 0;
    return rows;
  }

  async commit(): Promise<void> {
    this.assertOpen();
    this.state = 'committing';
    try {
      if (this.table !== undefined) {
        this.state = 'open';
        this.endTable();
        this.state = 'committing';
      }
      this.append(this.tableRows.size === 0 ? '}\n' : '\n}\n');
      await this.flush(true);
      const handle = this.handle!;
      await handle.sync();
      this.handle = undefined;
      await handle.close();
      await fsp.rename(this.tempPath, this.path);
      this.forgetPartialFile();
      await syncDirectory(dirname(this.path));
      this.state = 'committed';
    } catch (error) {
      this.state = 'failed';
      if (error instanceof PodMigrateError) throw error;
      throw new PodMigrateError('DUMP_INVALID', `cannot write the dump file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return;
    this.state = 'aborted';
    this.bufferedLength = 0;
    await this.written.catch(() => undefined);
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await handle.close().catch(() => undefined);
    await fsp.rm(this.tempPath, { force: true });
    this.forgetPartialFile();
  }

  /**
   * Hands the buffered text to the file, after whatever is being written now. Resolves once the previous
   * write is done (`all`: once this one is done too), so that one buffer fills while the other is written:
   * at most two buffers are ever held.
   */
  private flush(all: boolean): Promise<void> {
    const previous = this.written;
    if (this.bufferedLength > 0) {
      const full = this.buffer;
      const data = full.subarray(0, this.bufferedLength);
      // The next rows go into a buffer whose write is done (never one still being written: a caller that does not
      // await writeRow goes on appending).
      this.buffer = this.spare.pop() ?? Buffer.allocUnsafe(FLUSH_AT * 2);
      this.bufferedLength = 0;
      this.bytes += data.length;
      this.written = previous.then(async () => {
        if (this.writeError !== undefined || this.state === 'aborted') return;
        try {
          let offset = 0;
          while (offset < data.length) {
            const { bytesWritten } = await this.handle!.write(data, offset, data.length - offset);
            offset += bytesWritten;
          }
        } catch (error) {
          this.writeError = error;
        }
        if (full.length === FLUSH_AT * 2 && this.spare.length < MAX_SPARE) this.spare.push(full);
      });
    }
    return (all ? this.written : previous).then(() => {
      if (this.writeError !== undefined) {
        const error = this.writeError as Error;
        throw new PodMigrateError('DUMP_INVALID', `cannot write the dump file ${this.tempPath}: ${error.message}`, { cause: error });
      }
    });
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new PodMigrateError('DUMP_INVALID', `the dump writer for ${this.path} is ${this.state}`);
    if (this.writeError !== undefined) {
      const error = this.writeError as Error;
      throw new PodMigrateError('DUMP_INVALID', `cannot write the dump file ${this.tempPath}: ${error.message}`, { cause: error });
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename durable. Not every platform / file system allows fsync on a directory: best effort.
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

/** Only strings, finite numbers, booleans and nulls, in a plain object: JSON.stringify writes it exactly. */
function isFlatJsonRow(row: Record<string, unknown>): boolean {
  const proto = Object.getPrototypeOf(row);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in row) {
    const value = row[key];
    switch (typeof value) {
      case 'string':
      case 'boolean':
        break;
      case 'number':
        if (!Number.isFinite(value)) return false;
        break;
      case 'object':
        if (value !== null) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * One dump value as JSON text: null, boolean, finite number, bigint (as a JSON number), string, arrays and
 * plain objects of those. Anything else (undefined, Buffer, Date, NaN…) is refused: convert it first
 * (toDumpValue).
 */
export function stringifyDumpValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} cannot be written to a JSON dump`);
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(stringifyDumpValue).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new Error(
          `a ${(value as object).constructor?.name ?? 'non-plain'} object cannot be written to a JSON dump (convert it first)`,
        );
      }
      const obj = value as Record<string, unknown>;
      return `{${Object.keys(obj)
        .map((k) => `${JSON.stringify(k)}:${stringifyDumpValue(obj[k])}`)
        .join(',')}}`;
    }
    default:
      throw new Error(`${typeof value} cannot be written to a JSON dump`);
  }
}
