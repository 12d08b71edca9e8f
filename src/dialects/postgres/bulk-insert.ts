/**
 * Bulk insert through one bound parameter per batch:
 *
 *   INSERT INTO "public"."t" ("a", "b") OVERRIDING SYSTEM VALUE
 *   SELECT r."c0", r."c1"::jsonb FROM json_to_recordset($1::json) AS r("c0" integer, "c1" text)
 *
 * The batch is a JSON array of row objects keyed c0, c1… (short keys, whatever the column names), built as text by
 * the encoders (codec.ts) and cut at about BATCH_BYTES. A JSON column's document travels as a JSON *string* (its
 * text) cast to json/jsonb: a json column keeps its text unchanged, and a document that is JSON `null` stays a JSON
 * null (as a record member, a bare null would become SQL NULL). OVERRIDING SYSTEM VALUE lets explicit ids into
 * GENERATED ALWAYS identity columns too (it changes nothing for BY DEFAULT ones and plain columns).
 */
import type { CanonicalValue } from '../../convert/logical-types';
import { PodMigrateError } from '../../errors';
import type { ColumnInfo, TableInfo } from '../dialect';
import { makeEncoder, ValueProblem } from './codec';
import { mapPostgresError } from './errors';
import { qualifiedTable, quoteIdent } from './quote';

/** Target size of one batch document (characters of JSON text). */
export const BATCH_BYTES = 8 * 1024 * 1024;

export type RunQuery = (sqlText: string, params: readonly unknown[]) => Promise<{ rowCount: number }>;

export interface InsertOptions {
  batchBytes?: number;
}

/** Names a row in errors: its primary-key value when the key is one column among those inserted, else its 1-based index. */
function rowLabel(table: TableInfo, columns: ColumnInfo[], row: CanonicalValue[], index: number): number | string {
  if (table.primaryKey.length === 1) {
    const at = columns.findIndex((c) => c.name === table.primaryKey[0]);
    const value = at >= 0 ? row[at] : undefined;
    if (typeof value === 'number' || typeof value === 'string') return value;
  }
  return index + 1;
}

/**
 * One row through the columns' encoders (JSON fragments or COPY text), each value checked: a row of the wrong width
 * or a refused value throws a PodMigrateError naming table, row and column. `out`: an array to fill again (a writer
 * that consumes each row at once need not allocate one per row).
 */
export function encodeRow<Encoded>(
  table: TableInfo,
  columns: ColumnInfo[],
  encoders: Array<(value: CanonicalValue) => Encoded>,
  row: CanonicalValue[],
  index: number,
  out: Encoded[] = new Array(encoders.length),
): Encoded[] {
  if (!Array.isArray(row) || row.length !== columns.length) {
    throw new PodMigrateError('SCHEMA_MISMATCH', `row has ${Array.isArray(row) ? row.length : 'no'} values for ${columns.length} columns`, {
      place: { table: table.name, row: index + 1 },
    });
  }
  for (let c = 0; c < encoders.length; c += 1) {
    try {
      out[c] = encoders[c](row[c]);
    } catch (error) {
      if (!(error instanceof ValueProblem)) throw error;
      throw new PodMigrateError('VALUE_INVALID', `${error.message} (column type ${columns[c].nativeType})`, {
        cause: error,
        place: { table: table.name, row: rowLabel(table, columns, row, index), column: columns[c].name },
      });
    }
  }
  return out;
}

export function insertStatement(table: TableInfo, columns: ColumnInfo[]): string {
  const targets = columns.map((c) => quoteIdent(c.name)).join(', ');
  const picks = columns.map((c, i) => (c.type === 'json' ? `r."c${i}"::${c.nativeType}` : `r."c${i}"`)).join(', ');
  const record = columns.map((c, i) => `"c${i}" ${c.type === 'json' ? 'text' : c.nativeType}`).join(', ');
  return `INSERT INTO ${qualifiedTable(table.name)} (${targets}) OVERRIDING SYSTEM VALUE SELECT ${picks} FROM json_to_recordset($1::json) AS r(${record})`;
}

export async function insertRows(
  run: RunQuery,
  table: TableInfo,
  columns: ColumnInfo[],
  rows: CanonicalValue[][],
  options: InsertOptions = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  if (columns.length === 0) {
    throw new PodMigrateError('SCHEMA_MISMATCH', 'cannot insert rows without any column', { place: { table: table.name } });
  }
  const limit = options.batchBytes ?? BATCH_BYTES;
  const statement = insertStatement(table, columns);
  const encoders = columns.map((c) => makeEncoder(c));
  const keys = columns.map((_, i) => `"c${i}":`);

  // Every row is encoded (and so validated) before the first batch leaves: a NUL byte or a malformed value in the
  // last row refuses the whole call without sending anything.
  const batches: Array<{ text: string; first: number; count: number }> = [];
  let parts: string[] = [];
  let size = 2;
  let first = 0;
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r];
    const fragments = encodeRow(table, columns, encoders, row, r);
    let text = '{';
    let separator = '';
    for (let c = 0; c < fragments.length; c += 1) {
      const fragment = fragments[c];
      if (fragment === null) continue;
      text += separator + keys[c] + fragment;
      separator = ',';
    }
    text += '}';
    if (parts.length > 0 && size + text.length + 1 > limit) {
      batches.push({ text: `[${parts.join(',')}]`, first, count: parts.length });
      parts = [];
      size = 2;
      first = r;
    }
    parts.push(text);
    size += text.length + 1;
  }
  batches.push({ text: `[${parts.join(',')}]`, first, count: parts.length });
  parts = [];

  let written = 0;
  for (const batch of batches) {
    try {
      const result = await run(statement, [batch.text]);
      // A trigger (in a fork) could drop rows silently: every row sent must be written.
      if (result.rowCount !== batch.count) {
        throw new PodMigrateError('DATABASE', `${table.name}: ${result.rowCount} rows written instead of ${batch.count}`, {
          place: { table: table.name },
        });
      }
      written += result.rowCount;
    } catch (error) {
      if (error instanceof PodMigrateError) throw error;
      const range = batch.count === 1 ? `row ${batch.first + 1}` : `rows ${batch.first + 1}–${batch.first + batch.count}`;
      throw mapPostgresError(error, { action: `inserting ${range} of this batch into ${table.name}`, place: { table: table.name } });
    }
    batch.text = '';
  }
  return written;
}
