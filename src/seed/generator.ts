/**
 * Deterministic, seeded Pod 3.8.4 data over every exported table (plus django-tagging's two tables), driven by the
 * live schema: tables and columns come from `SchemaInfo` (MariaDB or PostgreSQL, USE_PODFILE either way, older
 * 3.8 sources without `video_video.order`…), the per-table rules of apps/*.ts (one module per Pod app) supply what
 * a schema cannot say.
 *
 * Pure: no database access. Same seed + same schema → same batches, byte for byte.
 */
import type { CanonicalValue } from '../convert/logical-types';
import { isJsonText } from '../convert/logical-types';
import type { ColumnInfo, SchemaInfo, TableInfo } from '../dialects/dialect';
import { REFERENCE_TABLES, TABLE_RULES, type RowValues } from './apps';
import { NUL_TEXT, charLength, formatDate, formatDatetime, truncateChars, EPOCH_START } from './values';
import { MAX_TAG_LENGTH } from './tag-values';
import { World, type GenerateOptions } from './world';

export type { GenerateOptions, ReferenceData, UniqueFold } from './world';
export { POD_384_REFERENCE } from './world';

export interface SeedBatch {
  table: string;
  /** Live column names, in table order (columns with a database default that no rule sets are left out). */
  columns: string[];
  rows: CanonicalValue[][];
}

export interface GeneratorOptions extends GenerateOptions {
  /** Rows per batch (default 5,000). Batches are also cut at about `maxBatchBytes` of text. */
  batchRows?: number;
  maxBatchBytes?: number;
  /**
   * Throw instead of repairing when a rule produces a value the live column cannot take (NULL into NOT NULL, text
   * over the varchar length). Tests run strict; the CLI repairs (truncates / fills) so that a drifted schema still seeds.
   */
  strict?: boolean;
  /** Only these tables (default: every table the seed knows that exists in the schema). */
  tables?: string[];
}

/** The tables the seed writes, parents before children (self-references are ordered by id inside a table). */
export function seedTableOrder(schema: SchemaInfo, only?: readonly string[]): string[] {
  const wanted = new Set(Object.keys(TABLE_RULES).filter((t) => schema.tables.has(t) && (only === undefined || only.includes(t))));
  const deps = new Map<string, Set<string>>();
  for (const t of wanted) deps.set(t, new Set());
  for (const fk of schema.foreignKeys) {
    if (fk.table !== fk.refTable && wanted.has(fk.table) && wanted.has(fk.refTable)) deps.get(fk.table)?.add(fk.refTable);
  }
  const order: string[] = [];
  const done = new Set<string>();
  while (done.size < wanted.size) {
    const ready = [...wanted].filter((t) => !done.has(t) && [...(deps.get(t) ?? [])].every((d) => done.has(d))).sort();
    // A cycle (none in Pod's schema): take the remaining tables by name; the transaction relaxes foreign keys anyway.
    const next =
      ready.length > 0
        ? ready
        : [...wanted]
            .filter((t) => !done.has(t))
            .sort()
            .slice(0, 1);
    for (const t of next) {
      order.push(t);
      done.add(t);
    }
  }
  return order;
}

/** Generates the seed rows, table by table (parents first), in batches of bounded size. */
export function* generateV3Data(schema: SchemaInfo, options: GeneratorOptions): Iterable<SeedBatch> {
  const world = new World(schema, options);
  const batchRows = options.batchRows ?? 5000;
  const maxBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
  for (const name of seedTableOrder(schema, options.tables)) {
    const table = schema.tables.get(name) as TableInfo;
    const rule = TABLE_RULES[name];
    let columns: ColumnInfo[] | undefined;
    let rows: CanonicalValue[][] = [];
    let bytes = 0;
    for (const values of rule(world)) {
      if (columns === undefined) columns = liveColumns(table, values);
      const row = columns.map((col) => toColumn(values, col, table, options.strict ?? false));
      rows.push(row);
      bytes += estimateBytes(row);
      if (rows.length >= batchRows || bytes >= maxBytes) {
        yield { table: name, columns: columns.map((c) => c.name), rows };
        rows = [];
        bytes = 0;
      }
    }
    if (columns !== undefined && rows.length > 0) yield { table: name, columns: columns.map((c) => c.name), rows };
  }
}

/** The live columns a table's rows fill: every column a rule sets, and every column without a database default. */
function liveColumns(table: TableInfo, sample: RowValues): ColumnInfo[] {
  return table.columns.filter((c) => Object.hasOwn(sample, c.name) || !c.hasDefault);
}

function estimateBytes(row: CanonicalValue[]): number {
  let n = 16;
  for (const v of row) {
    if (typeof v === 'string') n += v.length * 2;
    else if (isJsonText(v)) n += v.json.length * 2;
    else if (Buffer.isBuffer(v)) n += v.length;
    else n += 8;
  }
  return n;
}

function fail(table: TableInfo, col: ColumnInfo, message: string): never {
  throw new Error(`seed: ${table.name}.${col.name}: ${message}`);
}

/** A value for a NOT NULL column no rule knows (a column a drifted schema added). */
function fillerValue(col: ColumnInfo): CanonicalValue {
  switch (col.type) {
    case 'boolean':
      return false;
    case 'integer':
    case 'float':
    case 'interval':
      return 0;
    case 'decimal':
      return '0';
    case 'datetime':
      return formatDatetime(EPOCH_START);
    case 'date':
      return formatDate(EPOCH_START);
    case 'time':
      return '00:00:00.000000';
    case 'uuid':
      return '00000000000040008000000000000000';
    case 'json':
      return { json: '{}' };
    case 'inet':
      return '127.0.0.1';
    case 'binary':
      return Buffer.alloc(0);
    default:
      return '';
  }
}

/** Converts a rule's value to the canonical form of the live column's logical type. */
function toColumn(values: RowValues, col: ColumnInfo, table: TableInfo, strict: boolean): CanonicalValue {
  const has = Object.hasOwn(values, col.name);
  const v = has ? values[col.name] : null;
  if (v === null || v === undefined) {
    if (col.nullable) return null;
    if (strict && has) fail(table, col, 'NULL for a NOT NULL column');
    return fillerValue(col);
  }
  switch (col.type) {
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      return v === '1' || v === 'true';
    case 'integer':
    case 'interval':
    case 'float':
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number') return v;
      return Number(v);
    case 'decimal':
      return typeof v === 'string' ? v : String(v);
    case 'json':
      if (isJsonText(v)) return v;
      return { json: typeof v === 'string' ? v : JSON.stringify(v) };
    case 'binary':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
    default: {
      // text, uuid, datetime, date, time, inet
      let text: string;
      if (typeof v === 'string') text = v;
      else if (isJsonText(v)) text = v.json;
      else if (typeof v === 'boolean') text = v ? '1' : '0';
      else text = String(v);
      if (col.maxLength !== null && charLength(text) > col.maxLength) {
        if (strict) fail(table, col, `${charLength(text)} characters for varchar(${col.maxLength}): ${JSON.stringify(text.slice(0, 80))}`);
        text = truncateChars(text, col.maxLength);
      }
      return text;
    }
  }
}

/** What a seed will contain, for tests and reports (the hard cases by id). */
export interface SeedSummary {
  tables: string[];
  videos: number;
  users: number;
  maxVideoId: number;
  /** The video with 300 tags. */
  manyTagsVideoId: number;
  /** Where each special tag set went. Sets whose names the database's unique fold merges lose those names. */
  specialTagVideos: Array<{ label: string; videoId: number; names: string[] }>;
  tagNames: string[];
  orphanTaggedItems: { video: number; recorder: number };
  /** Videos whose encoding paths carry a previous owner's hashkey (staleOwnerPaths). */
  staleVideos: Array<{ videoId: number; ownerHashkey: string; pathHashkey: string }>;
}

export function describeSeed(schema: SchemaInfo, options: GenerateOptions): SeedSummary {
  const w = new World(schema, options);
  return {
    tables: seedTableOrder(schema),
    videos: w.N,
    users: w.users,
    maxVideoId: w.maxVideoId,
    manyTagsVideoId: w.videoId(w.special.manyTags),
    specialTagVideos: w.special.tagSets.map((s) => ({ label: s.label, videoId: w.videoId(s.videoIndex), names: s.names })),
    tagNames: [...w.tagNames],
    orphanTaggedItems: {
      video: w.orphanItems.filter((o) => o.kind === 'video').length,
      recorder: w.orphanItems.filter((o) => o.kind === 'recorder').length,
    },
    staleVideos: [...w.videoOldOwner.entries()].map(([i, old]) => ({
      videoId: w.videoId(i),
      ownerHashkey: w.hashkey(w.videoOwner[i - 1]),
      pathHashkey: w.hashkey(old),
    })),
  };
}

/**
 * A one-row batch copied from `batch`'s first row, with a NUL character (U+0000) inside one text value: for tests
 * of what PostgreSQL refuses (MySQL stores it). The default seed never contains one.
 */
export function withNulByte(batch: SeedBatch, column?: string): SeedBatch {
  if (batch.rows.length === 0) throw new Error('withNulByte: empty batch');
  const row = [...batch.rows[0]];
  let index = column === undefined ? -1 : batch.columns.indexOf(column);
  if (index < 0) {
    if (column !== undefined) throw new Error(`withNulByte: no column ${column} in ${batch.table}`);
    index = row.findIndex((v, k) => typeof v === 'string' && v.length > 0 && batch.columns[k] !== 'id');
    if (index < 0) throw new Error(`withNulByte: no text value in the first row of ${batch.table}`);
  }
  const value = row[index];
  if (typeof value === 'string' && value.length > 0) {
    const chars = Array.from(value);
    chars.splice(Math.min(3, chars.length), 0, '\u0000');
    row[index] = chars.join('');
  } else {
    row[index] = NUL_TEXT;
  }
  return { table: batch.table, columns: [...batch.columns], rows: [row] };
}

export { REFERENCE_TABLES, MAX_TAG_LENGTH };
