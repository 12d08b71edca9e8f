/**
 * Bulk insert through `COPY … FROM STDIN` (text format) on the import transaction's own node-postgres client: the
 * database's own bulk-load path, about twice as fast as a json_to_recordset batch and streamed, so memory stays one
 * chunk whatever the number of rows. Values pass the same checks as the JSON path (codec.ts: NUL bytes, ranges,
 * lengths, canonical spellings); a refused value names table, row and column, and the transaction rolls back.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CanonicalValue } from '../../convert/logical-types';
import { PodMigrateError } from '../../errors';
import type { ColumnInfo, TableInfo } from '../dialect';
import { makeTextEncoder, ValueProblem } from './codec';
import { rowLabel } from './bulk-insert';
import { toPodMigrateError } from './errors';
import { qualifiedTable, quoteIdent } from './quote';

/** Characters of COPY text handed to the socket at a time. */
const CHUNK_CHARS = 256 * 1024;

/** Backslash, newline, carriage return and tab are COPY text's delimiters: escaped with a backslash. */
const COPY_SPECIAL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function copyEscape(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c]) : text;
}

export function copyStatement(table: TableInfo, columns: ColumnInfo[]): string {
  return `COPY ${qualifiedTable(table.name)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN`;
}

/** The rows as COPY text, in chunks of about CHUNK_CHARS; throws a PodMigrateError at the first refused value. */
function* copyChunks(table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): Generator<string> {
  const encoders = columns.map((c) => makeTextEncoder(c));
  let chunk = '';
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw new PodMigrateError('SCHEMA_MISMATCH', `row has ${Array.isArray(row) ? row.length : 'no'} values for ${columns.length} columns`, {
        place: { table: table.name, row: r + 1 },
      });
    }
    let line = '';
    for (let c = 0; c < encoders.length; c += 1) {
      let text: string | null;
      try {
        text = encoders[c](row[c]);
      } catch (error) {
        if (!(error instanceof ValueProblem)) throw error;
        throw new PodMigrateError('VALUE_INVALID', `${error.message} (column type ${columns[c].nativeType})`, {
          cause: error,
          place: { table: table.name, row: rowLabel(table, columns, row, r), column: columns[c].name },
        });
      }
      line += (c === 0 ? '' : '\t') + (text === null ? '\\N' : copyEscape(text));
    }
    chunk += `${line}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Streams the rows into the table with COPY on `client` (inside its open transaction); every row must be written. */
export async function copyRows(client: pg.Client, table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): Promise<number> {
  if (rows.length === 0) return 0;
  if (columns.length === 0) {
    throw new PodMigrateError('SCHEMA_MISMATCH', 'cannot insert rows without any column', { place: { table: table.name } });
  }
  const copy = client.query(copyFrom(copyStatement(table, columns)));
  try {
    await pipeline(Readable.from(copyChunks(table, columns, rows), { objectMode: false }), copy);
  } catch (error) {
    throw toPodMigrateError(error, { action: `copying ${rows.length} row(s) into ${table.name}`, place: { table: table.name } });
  }
  // A trigger (in a fork) could drop rows silently: every row sent must be written.
  if (copy.rowCount !== rows.length) {
    throw new PodMigrateError('DATABASE', `${table.name}: ${copy.rowCount} rows written instead of ${rows.length}`, { place: { table: table.name } });
  }
  return copy.rowCount;
}
