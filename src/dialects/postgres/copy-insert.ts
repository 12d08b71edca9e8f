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
import type { ColumnInfo, TableInfo } from '../dialect';
import { drained, sameTarget } from '../bulk-statement';
import { TsvPieces } from '../tsv-pieces';
import { encodeRow } from './bulk-insert';
import { makeCopyEncoder, type CopyEncoder } from './codec';
import { mapPostgresError } from './errors';
import { qualifiedTable, quoteIdent } from './quote';

export function copyStatement(table: TableInfo, columns: ColumnInfo[]): string {
  return `COPY ${qualifiedTable(table.name)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN`;
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
  private readonly encoders: CopyEncoder[];
  private readonly tsv = new TsvPieces();
  /** One row's encoded values, filled again for each row. */
  private readonly encoded: Array<string | number | null>;

  constructor(
    client: pg.Client,
    readonly table: TableInfo,
    readonly columns: ColumnInfo[],
  ) {
    if (columns.length === 0) {
      throw new PodMigrateError('SCHEMA_MISMATCH', 'cannot insert rows without any column', { place: { table: table.name } });
    }
    this.encoders = columns.map((c) => makeCopyEncoder(c));
    this.encoded = new Array(columns.length);
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
    const tsv = this.tsv;
    try {
      for (let r = 0; r < rows.length; r += 1) {
        const values = encodeRow(this.table, this.columns, this.encoders, rows[r], r, this.encoded);
        for (let c = 0; c < values.length; c += 1) {
          if (c > 0) tsv.tab();
          tsv.field(values[c]);
        }
        tsv.newline();
      }
    } catch (error) {
      tsv.discard();
      return Promise.reject(error);
    }
    return this.send(tsv.take(), rows.length);
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
