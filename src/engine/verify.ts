/**
 * Verify: per table, row count and a digest of normalised values (see OrderedPair and Side), source side (the
 * dump, or the v3 database itself) against the v4 side. Differences name the table and, on small tables,
 * the primary keys. Known losses of Pod's own exporter (microseconds, comma-joined tag names) are named as
 * such ("lossy"), never hidden and never taken for corruption.
 */
import { toDumpValue } from '../convert/dump-values';
import type { CanonicalValue, LogicalType } from '../convert/logical-types';
import { canonicalKey, OrderedDigest, TableChecksum, type TableChecksumOptions } from '../convert/verify-key';
import type { ColumnInfo, DatabaseConnection, RowOrder, SchemaInfo, TableInfo } from '../dialects/dialect';
import { dumpOrigin } from '../dump/origin';
import { readDumpBatches, scanDump } from '../dump/reader';
import type { ResolvedPlan } from '../plan/types';
import { PodMigrateError, type ErrorPlace } from '../errors';
import { type ColumnMapping, mapRow, mapTable, mapValue, type TableMapping } from './mapping';
import type { Reporter } from './reporter';
import { describeSourceTables } from './sql';
import { TagSetCheck } from './verify-tags';

export type VerdictStatus = 'ok' | 'differs' | 'lossy' | 'missing';

export interface TableVerdict {
  table: string;
  status: VerdictStatus;
  sourceRows: number;
  targetRows: number;
  detail?: string;
  /** Primary keys of rows that differ (small tables only), at most 10. */
  keys?: string[];
}

export interface VerifyResult {
  ok: boolean;
  tables: TableVerdict[];
}

export interface VerifyOptions {
  plan: ResolvedPlan;
  target: DatabaseConnection;
  /** Compare with the dump file … */
  dumpPath?: string;
  /**
   * … or with the v3 database; `dumpPath` beside it names the dump that was imported: only when Pod's own exporter
   * wrote it are its known losses (microseconds, comma-joined tag names) accepted as "lossy".
   */
  source?: DatabaseConnection;
  reporter: Reporter;
  /** Tables up to this many rows keep per-row digests in the first pass (default 1,000). */
  keepRowsFirstPass?: number;
  /** Rows the import's orphan policy left out or changed, per target table: expected differences, named as such. */
  orphanKeys?: Map<string, { policy: string; keys: Set<string> }>;
  /**
   * With `source`: its tables' row counts as the run's export just read them (plan run), so that verify does not count
   * them again (0.2–0.25 s of a 20,000-video PostgreSQL source). They only choose how a table is read (small or large)
   * and show progress: every verdict counts the rows verify itself reads.
   */
  sourceRows?: ReadonlyMap<string, number>;
}

/**
 * Per-row digests (to name the keys that differ) are kept from the start for small tables; a larger table keeps a
 * checksum per bucket of keys, and when it differs it is read a second time keeping only the rows of the buckets
 * that differ. That keeps verify's memory flat however large the database.
 */
const KEEP_ROWS_FIRST_PASS = 1_000;
const SHOW_KEYS = 10;

/**
 * The exact checksum of one side; beside it, when Pod's exporter's loss is possible, one with microseconds zeroed
 * (tells that loss from corruption).
 */
class Side {
  readonly exact: TableChecksum;
  readonly seconds: TableChecksum | undefined;
  constructor(rows: Pick<TableChecksumOptions, 'keepRows' | 'keepBuckets' | 'buckets'>, lossyAllowed: boolean) {
    this.exact = new TableChecksum(rows);
    this.seconds = lossyAllowed ? new TableChecksum({ keepRows: false, dropMicroseconds: true }) : undefined;
  }
  add(values: CanonicalValue[], types: LogicalType[], key: string): void {
    this.exact.add(values, types, key);
    this.seconds?.add(values, types, key);
  }
}

/**
 * A large table keyed by an integer, both sides read in that key's order (ORDER BY it on every side): the cheap first
 * comparison. Equal rows in equal order prove the table equal; anything else sends it to `Side`'s order-independent
 * checksums, which tell a different order from different rows and name the keys.
 */
interface OrderedSides {
  readonly equal: boolean;
  readonly sourceRows: number;
  readonly targetRows: number;
}

/** Against a dump (one pass over every table, while the target is read table by table): each side digested as read. */
class OrderedPair implements OrderedSides {
  readonly source = new OrderedDigest();
  readonly target = new OrderedDigest();
  private same: boolean | undefined;
  get equal(): boolean {
    this.same ??= this.source.finish() === this.target.finish();
    return this.same;
  }
  get sourceRows(): number {
    return this.source.count;
  }
  get targetRows(): number {
    return this.target.count;
  }
}

/**
 * Against the v3 database (both sides read table by table): the rows compared pair by pair as they come
 * (`compareInOrder`), value by value as the ordered digest's keys would be (`sameRow`): no key text made for
 * equal values, nothing hashed.
 */
export class RowByRow implements OrderedSides {
  equal = true;
  sourceRows = 0;
  targetRows = 0;
}

interface Compared {
  mapping: TableMapping;
  types: LogicalType[];
  keyIndex: number;
  source: Side;
  target: Side;
  /** Set: the rows are compared in key order instead of going to `source` / `target` (see OrderedSides). */
  ordered?: OrderedPair | RowByRow;
  merge: boolean;
}

/**
 * The order a side reads a table in: an ordered table by its primary key in byte order (RowOrder's `bytes`), so that a
 * text key comes in the same order from both sides whatever their collations (an integer key is unchanged by it);
 * any other by the dialect's default.
 */
function sideOrder(c: Compared, table: TableInfo): RowOrder | undefined {
  return c.ordered ? { bytes: table.primaryKey } : undefined;
}

function addRow(c: Compared, side: 'source' | 'target', values: CanonicalValue[]): void {
  if (c.ordered instanceof OrderedPair) c.ordered[side].add(values, c.types);
  else c[side].add(values, c.types, keyOf(values, c));
}

export async function verifyMigration(options: VerifyOptions): Promise<VerifyResult> {
  const { plan, target, reporter } = options;
  const [targetSchema, sourceSchema] = await Promise.all([target.introspect(), options.source?.introspect()]);
  const lossyAllowed = Boolean(options.source && options.dumpPath) && (await dumpOrigin(options.dumpPath!)) === 'pod-exporter';
  if (!options.source) reporter.emit({ type: 'phase', step: 'verify', message: 'reading the whole dump once to count its rows' });
  const preparing = Promise.all(plan.tags.map((set) => TagSetCheck.prepare(set, target, targetSchema, lossyAllowed))).then((prepared) =>
    prepared.filter((c): c is TagSetCheck => c !== null),
  );
  preparing.catch(() => undefined);
  // Against a dump the tag sets are fed by the tables' pass over it: prepared first. Against the v3 database they are
  // read on their own connections: prepared there, beside the first tables.
  const [description, dumpTagChecks] = await Promise.all([
    options.source
      ? describeSourceTables(
          options.source,
          sourceSchema!,
          plan.tables.filter((t) => t.strategy !== 'skip').map((t) => t.name),
          options.sourceRows,
        )
      : scanDump(options.dumpPath!),
    options.source ? undefined : preparing,
  ]);
  const verdicts: TableVerdict[] = [];
  const compared = new Map<string, Compared>();

  for (const table of plan.tables) {
    if (table.strategy === 'skip') continue;
    const described = description.tables.get(table.name);
    const targetTable = targetSchema.tables.get(table.target);
    if (!described || !targetTable) {
      if (described && !targetTable)
        verdicts.push({
          table: table.target,
          status: 'missing',
          sourceRows: described.rows,
          targetRows: 0,
          detail: 'no such table in the target',
        });
      continue;
    }
    const full = mapTable(table, targetTable, described.columns);
    const mapping: TableMapping = { ...full, columns: full.columns.filter((c) => c.source !== null) };
    // Merge tables and tables the orphan policy changed are judged row by row: their per-row digests are needed.
    const judgedByRow = table.strategy === 'merge' || options.orphanKeys?.has(table.target) === true;
    const small = described.rows <= (options.keepRowsFirstPass ?? KEEP_ROWS_FIRST_PASS);
    const keepRows = small || judgedByRow;
    const pk = targetTable.primaryKey.length === 1 ? targetTable.primaryKey[0] : null;
    const types = mapping.columns.map((c) => c.target.type);
    const keyIndex = pk ? mapping.columns.findIndex((c) => c.target.name === pk) : -1;
    // Rows come ORDER BY the primary key on every side; an integer key orders alike everywhere (no collation). Against
    // the v3 database a small table is compared in order too (a digest per row of 89 small tables was 4 % of a
    // 20,000-video verify); it keeps its per-row digests for the second read, if its rows differ. Against a dump, a
    // small table keeps them from the start: that read is one pass over the whole file. Against the v3 database a
    // text key (a token, a uuid, a thumbnail's key) is read in byte order on both sides, whatever their collations:
    // in a collation's order, the 12,500 rows of seven such tables cost a SHA-256 per row and side, 0.2 s of a
    // 20,000-video verify.
    const keyType = keyIndex >= 0 ? types[keyIndex] : undefined;
    const textKey = options.source !== undefined && (keyType === 'text' || keyType === 'uuid');
    const ordered = !judgedByRow && (!small || options.source !== undefined) && !lossyAllowed && (keyType === 'integer' || textKey);
    compared.set(table.name, {
      mapping,
      types,
      keyIndex,
      source: new Side({ keepRows, buckets: !keepRows }, lossyAllowed),
      target: new Side({ keepRows, buckets: !keepRows }, lossyAllowed),
      ordered: ordered ? (options.source ? new RowByRow() : new OrderedPair()) : undefined,
      merge: table.strategy === 'merge',
    });
  }

  const totalRows = (name: string) => description.tables.get(name)?.rows ?? null;
  reporter.emit({
    type: 'step-size',
    step: 'verify',
    tables: compared.size,
    rows: [...compared.keys()].reduce((n, name) => n + (description.tables.get(name)?.rows ?? 0), 0),
  });
  // Beside the tables, on connections of their own: the tag sets' pairs (the source's, and the target's), and the
  // target's sequences. Awaited after the tables (an error of the tables' pass comes first).
  // Against the v3 database a set's verdict (its last query, the target's names) is reached here too, as soon as
  // both of its sides are in; against a dump its source side comes with the tables' pass, and the verdict after it.
  const tagsRead = preparing.then((checks) =>
    Promise.all(
      checks.map(async (check) => {
        const [sourceRead] = await Promise.all([
          options.source ? check.readSourceDb(plan, options.source, sourceSchema!) : true,
          check.readTarget(target),
        ]);
        return { check, verdict: options.source && sourceRead ? await check.judge(target) : sourceRead };
      }),
    ),
  );
  const sequences = target.sequencesBehind([...compared.values()].map((c) => c.mapping.target));
  tagsRead.catch(() => undefined);
  sequences.catch(() => undefined);
  const sources: Sources = { ...options, sourceSchema };
  await readBothSides(sources, compared, totalRows, new Map(dumpTagChecks?.map((c) => [c.set.dumpTable, c])));
  const unordered = new Map<string, Compared>();
  for (const [name, c] of compared) if (c.ordered && !c.ordered.equal) unordered.set(name, { ...c, ordered: undefined });
  if (unordered.size > 0) {
    // Ordered digests that differ: the rows, or only their order, differ. Read once more, order-independent.
    await readBothSides(sources, unordered, totalRows);
    for (const [name, c] of unordered) compared.set(name, c);
  }
  const secondPass = new Map<string, Compared>();
  for (const [name, c] of compared) {
    const verdict = judge(c, lossyAllowed, options.orphanKeys?.get(c.mapping.target.name));
    verdicts.push(verdict);
    if (verdict.status === 'differs' && !c.source.exact.rows && c.keyIndex >= 0) {
      const keepBuckets = c.source.exact.differingBuckets(c.target.exact);
      secondPass.set(name, {
        ...c,
        source: new Side({ keepRows: true, keepBuckets }, lossyAllowed),
        target: new Side({ keepRows: true, keepBuckets }, lossyAllowed),
      });
    }
  }
  if (secondPass.size > 0) {
    // The differing keys of the large tables that differ: read them once more, keeping the digests of the rows in the
    // buckets that differ.
    await readBothSides(sources, secondPass, totalRows);
    for (const c of secondPass.values()) {
      const index = verdicts.findIndex((v) => v.table === c.mapping.target.name);
      verdicts[index] = judge(c, lossyAllowed, options.orphanKeys?.get(c.mapping.target.name));
    }
  }
  for (const { check, verdict } of await tagsRead) {
    if (verdict === false) continue; // a v3 database without django-tagging's table: no tag set to compare
    verdicts.push(verdict === true ? await check.judge(target) : verdict);
  }
  // A sequence behind max(id) holds no wrong row, but Pod's next INSERT into that table would fail.
  for (const s of await sequences) {
    verdicts.push({
      table: `${s.table} (sequence)`,
      status: 'differs',
      sourceRows: 0,
      targetRows: 0,
      detail: `the sequence of ${s.column} is behind max(${s.column}): next value ${s.next}, max ${s.max}`,
      keys: [s.max],
    });
  }
  const ok = verdicts.every((v) => v.status === 'ok' || v.status === 'lossy');
  return { ok, tables: verdicts };
}

/**
 * A table's rows in key order (`order`: see sideOrder), the `digested` columns read as the server's digests
 * (digestedColumns) when given.
 */
function rowBatches(
  db: DatabaseConnection,
  table: TableInfo,
  columns: ColumnInfo[],
  order: RowOrder | undefined,
  digested?: ReadonlySet<string>,
): AsyncIterable<CanonicalValue[][]> {
  return digested && db.streamDigestedRowBatches
    ? db.streamDigestedRowBatches(table, columns, digested, order)
    : db.streamRowBatches(table, columns, order);
}

function targetBatches(target: DatabaseConnection, c: Compared, digested?: ReadonlySet<string>): AsyncIterable<CanonicalValue[][]> {
  return rowBatches(
    target,
    c.mapping.target,
    c.mapping.columns.map((m) => m.target),
    sideOrder(c, c.mapping.target),
    digested,
  );
}

async function readTargetSide(target: DatabaseConnection, c: Compared): Promise<void> {
  for await (const batch of targetBatches(target, c)) {
    for (const values of batch) addRow(c, 'target', values);
  }
  if (c.ordered instanceof OrderedPair) c.ordered.target.end();
}

function keyOf(values: CanonicalValue[], c: Compared): string {
  return c.keyIndex >= 0 ? canonicalKey(values[c.keyIndex], c.types[c.keyIndex]) : '';
}

/** Where the source side comes from: the options, and the v3 database's schema when it is the source. */
type Sources = Pick<VerifyOptions, 'source' | 'dumpPath' | 'target' | 'reporter'> & { sourceSchema?: SchemaInfo };

/**
 * Reads both sides of the compared tables at the same time, on separate connections (the source database's or the
 * dump file, and the target's): each side's database works while this process hashes the other side's rows.
 */
async function readBothSides(
  options: Sources,
  compared: Map<string, Compared>,
  totalRows: (name: string) => number | null,
  tagChecks?: Map<string, TagSetCheck>,
): Promise<void> {
  const startTable = (name: string, c: Compared) =>
    options.reporter.emit({ type: 'table-start', step: 'verify', table: c.mapping.target.name, totalRows: totalRows(name) });
  if (options.source) {
    const schema = options.sourceSchema!;
    for (const [name, c] of compared) {
      startTable(name, c);
      const info = schema.tables.get(name)!;
      if (c.ordered instanceof RowByRow) {
        const raw = rawPair(options.source, options.target, info, c);
        if (raw) await compareInOrderBy(raw.source, raw.target, raw.same, c.ordered);
        else {
          const digested = digestedColumns(options.source, options.target, info, c);
          await compareInOrder(
            mappedSourceBatches(options.source, info, c, digested?.source),
            targetBatches(options.target, c, digested?.target),
            c.types,
            c.ordered,
          );
        }
      } else await Promise.all([readSourceTable(options.source, info, c), readTargetSide(options.target, c)]);
    }
    return;
  }
  const targetSide = async () => {
    for (const [name, c] of compared) {
      startTable(name, c);
      await readTargetSide(options.target, c);
    }
  };
  await Promise.all([readDumpSide(options.dumpPath!, compared, tagChecks), targetSide()]);
}

/**
 * The v3 database's rows through the dump's spelling (toDumpValue), then the plan's mapping of each column (mapValue):
 * the values a dump of them would import as. Column by column, without the dump's row object. `digested`: the source
 * columns read as the server's digests (digestedColumns), which the mapping keeps as they are.
 */
async function* mappedSourceBatches(
  source: DatabaseConnection,
  info: TableInfo,
  c: Compared,
  digested?: ReadonlySet<string>,
): AsyncGenerator<CanonicalValue[][]> {
  const columns = c.mapping.columns;
  // The source columns the mapping reads, each once (a column the plan drops is not read).
  const read: ColumnInfo[] = [];
  const at = columns.map((m) => {
    const column = sourceColumn(info, m);
    if (!column) return -1;
    if (!read.includes(column)) read.push(column);
    return read.indexOf(column);
  });
  const lacking = columns.find((m, i) => m.source !== null && at[i] < 0);
  if (lacking) throw new PodMigrateError('SCHEMA_MISMATCH', `the source has no column ${lacking.source}`, { place: { table: info.name } });
  // One place for every value (read only when a value is refused, which ends the read; the error adds the column).
  const place: ErrorPlace = { table: c.mapping.target.name, row: 0 };
  // The type of a column whose canonical values sourceValue keeps as they are (see keptAsIs), else undefined.
  const asIs = columns.map((m, i) => (at[i] >= 0 && !m.rule?.convert && read[at[i]].type === m.target.type ? m.target.type : undefined));
  // Each source column read once, in the mapping's order: the rows (fresh arrays from the dialect, this reader's
  // alone) are mapped in place, as most of Pod's tables are (no second array per row: verify reads millions).
  const inPlace = read.length === columns.length && at.every((k, i) => k === i);
  let index = 0;
  for await (const batch of rowBatches(source, info, read, sideOrder(c, info), digested)) {
    const mapped = inPlace ? batch : new Array<CanonicalValue[]>(batch.length);
    for (let r = 0; r < batch.length; r++) {
      const values = batch[r];
      index += 1;
      place.row = index;
      const out = inPlace ? values : new Array<CanonicalValue>(columns.length);
      for (let i = 0; i < columns.length; i++) {
        const k = at[i];
        const value = values[k];
        out[i] = keptAsIs(asIs[i], value) ? value : sourceValue(columns[i], value, k < 0 ? undefined : read[k], place);
      }
      mapped[r] = out;
    }
    yield mapped;
  }
}

/** The v3 column a mapped column reads, if the source has it. */
function sourceColumn(info: TableInfo, m: ColumnMapping): ColumnInfo | undefined {
  return m.source === null ? undefined : info.columns.find((candidate) => candidate.name === m.source);
}

/** Whether the plan's rule for a mapped column leaves its values as they are: none, or only a rename. */
function keepsValues(m: ColumnMapping): boolean {
  return !m.rule || (m.rule.convert === undefined && m.rule.default === undefined && !m.rule.defaultOnNull);
}

/** Native types of unbounded texts (MariaDB/MySQL's four, PostgreSQL's text): the ones worth digesting. */
const LONG_TEXT = /^(?:tiny|medium|long)?text$/i;

/**
 * The columns of an ordered table read as their MD5 on both sides (streamDigestedRowBatches): the long texts (a
 * description, a comment) whose mapping keeps them as they are (text on both sides, see keepsValues). Equal texts give equal
 * digests, a changed text another one, so the pair comparison stays exact (to MD5's collisions, which the data of a
 * migration does not seek), and a pair that differs sends the table to the whole-value reading as any difference
 * does, which names the keys. Each server hashes its own bytes: this process neither receives nor decodes the texts.
 * Undefined: no such column, or a side that cannot digest.
 */
function digestedColumns(
  source: DatabaseConnection,
  target: DatabaseConnection,
  info: TableInfo,
  c: Compared,
): { source: Set<string>; target: Set<string> } | undefined {
  if (!source.streamDigestedRowBatches || !target.streamDigestedRowBatches) return undefined;
  const digested = { source: new Set<string>(), target: new Set<string>() };
  for (const m of c.mapping.columns) {
    const column = sourceColumn(info, m);
    if (column?.type !== 'text' || m.target.type !== 'text' || !keepsValues(m)) continue;
    if (!LONG_TEXT.test(column.nativeType) && !LONG_TEXT.test(m.target.nativeType)) continue;
    digested.source.add(column.name);
    digested.target.add(m.target.name);
  }
  return digested.source.size > 0 ? digested : undefined;
}

/**
 * Whether sourceValue gives back this value itself, for a column of this logical type on both sides and no
 * conversion: a canonical value that is not null (no default applies) and whose dump spelling the import reads back
 * unchanged — text, a safe integer (not -0, which the import writes as 0), a boolean, a datetime (its spelling only
 * drops '.000000', which the reading puts back). test/engine/verify-source-value.test.ts holds the round trips.
 * Verify reads millions of values: the two conversions are spared for nearly all of them.
 */
export function keptAsIs(type: LogicalType | undefined, value: CanonicalValue): boolean {
  switch (type) {
    case 'text':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0);
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      return typeof value === 'string' && value.length === 26;
    default:
      return false;
  }
}

/**
 * A v3 database's value as the import would write it: through the dump's spelling (toDumpValue), then the plan's
 * mapping of its column (mapValue). `column` undefined: the source lacks the column (the mapping's default, or NULL).
 */
function sourceValue(mapping: ColumnMapping, value: CanonicalValue, column: ColumnInfo | undefined, place: ErrorPlace): CanonicalValue {
  return mapValue(mapping, column === undefined ? undefined : toDumpValue(value, column), place);
}

/**
 * Both sides of an ordered table as the server's own text (streamRawRowBatches), when the two databases are of one
 * dialect and every compared column has the same native type on both sides and no rule of the plan (no conversion,
 * no default): the same type's text is the same value, so a line equal to its pair is not decoded. A line that
 * differs is decoded, the source's mapped as mappedSourceBatches does, and compared as compareInOrder does (another
 * spelling of the same value passes). Null: the table is compared from decoded rows.
 */
function rawPair(
  source: DatabaseConnection,
  target: DatabaseConnection,
  info: TableInfo,
  c: Compared,
): { source: AsyncIterable<Buffer[]>; target: AsyncIterable<Buffer[]>; same: (a: Buffer, b: Buffer) => boolean } | null {
  if (source.dialect.name !== target.dialect.name || !source.rawRowDecoder || !target.rawRowDecoder) return null;
  const columns = c.mapping.columns;
  const sourceColumns: ColumnInfo[] = [];
  for (const m of columns) {
    const column = sourceColumn(info, m);
    if (!column || column.nativeType !== m.target.nativeType || column.type !== m.target.type) return null;
    if (!keepsValues(m)) return null;
    sourceColumns.push(column);
  }
  const targetColumns = columns.map((m) => m.target);
  const sourceLines = source.streamRawRowBatches?.(info, sourceColumns, sideOrder(c, info));
  const targetLines = target.streamRawRowBatches?.(c.mapping.target, targetColumns, sideOrder(c, c.mapping.target));
  if (!sourceLines || !targetLines) return null;
  const decodeSource = source.rawRowDecoder(info, sourceColumns);
  const decodeTarget = target.rawRowDecoder(c.mapping.target, targetColumns);
  const place: ErrorPlace = { table: c.mapping.target.name };
  const mapped = (values: CanonicalValue[]) => values.map((v, i) => sourceValue(columns[i], v, sourceColumns[i], place));
  return {
    source: sourceLines,
    target: targetLines,
    same: (a, b) => a.equals(b) || sameRow(mapped(decodeSource(a)), decodeTarget(b), c.types),
  };
}

async function readSourceTable(source: DatabaseConnection, info: TableInfo, c: Compared): Promise<void> {
  for await (const batch of mappedSourceBatches(source, info, c)) for (const values of batch) addRow(c, 'source', values);
  if (c.ordered instanceof OrderedPair) c.ordered.source.end();
}

/**
 * Both sides of an ordered table, row i of one against row i of the other, as their batches come: a side's next batch
 * is asked for when its current one is used up (the drivers keep receiving meanwhile: asked earlier, a decoded batch
 * waited for the other side, past young collections), both sides' at once when both are. After the first
 * difference the rest is only counted (the table is then read again, order-independent).
 */
export function compareInOrder(
  source: AsyncIterable<CanonicalValue[][]>,
  target: AsyncIterable<CanonicalValue[][]>,
  types: readonly LogicalType[],
  sides: RowByRow,
): Promise<void> {
  return compareInOrderBy(source, target, (a, b) => sameRow(a, b, types), sides);
}

/** compareInOrder for rows of any form, `same` telling whether a pair is equal. */
async function compareInOrderBy<R>(
  source: AsyncIterable<R[]>,
  target: AsyncIterable<R[]>,
  same: (source: R, target: R) => boolean,
  sides: RowByRow,
): Promise<void> {
  const from = [source[Symbol.asyncIterator](), target[Symbol.asyncIterator]()] as const;
  // Each pending batch has a handler from the start: a side that fails while the other is awaited is not an
  // unhandled rejection (its error is thrown when its turn comes, or dropped if the other side failed first).
  const ask = (side: 0 | 1) => {
    const batch = from[side].next();
    batch.catch(() => undefined);
    return batch;
  };
  const next: Array<Promise<IteratorResult<R[]>> | undefined> = [ask(0), ask(1)];
  const rows: R[][] = [[], []];
  const at = [0, 0];
  const ended = [false, false];
  try {
    for (;;) {
      let waited = false;
      for (const side of [0, 1] as const) {
        if (at[side] < rows[side].length || ended[side]) continue;
        // Both sides are asked before either is awaited: the two reads go on at once.
        next[side] ??= ask(side);
      }
      for (const side of [0, 1] as const) {
        const pending = next[side];
        if (pending === undefined) continue;
        next[side] = undefined;
        const result = await pending;
        waited = true;
        if (result.done) ended[side] = true;
        else {
          rows[side] = result.value;
          at[side] = 0;
        }
      }
      if (waited) continue;
      const sourceLeft = rows[0].length - at[0];
      const targetLeft = rows[1].length - at[1];
      if (sourceLeft === 0 && targetLeft === 0) return;
      // One side ended before the other: the counts differ.
      const n = sourceLeft === 0 || targetLeft === 0 ? 0 : Math.min(sourceLeft, targetLeft);
      if (n === 0) sides.equal = false;
      const [sourceRows, targetRows] = rows;
      for (let k = 0; k < n; k++) {
        if (sides.equal && !same(sourceRows[at[0] + k], targetRows[at[1] + k])) sides.equal = false;
        // A compared row is let go at once: its batch may wait for the other side's next ones, past young collections.
        sourceRows[at[0] + k] = LET_GO as R;
        targetRows[at[1] + k] = LET_GO as R;
      }
      const sourceTaken = n === 0 ? sourceLeft : n;
      const targetTaken = n === 0 ? targetLeft : n;
      at[0] += sourceTaken;
      at[1] += targetTaken;
      sides.sourceRows += sourceTaken;
      sides.targetRows += targetTaken;
    }
  } finally {
    // A side that failed ends the comparison: the other side's read is stopped (its own error, if any, not reported twice).
    for (const side of [0, 1] as const) if (!ended[side]) from[side].return?.()?.catch(() => undefined);
  }
}

const LET_GO: unknown = null;

/** Whether two rows give the ordered digest the same keys: equal values, or values of equal canonical keys. */
function sameRow(source: readonly CanonicalValue[], target: readonly CanonicalValue[], types: readonly LogicalType[]): boolean {
  for (let i = 0; i < types.length; i++) {
    const a = source[i];
    const b = target[i];
    // 0 and -0 are === but may have different keys: they are compared by key, as any two values that are not ===.
    if (a !== b || (a === 0 && !Object.is(a, b))) {
      if (canonicalKey(a, types[i] ?? 'text') !== canonicalKey(b, types[i] ?? 'text')) return false;
    }
  }
  return true;
}

/** The dump side of the compared tables; the same pass feeds the tag pseudo-tables' rows to their tag set checks. */
async function readDumpSide(dumpPath: string, compared: Map<string, Compared>, tagChecks?: Map<string, TagSetCheck>): Promise<void> {
  for await (const events of readDumpBatches(dumpPath)) {
    for (const event of events) {
      if (event.type === 'tableEnd') {
        const ordered = compared.get(event.table)?.ordered;
        if (ordered instanceof OrderedPair) ordered.source.end();
      }
      if (event.type !== 'row') continue;
      tagChecks?.get(event.table)?.observeDumpRow(event.row);
      const c = compared.get(event.table);
      if (!c) continue;
      addRow(c, 'source', mapRow(c.mapping, event.row, event.index));
    }
  }
}

function differingKeys(source: TableChecksum, target: TableChecksum, sourceOnly: boolean): string[] {
  const a = source.rows;
  const b = target.rows;
  if (!a || !b) return [];
  const keys: string[] = [];
  for (const [key, digest] of a) if (b.get(key) !== digest) keys.push(key);
  if (!sourceOnly) for (const key of b.keys()) if (!a.has(key)) keys.push(key);
  return keys;
}

/**
 * `lossyAllowed`: only when comparing with the v3 database after importing a dump Pod's exporter wrote can a
 * difference be that exporter's loss; against a dump, or after our own export, every difference is a difference.
 */
function judge(c: Compared, lossyAllowed: boolean, orphans?: { policy: string; keys: Set<string> }): TableVerdict {
  const table = c.mapping.target.name;
  // Only equal ordered digests are left here (the others were compared again without them).
  if (c.ordered) return { table, status: 'ok', sourceRows: c.ordered.sourceRows, targetRows: c.ordered.targetRows };
  if (orphans) {
    const keys = differingKeys(c.source.exact, c.target.exact, false);
    if (keys.length > 0 && keys.every((k) => orphans.keys.has(k))) {
      const what = orphans.policy === 'skip' ? 'left out' : 'with their dangling reference cleared';
      const detail =
        orphans.policy === 'repaired'
          ? `${keys.length} row(s) repaired by the plan's repair rules`
          : `${keys.length} orphan row(s) ${what} by the plan's orphan policy`;
      return {
        table,
        status: 'ok',
        sourceRows: c.source.exact.count,
        targetRows: c.target.exact.count,
        detail,
        keys: keys.slice(0, SHOW_KEYS),
      };
    }
  }
  const sourceRows = c.source.exact.count;
  const targetRows = c.target.exact.count;
  if (c.merge) {
    // The target keeps rows the source lacks: every source row must be there, unchanged.
    const missing = differingKeys(c.source.exact, c.target.exact, true);
    return missing.length === 0 && targetRows >= sourceRows
      ? {
          table,
          status: 'ok',
          sourceRows,
          targetRows,
          detail: targetRows > sourceRows ? `+${targetRows - sourceRows} target-only rows kept (merge)` : undefined,
        }
      : {
          table,
          status: 'differs',
          sourceRows,
          targetRows,
          detail: `${missing.length} source row(s) missing or changed`,
          keys: missing.slice(0, SHOW_KEYS),
        };
  }
  if (sourceRows === targetRows && c.source.exact.digest === c.target.exact.digest) return { table, status: 'ok', sourceRows, targetRows };
  const keys = differingKeys(c.source.exact, c.target.exact, false).slice(0, SHOW_KEYS);
  // Lossy only if the target holds exactly the source truncated to the second (no sub-second value of its own).
  if (lossyAllowed && c.source.seconds && sourceRows === targetRows && c.source.seconds.digest === c.target.exact.digest) {
    return {
      table,
      status: 'lossy',
      sourceRows,
      targetRows,
      detail: "microseconds lost (datetimes/times equal to the second: the dump came from Pod's exporter)",
      keys,
    };
  }
  const detail = sourceRows !== targetRows ? `row counts differ (${sourceRows} vs ${targetRows})` : 'same row count, different values';
  return { table, status: 'differs', sourceRows, targetRows, detail, keys };
}

/** The verdict table; `onlyProblems` keeps the rows that are not "ok" (for the end of a plan run). */
export function formatVerify(result: VerifyResult, options: { onlyProblems?: boolean } = {}): string {
  // Rows the plan changed on purpose (orphan policy, repair rules) are named too: an administrator sees them.
  const shown = options.onlyProblems ? result.tables.filter((t) => t.status !== 'ok' || t.keys?.length) : result.tables;
  const width = Math.max(5, ...shown.map((t) => t.table.length));
  const lines =
    shown.length > 0 ? [`${'table'.padEnd(width)} ${'status'.padEnd(8)} ${'source'.padStart(9)} ${'target'.padStart(9)}  detail`] : [];
  for (const t of shown) {
    const keys = t.keys?.length ? ` [keys: ${t.keys.join(', ')}]` : '';
    lines.push(
      `${t.table.padEnd(width)} ${t.status.padEnd(8)} ${String(t.sourceRows).padStart(9)} ${String(t.targetRows).padStart(9)}  ${t.detail ?? ''}${keys}`.trimEnd(),
    );
  }
  const counts = (s: VerdictStatus) => result.tables.filter((t) => t.status === s).length;
  if (lines.length > 0) lines.push('');
  lines.push(
    `verify: ${result.ok ? 'PASSED' : 'FAILED'} — ${counts('ok')} ok, ${counts('lossy')} lossy (named above), ${counts('differs')} differ, ${counts('missing')} missing`,
  );
  return lines.join('\n');
}
