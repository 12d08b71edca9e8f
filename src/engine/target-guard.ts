/**
 * A v4 database in use is never overwritten by mistake (a second run from cron or the shell history). Before
 * anything is written, the import looks for rows it would destroy that are not createDB's own:
 * - a full import: any row, in a table it empties (every `replace` table of the plan, the Tagulous tables), other
 *   than the rows a fresh `make createDB` leaves (createdb-rows.ts). The merge tables are not looked at: their
 *   v4-only rows are kept. A target that a previous run migrated counts as used too: pod-migrate cannot tell the
 *   rows it wrote from rows Pod wrote since.
 * - `--onlytags`: any tag or tag link that the dump would not rebuild (made in v4 since the export).
 * Found rows refuse the run (exit 2, dry runs alike), naming tables and counts, unless `--overwrite`.
 */
import type { DatabaseConnection, SchemaInfo, TableInfo } from '../dialects/dialect';
import { readDump } from '../dump/reader';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan, TagSet } from '../plan/types';
import { buildTagTables } from '../tags';
import { CREATEDB_ROW_IDS } from './createdb-rows';
import { TagSetImport } from './tag-import';

export interface FoundRows {
  table: string;
  rows: number;
  /** What the rows are: "rows", "tags", "links". */
  what: string;
}

/** Every target table a full import empties and refills. */
export function tablesTheImportEmpties(plan: ResolvedPlan): string[] {
  const tables = plan.tables.filter((t) => t.strategy === 'replace').map((t) => t.target);
  for (const set of plan.tags) tables.push(set.tagTable, set.linkTable);
  return [...new Set(tables)];
}

/** Per table, the rows that are not createDB's own (tables the target lacks are left out). */
export async function rowsBeyondCreateDB(target: DatabaseConnection, schema: SchemaInfo, tables: string[]): Promise<FoundRows[]> {
  const { dialect } = target;
  const found: FoundRows[] = [];
  for (const name of tables) {
    const table = schema.tables.get(name);
    if (!table) continue;
    const ids = CREATEDB_ROW_IDS[name] ?? [];
    const key = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined;
    const where =
      ids.length > 0 && key ? ` WHERE ${dialect.quoteIdent(key)} NOT IN (${ids.map((_, i) => dialect.placeholder(i + 1)).join(', ')})` : '';
    const rows = await target
      .query(`SELECT count(*) AS n FROM ${dialect.tableRef(name)}${where}`, where ? ids : [])
      .catch((error: unknown) => {
        // A lock another session holds on the table (lock timeout), or any failure: the message names the table.
        throw error instanceof PodMigrateError && error.place.table === undefined
          ? new PodMigrateError(error.code, error.message, { cause: error, place: { table: name } })
          : error;
      });
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) found.push({ table: name, rows: n, what: 'rows' });
  }
  return found;
}

/** Tags and links of the target's tag sets that a rebuild from the dump would not bring back. */
export async function tagsBeyondDump(
  target: DatabaseConnection,
  schema: SchemaInfo,
  sets: TagSet[],
  dumpPath: string,
): Promise<FoundRows[]> {
  const { dialect } = target;
  const imports = new Map(
    sets.map((set) => [set.dumpTable, new TagSetImport(set, tableOf(schema, set.tagTable), tableOf(schema, set.linkTable))]),
  );
  for await (const event of readDump(dumpPath)) {
    if (event.type === 'row') imports.get(event.table)?.observeDumpRow(event.row, event.index);
  }
  const found: FoundRows[] = [];
  for (const tagImport of imports.values()) {
    const { set, tagTable, linkTable } = tagImport;
    const fold = dialect.uniqueFold(tagTable.columns.find((c) => c.name === 'name')?.collation ?? null);
    // Tagulous compares names case-insensitively, the target's unique index by its collation: both folded.
    const same = (name: string) => fold(name).toLowerCase();
    const built = buildTagTables(tagImport.taggedObjects, { fold });
    const names = new Set(built.tags.map((t) => same(t.name)));
    const nameById = new Map(built.tags.map((t) => [t.id, same(t.name)]));
    const links = new Set(built.links.map((l) => `${String(l.objectId)} ${nameById.get(l.tagId)}`));
    const q = (name: string) => dialect.quoteIdent(name);
    const tags = await target.query(`SELECT ${q('name')} AS n FROM ${dialect.tableRef(tagTable.name)}`);
    const extraTags = tags.filter((r) => !names.has(same(String(r.n)))).length;
    const linked = await target.query(
      `SELECT l.${q(set.linkObjectColumn)} AS o, t.${q('name')} AS n FROM ${dialect.tableRef(linkTable.name)} l ` +
        `JOIN ${dialect.tableRef(tagTable.name)} t ON t.${q('id')} = l.${q(set.linkTagColumn)}`,
    );
    const extraLinks = linked.filter((r) => !links.has(`${String(r.o)} ${same(String(r.n))}`)).length;
    if (extraTags > 0) found.push({ table: tagTable.name, rows: extraTags, what: 'tags' });
    if (extraLinks > 0) found.push({ table: linkTable.name, rows: extraLinks, what: 'links' });
  }
  return found;
}

function tableOf(schema: SchemaInfo, name: string): TableInfo {
  const table = schema.tables.get(name);
  if (!table) throw new PodMigrateError('SCHEMA_MISMATCH', `the target has no table ${name}`, { place: { table: name } });
  return table;
}

const LISTED = 20;

function listFound(found: FoundRows[]): string {
  const shown = found.slice(0, LISTED).map((f) => `${f.table} (${f.rows} ${f.what})`);
  const rest = found.slice(LISTED);
  if (rest.length > 0) shown.push(`and ${rest.length} more tables (${rest.reduce((n, f) => n + f.rows, 0)} rows)`);
  return shown.join(', ');
}

export interface GuardOptions {
  plan: ResolvedPlan;
  target: DatabaseConnection;
  schema: SchemaInfo;
  /** Replace what the target holds anyway (`--overwrite`): nothing is looked at. */
  overwrite?: boolean;
  /** `--onlytags`: the tag sets to rebuild and the dump to rebuild them from. */
  onlyTags?: { sets: TagSet[]; dumpPath: string };
}

/** Refuses (TARGET_IN_USE, exit 2) a target holding rows the run would destroy, unless `overwrite`. */
export async function refuseUsedTarget(options: GuardOptions): Promise<void> {
  const { target, schema, onlyTags } = options;
  if (options.overwrite) return;
  const found = onlyTags
    ? await tagsBeyondDump(target, schema, onlyTags.sets, onlyTags.dumpPath)
    : await rowsBeyondCreateDB(target, schema, tablesTheImportEmpties(options.plan));
  if (found.length === 0) return;
  const what = onlyTags
    ? `its tag tables hold tags or links that the dump does not have (made in v4 since the export?): ${listFound(found)}`
    : `it holds rows that a fresh \`make createDB\` does not leave, in tables the import empties: ${listFound(found)}`;
  throw new PodMigrateError(
    'TARGET_IN_USE',
    `${target.displayName} looks in use: ${what}. Nothing was written. ` +
      (onlyTags
        ? "Give --overwrite to replace them with the dump's tags, or export again first (plan run without --onlytags)"
        : 'If nothing there needs keeping (e.g. a previous migration to redo), give --overwrite'),
  );
}
