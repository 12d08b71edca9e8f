/**
 * Everything the import checks before it writes a single row: every dump table is known to the plan and
 * the live target schema, every target NOT NULL column gets a value (source columns the target lacks are
 * dropped and reported as drift, see drift.ts),
 * the target looks like Pod 4 (its Tagulous tables exist). Pure: works on the dump scan and the introspected
 * schema, so dry runs say exactly the same.
 */
import type { SchemaInfo, TableInfo } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan, ResolvedTable, TagSet } from '../plan/types';
import { assertMappingComplete, mapTable, type TableMapping } from './mapping';

/**
 * Rows handed to the dialect per insert call (it cuts them by bytes within), at most: as many as a CHECK evaluated in
 * SQL takes in one query (check-constraints.ts), few enough to die young (import.ts BATCH_BYTES).
 */
export const BATCH_ROWS = 500;

/** What the import will read: per dump table, its row count and the union of its row keys. */
export interface SourceDescription {
  tables: Map<string, { rows: number; columns: Set<string> }>;
}

export interface ImportPlan {
  /** Keyed by dump (source) table name, in plan order. */
  mappings: Map<string, TableMapping>;
  tagSets: Array<{ set: TagSet; rows: number; tagTable: TableInfo; linkTable: TableInfo }>;
  /** Plan tables the dump holds but the plan skips. */
  skipped: ResolvedTable[];
  /** Plan tables (not skipped) that the dump lacks: left as they are in the target. */
  absent: ResolvedTable[];
  /** Tag sets whose pseudo-table the dump lacks: their Tagulous tables are left as they are. */
  absentTagSets: TagSet[];
}

export function planImport(
  plan: ResolvedPlan,
  source: SourceDescription,
  schema: SchemaInfo,
  options: { onlyTags?: boolean; tagSets?: string[] } = {},
): ImportPlan {
  const planTables = new Map(plan.tables.map((t) => [t.name, t]));
  const tagSetsByDumpTable = new Map(plan.tags.map((s) => [s.dumpTable, s]));

  for (const name of source.tables.keys()) {
    if (!planTables.has(name) && !tagSetsByDumpTable.has(name)) {
      throw new PodMigrateError(
        'SCHEMA_MISMATCH',
        `the dump holds table "${name}", which the plan does not know: add it to the plan's tables (or remove it from the dump)`,
        { place: { table: name } },
      );
    }
  }

  const result: ImportPlan = { mappings: new Map(), tagSets: [], skipped: [], absent: [], absentTagSets: [] };
  if (!options.onlyTags) {
    for (const table of plan.tables) {
      const described = source.tables.get(table.name);
      if (table.strategy === 'skip') {
        if (described) result.skipped.push(table);
        continue;
      }
      if (!described) {
        result.absent.push(table);
        continue;
      }
      const target = schema.tables.get(table.target);
      if (!target) {
        throw new PodMigrateError(
          'SCHEMA_MISMATCH',
          `the target database has no table "${table.target}" (plan table ${table.name}): is it a Pod 4 database, with the same apps installed?`,
          { place: { table: table.target } },
        );
      }
      const mapping = mapTable(table, target, described.columns);
      // A table without rows needs no value: its columns (unknown in a dump) cannot be missing from any row.
      if (described.rows > 0) assertMappingComplete(mapping);
      if (table.strategy === 'merge') {
        for (const key of table.key) {
          if (!target.columns.some((c) => c.name === key)) {
            throw new PodMigrateError('SCHEMA_MISMATCH', `merge key column ${key} is not a column of ${table.target}`, {
              place: { table: table.target, column: key },
            });
          }
        }
        if (target.primaryKey.length !== 1) {
          throw new PodMigrateError('SCHEMA_MISMATCH', `merge needs a one-column primary key on ${table.target}`, {
            place: { table: table.target },
          });
        }
      }
      result.mappings.set(table.name, mapping);
    }
  }

  for (const set of plan.tags) {
    if (options.tagSets && !options.tagSets.includes(set.name)) continue;
    const described = source.tables.get(set.dumpTable);
    const tagTable = schema.tables.get(set.tagTable);
    const linkTable = schema.tables.get(set.linkTable);
    if (!tagTable || !linkTable) {
      throw new PodMigrateError(
        'VERSION_GATE',
        `the target database has no Tagulous table ${!tagTable ? set.tagTable : set.linkTable}: it does not look like Pod 4.0 (run make createDB there first, or check the target URL)`,
        { place: { table: !tagTable ? set.tagTable : set.linkTable } },
      );
    }
    if (!described) {
      result.absentTagSets.push(set);
      continue;
    }
    for (const [table, column] of [
      [linkTable, set.linkObjectColumn],
      [linkTable, set.linkTagColumn],
    ] as const) {
      if (!table.columns.some((c) => c.name === column)) {
        throw new PodMigrateError('SCHEMA_MISMATCH', `tag set ${set.name}: ${table.name} has no column ${column}`, {
          place: { table: table.name, column },
        });
      }
    }
    result.tagSets.push({ set, rows: described.rows, tagTable, linkTable });
  }
  return result;
}
