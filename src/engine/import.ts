/**
 * Import: dump file → v4 database, in ONE transaction. Checks everything first (preflight), then deletes the
 * target rows of every table the dump holds, streams the dump into bulk inserts, re-adds the rows that
 * merge tables keep, rebuilds the tag sets, checks foreign-key integrity, and commits. Any error rolls back:
 * the target is left as it was. After commit, sequences / AUTO_INCREMENT move past max(id).
 */
import type { CanonicalValue } from '../convert/logical-types';
import type { DatabaseConnection, ImportTransaction, SchemaInfo, TableInfo } from '../dialects/dialect';
import { readDump, scanDump } from '../dump/reader';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan } from '../plan/types';
import { describeImport } from './describe';
import { mapRow, type TableMapping } from './mapping';
import { MergeTable, orderMergeTables } from './merge';
import { enforceForeignKeys, type OrphanFinding } from './orphans';
import { BATCH_ROWS, planImport, type ImportPlan, type SourceDescription } from './preflight';
import type { Reporter } from './reporter';
import type { TableTally } from './summary';
import { checkVersion } from './version-gate';
import { TagSetImport, type TagSetResult } from './tag-import';

export interface ImportOptions {
  plan: ResolvedPlan;
  target: DatabaseConnection;
  dumpPath: string;
  dry: boolean;
  reporter: Reporter;
  /** Rebuild only the tag sets (`--onlytags`): every other table is left as it is. */
  onlyTags?: boolean;
  /** Only these tag sets (a tags step's `sets`); default: all of the plan's. */
  tagSets?: string[];
  /** Dry run without a dump (plan run --dry): what the source holds, as the export would write it. */
  sourceDescription?: SourceDescription;
  /** Go on when the target is not the Pod version the plan expects (with a warning). */
  force?: boolean;
}

export interface ImportResult {
  tables: TableTally[];
  tagSets: TagSetResult[];
  /** Target rows kept by merge tables, per table. */
  kept: Record<string, number>;
  /** Orphan rows the plan's policy left out (skip) or cleared (null). */
  orphans: OrphanFinding[];
}

const STEP = 'import';
const BATCH_BYTES = 8 * 1024 * 1024;
const PROGRESS_EVERY = 20000;

export async function importDump(options: ImportOptions): Promise<ImportResult> {
  const { plan, target, reporter } = options;
  const schema = await target.introspect();
  checkVersion('target', schema, plan.target.pod, { force: options.force, displayName: target.displayName, reporter });
  const source = options.sourceDescription ?? (await scanDump(options.dumpPath));
  const importPlan = planImport(plan, source, schema, { onlyTags: options.onlyTags, tagSets: options.tagSets });
  for (const table of importPlan.absent) {
    if (!options.onlyTags) reporter.emit({ type: 'warning', message: `the dump has no table ${table.name}: ${table.target} is left as it is in the target` });
  }
  for (const set of importPlan.absentTagSets) {
    reporter.emit({ type: 'warning', message: `the dump has no table ${set.dumpTable}: tag set ${set.name} (${set.tagTable}, ${set.linkTable}) is left as it is in the target` });
  }
  for (const table of importPlan.skipped) reporter.emit({ type: 'info', message: `${table.name} skipped by the plan${table.why ? `: ${table.why}` : ''}` });

  if (options.dry) {
    for (const line of describeImport(importPlan, source, target.dialect)) reporter.emit({ type: 'dry', message: line });
    return {
      tables: [...importPlan.mappings.values()].map((m) => ({ table: m.target.name, read: source.tables.get(m.plan.name)?.rows ?? 0, written: 0, skipped: 0, ms: 0 })),
      tagSets: [],
      kept: {},
      orphans: [],
    };
  }
  return runImport(options, importPlan, source, schema);
}

async function runImport(options: ImportOptions, importPlan: ImportPlan, source: SourceDescription, schema: SchemaInfo): Promise<ImportResult> {
  const { plan, target, reporter } = options;
  const merges = orderMergeTables(
    [...importPlan.mappings.values()].filter((m) => m.plan.strategy === 'merge').map((m) => new MergeTable(m)),
    schema,
  );
  for (const merge of merges) await merge.readTarget(target);
  const tagImports = new Map(importPlan.tagSets.map((t) => [t.set.dumpTable, new TagSetImport(t.set, t.tagTable, t.linkTable)]));
  const tallies = new Map<string, TableTally>();
  const tagResults: TagSetResult[] = [];
  const kept: Record<string, number> = {};
  const written = new Set<string>();
  let orphans: OrphanFinding[] = [];

  await target.transaction(async (tx) => {
    await tx.relaxForeignKeys();
    for (const tagImport of tagImports.values()) {
      await tagImport.clear(tx);
      written.add(tagImport.tagTable.name).add(tagImport.linkTable.name);
    }
    for (const mapping of importPlan.mappings.values()) {
      await tx.deleteAll(mapping.target);
      written.add(mapping.target.name);
    }

    await streamDumpInto(tx, options, importPlan, source, merges, tagImports, tallies);

    for (const merge of merges) {
      kept[merge.table] = await merge.writeKept(tx, schema, merges);
      if (kept[merge.table] > 0) {
        const tally = tallies.get(merge.table);
        if (tally) tally.note = `+${kept[merge.table]} v4-only rows kept`;
        reporter.emit({ type: 'info', message: `${merge.table}: kept ${kept[merge.table]} row(s) that only the target had, re-keyed after the source ids` });
      }
    }

    for (const { set } of importPlan.tagSets) {
      const tagImport = tagImports.get(set.dumpTable)!;
      const objectTable = schema.tables.get(set.objectTable);
      if (!objectTable) throw new PodMigrateError('SCHEMA_MISMATCH', `the target has no table ${set.objectTable} (tag set ${set.name})`, { place: { table: set.objectTable } });
      const started = Date.now();
      const result = await tagImport.write(tx, target.dialect, objectTable);
      tagResults.push(result);
      tallies.set(set.dumpTable, {
        table: set.dumpTable,
        read: tagImport.objectCount,
        written: result.links,
        skipped: result.missingObjects,
        ms: Date.now() - started,
        note: `${result.tags} tags, ${result.links} links on ${result.objects} objects`,
      });
      reportTagSet(set.name, set.objectTable, result, reporter);
    }

    orphans = await enforceForeignKeys(tx, target.dialect, schema, written, (table) => plan.tables.find((t) => t.target === table)?.orphans ?? 'fail', reporter);
  });

  try {
    await target.resetSequences([...written].map((name) => schema.tables.get(name)).filter((t): t is TableInfo => t !== undefined));
  } catch (error) {
    // After COMMIT: the rows are in; say so, so that nobody restores a backup for a sequence.
    throw new PodMigrateError(
      'DATABASE',
      `the import was committed (every row is in the target), but moving the sequences past max(id) failed: ${error instanceof PodMigrateError ? error.describe() : String(error)}. ` +
        'Run the import again, or reset the sequences by hand (Django: manage.py sqlsequencereset), before Pod inserts rows',
      { cause: error },
    );
  }
  for (const finding of orphans) {
    const tally = tallies.get(finding.fk.table);
    if (tally && finding.policy === 'skip') {
      tally.written -= finding.keys.length;
      tally.skipped += finding.keys.length;
    }
  }
  return { tables: [...tallies.values()], tagSets: tagResults, kept, orphans };
}

/** What a rebuilt tag set says to the administrator: left-out objects, merged spellings, slug collisions, losses. */
function reportTagSet(name: string, objectTable: string, result: TagSetResult, reporter: Reporter): void {
  if (result.missingObjects > 0) {
    reporter.emit({ type: 'warning', message: `tag set ${name}: ${result.missingObjects} tagged object(s) do not exist in ${objectTable} (deleted in v3): their tags are left out` });
  }
  if (result.spellingsMerged > 0) {
    reporter.emit({
      type: 'info',
      message: `tag set ${name}: ${result.spellingsMerged} spelling(s) share a tag with another one, as Tagulous (case-insensitive) and the target's collation compare them: ${result.examples.merged.slice(0, 3).join('; ')}`,
    });
  }
  if (result.slugCollisions > 0) {
    reporter.emit({ type: 'info', message: `tag set ${name}: ${result.slugCollisions} slug collision(s) resolved the Tagulous way: ${result.examples.slugCollisions.slice(0, 3).join('; ')}` });
  }
  if (result.fromJoinedNames) {
    reporter.emit({
      type: 'warning',
      message: `tag set ${name}: the dump has only Pod's comma-joined tag names (written by Pod's exporter): names were split on commas, so a tag that contained a comma became several tags`,
    });
  }
}

/** One pass over the dump: each table's rows mapped, converted and written in bulk batches. */
async function streamDumpInto(
  tx: ImportTransaction,
  options: ImportOptions,
  importPlan: ImportPlan,
  source: SourceDescription,
  merges: MergeTable[],
  tagImports: Map<string, TagSetImport>,
  tallies: Map<string, TableTally>,
): Promise<void> {
  const { reporter } = options;
  reporter.emit({ type: 'step-size', step: STEP, tables: importPlan.mappings.size, rows: [...importPlan.mappings.keys()].reduce((n, name) => n + (source.tables.get(name)?.rows ?? 0), 0) });
  let current: { mapping: TableMapping; merge: MergeTable | undefined; batch: CanonicalValue[][]; bytes: number; rows: number; started: number } | null = null;

  const flush = async () => {
    if (!current || current.batch.length === 0) return;
    await tx.insertRows(current.mapping.target, current.mapping.columns.map((c) => c.target), current.batch);
    current.batch = [];
    current.bytes = 0;
  };

  for await (const event of readDump(options.dumpPath)) {
    if (event.type === 'table') {
      const mapping = importPlan.mappings.get(event.name);
      if (mapping) {
        current = { mapping, merge: merges.find((m) => m.mapping === mapping), batch: [], bytes: 0, rows: 0, started: Date.now() };
        reporter.emit({ type: 'table-start', step: STEP, table: mapping.target.name, totalRows: source.tables.get(event.name)?.rows ?? null });
      }
    } else if (event.type === 'row') {
      if (current && event.table === current.mapping.plan.name) {
        const values = mapRow(current.mapping, event.row, event.index);
        current.merge?.observeSourceRow(values);
        current.batch.push(values);
        current.bytes += approximateBytes(values);
        current.rows += 1;
        if (current.batch.length >= BATCH_ROWS || current.bytes >= BATCH_BYTES) await flush();
        if (current.rows % PROGRESS_EVERY === 0) {
          reporter.emit({ type: 'table-progress', step: STEP, table: current.mapping.target.name, rows: current.rows, totalRows: source.tables.get(event.table)?.rows ?? null });
        }
      } else {
        tagImports.get(event.table)?.observeDumpRow(event.row, event.index);
      }
    } else if (event.type === 'tableEnd') {
      if (current && event.table === current.mapping.plan.name) {
        await flush();
        const ms = Date.now() - current.started;
        tallies.set(current.mapping.target.name, { table: current.mapping.target.name, read: current.rows, written: current.rows, skipped: 0, ms });
        reporter.emit({ type: 'table-end', step: STEP, table: current.mapping.target.name, rows: current.rows, ms });
        current = null;
      }
    }
  }
}

function approximateBytes(values: CanonicalValue[]): number {
  let bytes = 0;
  for (const v of values) bytes += typeof v === 'string' ? v.length : 8;
  return bytes;
}
