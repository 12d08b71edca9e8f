/**
 * Import: dump file → v4 database, in ONE transaction. Checks everything first (preflight), then deletes the
 * target rows of every table the dump holds, streams the dump into bulk inserts, re-adds the rows that
 * merge tables keep, rebuilds the tag sets, checks foreign-key integrity, moves the sequences past max(id), and
 * commits. Any error rolls back: the target is left as it was. Nothing is left for after COMMIT, so a kill at any
 * instant leaves the target as it was or completely migrated. A target in use is refused first (target-guard.ts).
 */
import type { CanonicalValue } from '../convert/logical-types';
import type { DatabaseConnection, ImportTransaction, SchemaInfo, TableInfo } from '../dialects/dialect';
import { readDumpBatches, scanDump, type DumpEvent } from '../dump/reader';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan } from '../plan/types';
import { describeImport } from './describe';
import { describeDrift } from './drift';
import { ImportChecks } from './import-checks';
import type { RepairReport } from './repairs';
import type { TableMapping } from './mapping';
import { MergeTable, orderMergeTables } from './merge';
import { asOrphanRefusal, enforceForeignKeys, orphanPolicyOf, type OrphanFinding } from './orphans';
import { pausePoint } from './pause-points';
import { BATCH_ROWS, planImport, type ImportPlan, type SourceDescription } from './preflight';
import type { Reporter } from './reporter';
import type { TableTally } from './summary';
import { checkVersion } from './version-gate';
import { TagSetImport, type TagSetResult } from './tag-import';
import { refuseUsedTarget } from './target-guard';
import { WriteAhead } from './write-ahead';

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
  /**
   * What this run's export step wrote into the dump (its writer's own count of rows and keys per table): the dump
   * then needs no scan before the import reads it. A dump the run did not write is always scanned.
   */
  writtenDump?: SourceDescription;
  /** Dry run without a dump: the source's rows, as the export would write them, an array at a time (see row-source.ts). */
  sourceRows?: () => AsyncIterable<DumpEvent[]>;
  /** Go on when the target is not the Pod version the plan expects (with a warning). */
  force?: boolean;
  /** Replace what a target in use holds (`--overwrite`); otherwise such a target is refused. */
  overwrite?: boolean;
}

export interface ImportResult {
  tables: TableTally[];
  tagSets: TagSetResult[];
  /** Target rows kept by merge tables, per table. */
  kept: Record<string, number>;
  /** Orphan rows the plan's policy left out (skip) or cleared (null). */
  orphans: OrphanFinding[];
  /** What each repair rule of the plan changed (dry run: would change). */
  repairs: RepairReport[];
  /** Every key a repair rule changed or left out, per target table (for verify). */
  repairedKeys: Map<string, Set<string>>;
}

const STEP = 'import';

/**
 * A batch is also cut at this many characters of values. Small batches (with BATCH_ROWS) die young: a batch lives
 * while it fills and until the dialect has encoded it, and 5,000-row / 2 MB batches outlived young collections and
 * were promoted (20,000-video import into PostgreSQL: 140 → 34 MB promoted, 15 % less CPU with 500 / 128 KB).
 */
const BATCH_BYTES = 128 * 1024;
const PROGRESS_EVERY = 20000;

/** A dump this run did not write: read whole once (every row parsed, counted) before anything is written. */
function scanWholeDump(dumpPath: string, reporter: Reporter) {
  reporter.emit({ type: 'phase', step: STEP, message: 'reading the whole dump once to check it' });
  return scanDump(dumpPath);
}

export async function importDump(options: ImportOptions): Promise<ImportResult> {
  const { plan, target, reporter } = options;
  const schema = await target.introspect();
  checkVersion('target', schema, plan.target.pod, { force: options.force, displayName: target.displayName, reporter });
  // A target in use is refused first, whatever the dump holds (--onlytags: below, against the dump's tags).
  if (!options.onlyTags) await refuseUsedTarget({ plan, target, schema, overwrite: options.overwrite });
  const source = options.sourceDescription ?? options.writtenDump ?? (await scanWholeDump(options.dumpPath, reporter));
  const importPlan = planImport(plan, source, schema, { onlyTags: options.onlyTags, tagSets: options.tagSets });
  for (const table of importPlan.absent) {
    if (!options.onlyTags)
      reporter.emit({ type: 'warning', message: `the dump has no table ${table.name}: ${table.target} is left as it is in the target` });
  }
  for (const set of importPlan.absentTagSets) {
    reporter.emit({
      type: 'warning',
      message: `the dump has no table ${set.dumpTable}: tag set ${set.name} (${set.tagTable}, ${set.linkTable}) is left as it is in the target`,
    });
  }
  for (const mapping of importPlan.mappings.values()) {
    for (const message of describeDrift(mapping, source.tables.get(mapping.plan.name)?.rows ?? 0))
      reporter.emit({ type: 'warning', message });
  }
  for (const table of importPlan.skipped)
    reporter.emit({ type: 'info', message: `${table.name} skipped by the plan${table.why ? `: ${table.why}` : ''}` });
  if (options.onlyTags) {
    await refuseUsedTarget({
      plan,
      target,
      schema,
      overwrite: options.overwrite,
      onlyTags: { sets: importPlan.tagSets.map((t) => t.set), dumpPath: options.dumpPath },
    });
  }

  if (options.dry) {
    for (const line of describeImport(importPlan, source, target.dialect)) reporter.emit({ type: 'dry', message: line });
    // The same pass as the live import, on the same rows, writing nothing: what the live run would find, found now.
    if (options.sourceRows || !options.sourceDescription) return dryImport(options, importPlan, source, schema);
    return {
      tables: [...importPlan.mappings.values()].map((m) => ({
        table: m.target.name,
        read: source.tables.get(m.plan.name)?.rows ?? 0,
        written: 0,
        skipped: 0,
        ms: 0,
      })),
      tagSets: [],
      kept: {},
      orphans: [],
      repairs: [],
      repairedKeys: new Map(),
    };
  }
  // Where the database checks the foreign keys before COMMIT, its refusal of an orphan row is named as the engine's is.
  return runImport(options, importPlan, source, schema).catch((error: unknown) => {
    throw asOrphanRefusal(error);
  });
}

async function dryImport(
  options: ImportOptions,
  importPlan: ImportPlan,
  source: SourceDescription,
  schema: SchemaInfo,
): Promise<ImportResult> {
  const { plan, target, reporter } = options;
  const tagImports = new Map(importPlan.tagSets.map((t) => [t.set.dumpTable, new TagSetImport(t.set, t.tagTable, t.linkTable)]));
  const tallies = new Map<string, TableTally>();
  const checks = new ImportChecks(plan, schema, target, importPlan, true);
  await streamDumpInto(null, options, importPlan, source, [], tagImports, tallies, checks);
  for (const { set } of importPlan.tagSets) {
    const objects = tagImports.get(set.dumpTable)!.objectCount;
    tallies.set(set.dumpTable, { table: set.dumpTable, read: objects, written: 0, skipped: 0, ms: 0 });
  }
  checks.finish(reporter);
  return {
    tables: [...tallies.values()],
    tagSets: [],
    kept: {},
    orphans: [],
    repairs: checks.repairs.reports(),
    repairedKeys: checks.repairs.changedKeys(),
  };
}

async function runImport(
  options: ImportOptions,
  importPlan: ImportPlan,
  source: SourceDescription,
  schema: SchemaInfo,
): Promise<ImportResult> {
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
  const checks = new ImportChecks(plan, schema, target, importPlan, false);

  await target.transaction(async (tx) => {
    await tx.relaxForeignKeys();
    for (const [dumpTable, tagImport] of tagImports) {
      await tagImport.clear(tx, source.tables.get(dumpTable)?.rows);
      written.add(tagImport.tagTable.name).add(tagImport.linkTable.name);
    }
    for (const mapping of importPlan.mappings.values()) {
      await tx.deleteAll(mapping.target, source.tables.get(mapping.plan.name)?.rows);
      written.add(mapping.target.name);
      await pausePoint('during-deletes');
    }

    checks.useTransaction(tx);
    await streamDumpInto(tx, options, importPlan, source, merges, tagImports, tallies, checks);
    // Every row the target would refuse, found before COMMIT: the transaction is rolled back, nothing written.
    checks.finish(reporter);
    await checks.runSqlRepairs(tx, reporter);

    for (const merge of merges) {
      kept[merge.table] = await merge.writeKept(tx, schema, merges);
      if (kept[merge.table] > 0) {
        const tally = tallies.get(merge.table);
        if (tally) tally.note = `+${kept[merge.table]} v4-only rows kept`;
        reporter.emit({
          type: 'info',
          message: `${merge.table}: kept ${kept[merge.table]} row(s) that only the target had, re-keyed after the source ids`,
        });
      }
    }

    if (importPlan.tagSets.length > 0) reporter.emit({ type: 'phase', step: STEP, message: 'rebuilding the tag sets' });
    for (const { set } of importPlan.tagSets) {
      const tagImport = tagImports.get(set.dumpTable)!;
      const objectTable = schema.tables.get(set.objectTable);
      if (!objectTable)
        throw new PodMigrateError('SCHEMA_MISMATCH', `the target has no table ${set.objectTable} (tag set ${set.name})`, {
          place: { table: set.objectTable },
        });
      const started = Date.now();
      const result = await tagImport.write(tx, target.dialect, objectTable);
      await pausePoint('tag-rebuild');
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

    reporter.emit({ type: 'phase', step: STEP, message: 'foreign keys, indexes and sequences, then COMMIT' });
    orphans = await enforceForeignKeys(tx, target.dialect, schema, written, orphanPolicyOf(plan), reporter, (fk) =>
      checks.decidedForeignKey(fk),
    );
    await tx.advanceSequences([...written].map((name) => schema.tables.get(name)).filter((t): t is TableInfo => t !== undefined));
    await pausePoint('before-commit');
  });
  await pausePoint('after-commit');
  for (const finding of orphans) {
    const tally = tallies.get(finding.fk.table);
    if (tally && finding.policy === 'skip') {
      tally.written -= finding.keys.length;
      tally.skipped += finding.keys.length;
    }
  }
  return {
    tables: [...tallies.values()],
    tagSets: tagResults,
    kept,
    orphans,
    repairs: checks.repairs.reports(),
    repairedKeys: checks.repairs.changedKeys(),
  };
}

/** What a rebuilt tag set says to the administrator: left-out objects, merged spellings, slug collisions, losses. */
function reportTagSet(name: string, objectTable: string, result: TagSetResult, reporter: Reporter): void {
  if (result.missingObjects > 0) {
    reporter.emit({
      type: 'warning',
      message: `tag set ${name}: ${result.missingObjects} tagged object(s) do not exist in ${objectTable} (deleted in v3): their tags are left out`,
    });
  }
  if (result.spellingsMerged > 0) {
    reporter.emit({
      type: 'info',
      message: `tag set ${name}: ${result.spellingsMerged} spelling(s) share a tag with another one, as Tagulous (case-insensitive) and the target's collation compare them: ${result.examples.merged.slice(0, 3).join('; ')}`,
    });
  }
  if (result.slugCollisions > 0) {
    reporter.emit({
      type: 'info',
      message: `tag set ${name}: ${result.slugCollisions} slug collision(s) resolved the Tagulous way: ${result.examples.slugCollisions.slice(0, 3).join('; ')}`,
    });
  }
  if (result.fromJoinedNames) {
    reporter.emit({
      type: 'warning',
      message: `tag set ${name}: the dump has only Pod's comma-joined tag names (written by Pod's exporter): names were split on commas, so a tag that contained a comma became several tags`,
    });
  }
}

/**
 * One pass over the dump (or, in a dry run, the source's rows): each table's rows mapped, converted, repaired,
 * checked and written in bulk batches (`tx` null: nothing written).
 */
async function streamDumpInto(
  tx: ImportTransaction | null,
  options: ImportOptions,
  importPlan: ImportPlan,
  source: SourceDescription,
  merges: MergeTable[],
  tagImports: Map<string, TagSetImport>,
  tallies: Map<string, TableTally>,
  checks: ImportChecks,
): Promise<void> {
  const { reporter } = options;
  reporter.emit({
    type: 'step-size',
    step: STEP,
    tables: importPlan.mappings.size,
    rows: [...importPlan.mappings.keys()].reduce((n, name) => n + (source.tables.get(name)?.rows ?? 0), 0),
  });
  let current: {
    mapping: TableMapping;
    merge: MergeTable | undefined;
    batch: CanonicalValue[][];
    bytes: number;
    rows: number;
    written: number;
    started: number;
  } | null = null;

  // The server writes one batch while the next one is read from the dump and converted.
  const writes = new WriteAhead();
  const flush = async () => {
    if (!current || current.batch.length === 0) return;
    const table = current;
    const rows = table.batch;
    table.batch = [];
    table.bytes = 0;
    // A CHECK evaluated in SQL runs on the import's connection: after the write in flight, never beside it.
    await writes.drain();
    const batch = await checks.filterBatch(table.mapping, rows);
    if (!tx || batch.length === 0) return;
    await writes.start(() => insertBatch(tx, table, batch));
  };
  const flushFull = async () => {
    await flush();
    await pausePoint('mid-table');
  };
  /** A row into the batch; a promise only when the batch is full and goes to the server (none per row). */
  const accept = (values: CanonicalValue[], rowNumber: number): Promise<void> | undefined => {
    if (!current || !checks.check(current.mapping, values, rowNumber)) return undefined;
    current.merge?.observeSourceRow(values);
    current.batch.push(values);
    current.bytes += approximateBytes(values);
    return current.batch.length >= BATCH_ROWS || current.bytes >= BATCH_BYTES ? flushFull() : undefined;
  };

  try {
    await streamEvents();
  } catch (error) {
    await writes.settle();
    throw error;
  }
  await writes.drain();

  async function streamEvents(): Promise<void> {
    for await (const events of options.sourceRows?.() ?? readDumpBatches(options.dumpPath)) {
      for (const event of events) {
        if (event.type === 'table') {
          const mapping = importPlan.mappings.get(event.name);
          if (mapping) {
            current = {
              mapping,
              merge: merges.find((m) => m.mapping === mapping),
              batch: [],
              bytes: 0,
              rows: 0,
              written: 0,
              started: Date.now(),
            };
            checks.beginTable(mapping);
            reporter.emit({
              type: 'table-start',
              step: STEP,
              table: mapping.target.name,
              totalRows: source.tables.get(event.name)?.rows ?? null,
            });
          }
        } else if (event.type === 'row') {
          if (current && event.table === current.mapping.plan.name) {
            current.rows += 1;
            const values = checks.mapRow(current.mapping, event.row, event.index);
            const repaired = values && checks.repair(current.mapping, values);
            const full = repaired ? accept(repaired, event.index) : undefined;
            if (full) await full;
            if (current.rows % PROGRESS_EVERY === 0) {
              reporter.emit({
                type: 'table-progress',
                step: STEP,
                table: current.mapping.target.name,
                rows: current.rows,
                totalRows: source.tables.get(event.table)?.rows ?? null,
              });
            }
          } else {
            tagImports.get(event.table)?.observeDumpRow(event.row, event.index);
          }
        } else if (event.type === 'tableEnd') {
          if (current && event.table === current.mapping.plan.name) {
            for (const held of checks.endTable(current.mapping)) await accept(held, 0);
            await flush();
            await writes.drain();
            const ms = Date.now() - current.started;
            const note = checks.noteFor(current.mapping);
            tallies.set(current.mapping.target.name, {
              table: current.mapping.target.name,
              read: current.rows,
              written: current.written,
              skipped: tx ? current.rows - current.written : 0,
              ms,
              ...(note ? { note } : {}),
            });
            reporter.emit({ type: 'table-end', step: STEP, table: current.mapping.target.name, rows: current.rows, ms });
            current = null;
          }
        }
      }
    }
  }
}

/**
 * Starts writing the batch; its promise counts the rows once written. Not async, and the count kept apart: nothing
 * here holds the rows while the server writes them (a dialect that has encoded them can let them go).
 */
function insertBatch(tx: ImportTransaction, table: { mapping: TableMapping; written: number }, rows: CanonicalValue[][]): Promise<void> {
  const count = rows.length;
  return tx
    .insertRows(
      table.mapping.target,
      table.mapping.columns.map((c) => c.target),
      rows,
    )
    .then(() => {
      table.written += count;
    });
}

function approximateBytes(values: CanonicalValue[]): number {
  let bytes = 0;
  for (const v of values) bytes += typeof v === 'string' ? v.length : 8;
  return bytes;
}
