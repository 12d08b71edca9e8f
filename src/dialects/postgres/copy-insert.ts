/**
 * Bulk insert through `COPY … FROM STDIN` (text format) on the import transaction's own node-postgres client: the
 * database's own bulk-load path, one COPY per table kept open across the engine's batches, streamed, so memory
 * stays one chunk whatever the number of rows. Values pass the same checks as the JSON path (codec.ts: NUL bytes, ranges,
 * lengths, canonical spellings); a refused value names table, row and column, and the transaction rolls back.
 */
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CanonicalValue } from '../../convert/logical-types';
import { PodMigrateError } from '../../errors';
import { STRING_PIECE } from '../../string-pieces';
import type { ColumnInfo, TableInfo } from '../dialect';
import { drained, sameTarget } from '../bulk-statement';
import { encodeRow } from './bulk-insert';
import { makeTextEncoder } from './codec';
import { mapPostgresError } from './errors';
import { qualifiedTable, quoteIdent } from './quote';

/** Backslash, newline, carriage return and tab are COPY text's delimiters: escaped with a backslash. */
const COPY_SPECIAL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function copyEscape(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c]) : text;
}

export function copyStatement(table: TableInfo, columns: ColumnInfo[]): string {
  return `COPY ${qualifiedTable(table.name)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN`;
}

/** The rows as COPY text, in chunks of about STRING_PIECE characters; throws a PodMigrateError at the first refused value. */
function* copyChunks(table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): Generator<string> {
  const encoders = columns.map((c) => makeTextEncoder(c));
  let chunk = '';
  for (let r = 0; r < rows.length; r += 1) {
    const texts = encodeRow(table, columns, encoders, rows[r], r);
    let line = '';
    for (let c = 0; c < texts.length; c += 1) {
      const text = texts[c];
      line += (c === 0 ? '' : '\t') + (text === null ? '\\N' : copyEscape(text));
    }
    chunk += `${line}\n`;
    if (chunk.length >= STRING_PIECE) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * One COPY statement kept open across the engine's batches of one table: each `write` encodes its rows and hands
 * them to the socket (waiting only while the socket is full), so that the server loads one batch while this process
 * parses and encodes the next. `end` finishes the COPY and checks that every row sent was written; a server error
 * surfaces from the next `write` or from `end`.
 */
export class CopyWriter {
  private readonly copy: ReturnType<typeof copyFrom>;
  private failure: unknown;
  private sent = 0;

  constructor(
    client: pg.Client,
    readonly table: TableInfo,
    readonly columns: ColumnInfo[],
  ) {
    if (columns.length === 0) {
      throw new PodMigrateError('SCHEMA_MISMATCH', 'cannot insert rows without any column', { place: { table: table.name } });
    }
    this.copy = client.query(copyFrom(copyStatement(table, columns)));
    this.copy.on('error', (error) => (this.failure ??= error));
  }

  /** Same table and columns: the batch can go into this COPY. */
  accepts(table: TableInfo, columns: ColumnInfo[]): boolean {
    return sameTarget(this, table, columns);
  }

  /**
   * Encodes and sends the rows; resolves once they are handed to the socket, to their number. The whole batch is
   * encoded to bytes before this returns (a refused value: a rejected promise), so the caller's rows can be let go
   * at once instead of living until the socket took their last chunk, past young collections while the engine reads
   * the next batch (promoted, then left to the old generation's collections). Not async for that reason: an async
   * function keeps its arguments until it ends.
   */
  write(rows: CanonicalValue[][]): Promise<number> {
    const chunks: Buffer[] = [];
    try {
      for (const chunk of copyChunks(this.table, this.columns, rows)) chunks.push(Buffer.from(chunk));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.send(chunks, rows.length);
  }

  private async send(chunks: Buffer[], rows: number): Promise<number> {
    for (const chunk of chunks) {
      this.check();
      if (!this.copy.write(chunk)) await drained(this.copy);
    }
    this.check();
    this.sent += rows;
    return rows;
  }

  /** Finishes the COPY: every row sent must be written (a trigger in a fork could drop rows silently). */
  async end(): Promise<void> {
    try {
      this.check();
      this.copy.end();
      await finished(this.copy);
    } catch (error) {
      throw this.mapped(error);
    }
    if (this.copy.rowCount !== this.sent) {
      throw new PodMigrateError('DATABASE', `${this.table.name}: ${this.copy.rowCount} rows written instead of ${this.sent}`, {
        place: { table: this.table.name },
      });
    }
  }

  /** Abandons the COPY (CopyFail: the server drops it); the transaction is rolled back by the caller. */
  async abort(): Promise<void> {
    this.copy.destroy();
    await finished(this.copy).catch(() => undefined);
  }

  private check(): void {
    if (this.failure !== undefined) throw this.mapped(this.failure);
  }

  private mapped(error: unknown): PodMigrateError {
    return mapPostgresError(error, { action: `copying rows into ${this.table.name}`, place: { table: this.table.name } });
  }
}
