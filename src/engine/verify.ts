/**
 * Verify: per table, row count and an order-independent checksum of normalised values, source side (the
 * dump, or the v3 database itself) against the v4 side. Differences name the table and, on small tables,
 * the primary keys. Known losses of Pod's own exporter (microseconds, comma-joined tag names) are named as
 * such ("lossy"), never hidden and never taken for corruption.
 */
import { toDumpValue } from '../convert/dump-values';
import type { CanonicalValue, LogicalType } from '../convert/logical-types';
import { canonicalKey, TableChecksum } from '../convert/verify-key';
import type { DatabaseConnection, Dialect, SchemaInfo } from '../dialects/dialect';
import { readDump, scanDump } from '../dump/reader';
import type { ResolvedPlan, TagSet } from '../plan/types';
import { aggregateTagPairs, splitPodTagName } from '../tags';
import { mapRow, mapTable, type TableMapping } from './mapping';
import type { SourceDescription } from './preflight';
import type { Reporter } from './reporter';
import { describeSourceTables, renderFor } from './sql';

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
  /** … or with the v3 database. */
  source?: DatabaseConnection;
  reporter: Reporter;
  /** Tables up to this many rows keep per-row digests in the first pass (default 20,000). */
  keepRowsFirstPass?: number;
  /** Rows the import's orphan policy left out or changed, per target table: expected differences, named as such. */
  orphanKeys?: Map<string, { policy: string; keys: Set<string> }>;
}

/**
 * Per-row digests (to name the keys that differ) are kept from the start for small tables; a larger table
 * that differs is read a second time to find its keys, up to KEYS_UP_TO rows. That keeps verify's memory
 * flat however large the database.
 */
const KEEP_ROWS_FIRST_PASS = 20_000;
const KEYS_UP_TO = 2_000_000;
const SHOW_KEYS = 10;

/** Two checksums per side: exact, and with microseconds zeroed (tells Pod's exporter's loss from corruption). */
class Side {
  readonly exact: TableChecksum;
  readonly seconds: TableChecksum;
  constructor(keepRows: boolean) {
    this.exact = new TableChecksum({ keepRows });
    this.seconds = new TableChecksum({ keepRows: false, dropMicroseconds: true });
  }
  add(values: CanonicalValue[], types: LogicalType[], key: string): void {
    this.exact.add(values, types, key);
    this.seconds.add(values, types, key);
  }
}

interface Compared {
  mapping: TableMapping;
  types: LogicalType[];
  keyIndex: number;
  source: Side;
  target: Side;
  merge: boolean;
}

export async function verifyMigration(options: VerifyOptions): Promise<VerifyResult> {
  const { plan, target, reporter } = options;
  const targetSchema = await target.introspect();
  const description = options.source ? await describeSourceDb(options.source, plan) : await scanDump(options.dumpPath!);
  const verdicts: TableVerdict[] = [];
  const compared = new Map<string, Compared>();

  for (const table of plan.tables) {
    if (table.strategy === 'skip') continue;
    const described = description.tables.get(table.name);
    const targetTable = targetSchema.tables.get(table.target);
    if (!described || !targetTable) {
      if (described && !targetTable) verdicts.push({ table: table.target, status: 'missing', sourceRows: described.rows, targetRows: 0, detail: 'no such table in the target' });
      continue;
    }
    const full = mapTable(table, targetTable, described.columns);
    const mapping: TableMapping = { ...full, columns: full.columns.filter((c) => c.source !== null) };
    const keepRows =
      described.rows <= (options.keepRowsFirstPass ?? KEEP_ROWS_FIRST_PASS) || table.strategy === 'merge' || options.orphanKeys?.has(table.target) === true;
    const pk = targetTable.primaryKey.length === 1 ? targetTable.primaryKey[0] : null;
    compared.set(table.name, {
      mapping,
      types: mapping.columns.map((c) => c.target.type),
      keyIndex: pk ? mapping.columns.findIndex((c) => c.target.name === pk) : -1,
      source: new Side(keepRows),
      target: new Side(keepRows),
      merge: table.strategy === 'merge',
    });
  }

  const tagRows = new Map(plan.tags.map((set) => [set.dumpTable, [] as Array<Record<string, unknown>>]));
  await readSourceSide(options, compared, tagRows);
  const secondPass = new Map<string, Compared>();
  reporter.emit({ type: 'step-size', step: 'verify', tables: compared.size, rows: [...compared.keys()].reduce((n, name) => n + (description.tables.get(name)?.rows ?? 0), 0) });
  for (const [name, c] of compared) {
    reporter.emit({ type: 'table-start', step: 'verify', table: c.mapping.target.name, totalRows: description.tables.get(name)?.rows ?? null });
    await readTargetSide(target, c);
    const verdict = judge(c, Boolean(options.source), options.orphanKeys?.get(c.mapping.target.name));
    verdicts.push(verdict);
    if (verdict.status === 'differs' && !c.source.exact.rows && c.source.exact.count <= KEYS_UP_TO && c.keyIndex >= 0) {
      secondPass.set(name, { ...c, source: new Side(true), target: new Side(true) });
    }
  }
  if (secondPass.size > 0) {
    // The differing keys of the large tables that differ: read them once more, keeping per-row digests.
    await readSourceSide(options, secondPass);
    for (const c of secondPass.values()) {
      await readTargetSide(target, c);
      const index = verdicts.findIndex((v) => v.table === c.mapping.target.name);
      verdicts[index] = judge(c, Boolean(options.source), options.orphanKeys?.get(c.mapping.target.name));
    }
  }
  for (const set of plan.tags) {
    const verdict = await verifyTagSet(plan, set, options, targetSchema, target.dialect, tagRows.get(set.dumpTable) ?? []);
    if (verdict) verdicts.push(verdict);
  }
  const ok = verdicts.every((v) => v.status === 'ok' || v.status === 'lossy');
  return { ok, tables: verdicts };
}

async function readTargetSide(target: DatabaseConnection, c: Compared): Promise<void> {
  for await (const values of target.streamRows(c.mapping.target, c.mapping.columns.map((m) => m.target))) {
    c.target.add(values, c.types, keyOf(values, c));
  }
}

function keyOf(values: CanonicalValue[], c: Compared): string {
  return c.keyIndex >= 0 ? canonicalKey(values[c.keyIndex], c.types[c.keyIndex]) : '';
}

async function describeSourceDb(source: DatabaseConnection, plan: ResolvedPlan): Promise<SourceDescription> {
  return describeSourceTables(source, await source.introspect(), plan.tables.map((t) => t.name));
}

/**
 * Reads the source side of the compared tables; from a dump, the same pass also keeps the rows of the tag
 * pseudo-tables named in `tagRows` (one read of the dump for everything).
 */
async function readSourceSide(options: VerifyOptions, compared: Map<string, Compared>, tagRows?: Map<string, Array<Record<string, unknown>>>): Promise<void> {
  if (options.source) {
    const schema = await options.source.introspect();
    for (const [name, c] of compared) {
      const info = schema.tables.get(name)!;
      let index = 0;
      for await (const values of options.source.streamRows(info, info.columns)) {
        index += 1;
        // Through the dump's spelling, so that source and target values pass the same conversion as the import.
        const row: Record<string, unknown> = {};
        info.columns.forEach((col, i) => (row[col.name] = toDumpValue(values[i], col)));
        const mapped = mapRow(c.mapping, row, index);
        c.source.add(mapped, c.types, keyOf(mapped, c));
      }
    }
    return;
  }
  for await (const event of readDump(options.dumpPath!)) {
    if (event.type !== 'row') continue;
    tagRows?.get(event.table)?.push(event.row);
    const c = compared.get(event.table);
    if (!c) continue;
    const mapped = mapRow(c.mapping, event.row, event.index);
    c.source.add(mapped, c.types, keyOf(mapped, c));
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
 * `againstSourceDb`: only when comparing with the v3 database can a difference be Pod's exporter's loss (a dump it
 * wrote was imported); against a dump, or after our own export, every difference is a difference.
 */
function judge(c: Compared, againstSourceDb: boolean, orphans?: { policy: string; keys: Set<string> }): TableVerdict {
  const table = c.mapping.target.name;
  if (orphans) {
    const keys = differingKeys(c.source.exact, c.target.exact, false);
    if (keys.length > 0 && keys.every((k) => orphans.keys.has(k))) {
      const what = orphans.policy === 'skip' ? 'left out' : 'with their dangling reference cleared';
      return { table, status: 'ok', sourceRows: c.source.exact.count, targetRows: c.target.exact.count, detail: `${keys.length} orphan row(s) ${what} by the plan's orphan policy`, keys: keys.slice(0, SHOW_KEYS) };
    }
  }
  const sourceRows = c.source.exact.count;
  const targetRows = c.target.exact.count;
  if (c.merge) {
    // The target keeps rows the source lacks: every source row must be there, unchanged.
    const missing = differingKeys(c.source.exact, c.target.exact, true);
    return missing.length === 0 && targetRows >= sourceRows
      ? { table, status: 'ok', sourceRows, targetRows, detail: targetRows > sourceRows ? `+${targetRows - sourceRows} target-only rows kept (merge)` : undefined }
      : { table, status: 'differs', sourceRows, targetRows, detail: `${missing.length} source row(s) missing or changed`, keys: missing.slice(0, SHOW_KEYS) };
  }
  if (sourceRows === targetRows && c.source.exact.digest === c.target.exact.digest) return { table, status: 'ok', sourceRows, targetRows };
  const keys = differingKeys(c.source.exact, c.target.exact, false).slice(0, SHOW_KEYS);
  // Lossy only if the target holds exactly the source truncated to the second (no sub-second value of its own).
  if (againstSourceDb && sourceRows === targetRows && c.source.seconds.digest === c.target.exact.digest) {
    return { table, status: 'lossy', sourceRows, targetRows, detail: 'microseconds lost (datetimes/times equal to the second: the dump came from Pod\'s exporter)', keys };
  }
  const detail = sourceRows !== targetRows ? `row counts differ (${sourceRows} vs ${targetRows})` : 'same row count, different values';
  return { table, status: 'differs', sourceRows, targetRows, detail, keys };
}

/** v3 (object, name) pairs against v4's through table joined to its tags; counts checked too. */
async function verifyTagSet(
  plan: ResolvedPlan,
  set: TagSet,
  options: VerifyOptions,
  schema: SchemaInfo,
  dialect: Dialect,
  dumpRows: Array<Record<string, unknown>>,
): Promise<TableVerdict | null> {
  const { target } = options;
  const tagTable = schema.tables.get(set.tagTable);
  const linkTable = schema.tables.get(set.linkTable);
  const objectTable = schema.tables.get(set.objectTable);
  if (!tagTable || !linkTable || !objectTable) return null;
  const q = (n: string) => dialect.quoteIdent(n);
  const fold = dialect.uniqueFold(tagTable.columns.find((c) => c.name === 'name')?.collation ?? null);
  const keyOfName = (name: string) => fold(name.toUpperCase());

  const present = new Set((await target.query(`SELECT ${q(objectTable.primaryKey[0] ?? 'id')} AS id FROM ${dialect.tableRef(objectTable.name)}`)).map((r) => String(r.id)));
  const sourcePairs = new Map<string, Set<string>>();
  let joined = false;
  const addSource = (objectId: unknown, names: string[]) => {
    if (!present.has(String(objectId))) return;
    const set = sourcePairs.get(String(objectId)) ?? new Set<string>();
    names.forEach((n) => set.add(keyOfName(n)));
    sourcePairs.set(String(objectId), set);
  };
  if (options.source) {
    const sourceSchema = await options.source.introspect();
    if (!sourceSchema.tables.has('tagging_taggeditem')) return null;
    const { sql, params } = renderFor(plan, set.query, options.source, set.params ?? {});
    for await (const { objectId, names } of aggregateTagPairs(options.source.streamQuery(sql, params))) addSource(objectId, names);
  } else {
    for (const row of dumpRows) {
      const names = Array.isArray(row.tag_names) ? (row.tag_names as string[]) : splitPodTagName(String(row.tag_name ?? ''));
      if (!Array.isArray(row.tag_names)) joined = true;
      addSource(row[set.objectColumn], names);
    }
  }

  const targetPairs = new Map<string, Set<string>>();
  const rows = target.streamQuery(
    `SELECT l.${q(set.linkObjectColumn)} AS object_id, t.${q('name')} AS name FROM ${dialect.tableRef(linkTable.name)} l JOIN ${dialect.tableRef(tagTable.name)} t ON t.${q('id')} = l.${q(set.linkTagColumn)}`,
  );
  for await (const row of rows) {
    const set = targetPairs.get(String(row.object_id)) ?? new Set<string>();
    set.add(keyOfName(String(row.name)));
    targetPairs.set(String(row.object_id), set);
  }
  const [badCounts] = await target.query(
    `SELECT COUNT(*) AS n FROM ${dialect.tableRef(tagTable.name)} t WHERE t.${q('count')} <> (SELECT COUNT(*) FROM ${dialect.tableRef(linkTable.name)} l WHERE l.${q(set.linkTagColumn)} = t.${q('id')})`,
  );

  const count = (m: Map<string, Set<string>>) => [...m.values()].reduce((n, s) => n + s.size, 0);
  const sourceRows = count(sourcePairs);
  const targetRows = count(targetPairs);
  const differing: string[] = [];
  for (const id of new Set([...sourcePairs.keys(), ...targetPairs.keys()])) {
    const a = sourcePairs.get(id) ?? new Set();
    const b = targetPairs.get(id) ?? new Set();
    if (a.size !== b.size || [...a].some((k) => !b.has(k))) differing.push(id);
  }
  const table = `${set.linkTable} (tags)`;
  if (Number(badCounts.n) > 0) return { table, status: 'differs', sourceRows, targetRows, detail: `${badCounts.n} tag(s) whose count is not their number of objects` };
  if (differing.length === 0) {
    return { table, status: joined ? 'lossy' : 'ok', sourceRows, targetRows, detail: joined ? 'compared with comma-joined names (Pod exporter dump): a tag containing a comma cannot be told from two tags' : undefined };
  }
  // A v3 name containing a comma becomes several v4 tags when the dump only had Pod's joined string.
  const splitMatches = differing.every((id) => {
    const b = targetPairs.get(id) ?? new Set();
    const a = new Set([...(sourcePairs.get(id) ?? [])].flatMap((k) => splitPodTagName(k).map((n) => keyOfName(n))));
    return a.size === b.size && [...a].every((k) => b.has(k));
  });
  if (splitMatches) {
    return { table, status: 'lossy', sourceRows, targetRows, detail: `${differing.length} object(s) whose tag names contained commas were split (comma-joined tag names in Pod's exporter dump)`, keys: differing.slice(0, SHOW_KEYS) };
  }
  return { table, status: 'differs', sourceRows, targetRows, detail: `${differing.length} object(s) with different tags`, keys: differing.slice(0, SHOW_KEYS) };
}

/** The verdict table; `onlyProblems` keeps the rows that are not "ok" (for the end of a plan run). */
export function formatVerify(result: VerifyResult, options: { onlyProblems?: boolean } = {}): string {
  const shown = options.onlyProblems ? result.tables.filter((t) => t.status !== 'ok') : result.tables;
  const width = Math.max(5, ...shown.map((t) => t.table.length));
  const lines = shown.length > 0 ? [`${'table'.padEnd(width)} ${'status'.padEnd(8)} ${'source'.padStart(9)} ${'target'.padStart(9)}  detail`] : [];
  for (const t of shown) {
    const keys = t.keys && t.keys.length ? ` [keys: ${t.keys.join(', ')}]` : '';
    lines.push(`${t.table.padEnd(width)} ${t.status.padEnd(8)} ${String(t.sourceRows).padStart(9)} ${String(t.targetRows).padStart(9)}  ${t.detail ?? ''}${keys}`.trimEnd());
  }
  const counts = (s: VerdictStatus) => result.tables.filter((t) => t.status === s).length;
  if (lines.length > 0) lines.push('');
  lines.push(`verify: ${result.ok ? 'PASSED' : 'FAILED'} — ${counts('ok')} ok, ${counts('lossy')} lossy (named above), ${counts('differs')} differ, ${counts('missing')} missing`);
  return lines.join('\n');
}
