/**
 * Export: v3 database → dump file in Pod's format. Every plan table the source has, rows ordered by primary
 * key, streamed (bounded memory) into a temporary file renamed into place when complete (mode 0600). The tag
 * sets become Pod's pseudo-tables, with the exact name list beside Pod's comma-joined string.
 *
 * Every table, row count and tag set is read in one consistent snapshot of the source (`DatabaseConnection.snapshot`),
 * so a source still in use gives a dump consistent across tables; a dry run reads the connection directly.
 */
import type { DatabaseConnection, Dialect, SchemaInfo, SnapshotReader, TableInfo } from '../dialects/dialect';
import { toDumpRow } from '../convert/dump-values';
import { openDumpWriter, type DumpWriter } from '../dump/writer';
import type { ResolvedPlan, TagSet } from '../plan/types';
import { aggregateTagPairBatches } from '../tags';
import { tagSetDumpRow } from './row-source';
import type { SourceDescription } from './preflight';
import type { Reporter } from './reporter';
import { COUNTS_PER_QUERY, countStatement, renderFor } from './sql';
import { checkVersion } from './version-gate';
import type { TableTally } from './summary';

export interface ExportOptions {
  plan: ResolvedPlan;
  source: DatabaseConnection;
  dumpPath: string;
  dry: boolean;
  reporter: Reporter;
  /** Go on when the source is not the Pod version the plan expects (with a warning). */
  force?: boolean;
}

export interface ExportResult {
  tables: TableTally[];
  /** What the dump file holds, per table (rows, keys), as a scan of it would say; absent in a dry run. */
  written?: SourceDescription;
}

const STEP = 'export';
const PROGRESS_EVERY = 5000;

export async function exportDump(options: ExportOptions): Promise<ExportResult> {
  const { plan, source, reporter, dry } = options;
  const schema = await source.introspect();
  checkVersion('source', schema, plan.source.pod, { force: options.force, displayName: source.displayName, reporter });
  const result: ExportResult = { tables: [] };
  const writer = dry ? null : await openDumpWriter(options.dumpPath);
  // Everything is read through the reader, the counts included: with a pool of one connection (PGlite) the
  // snapshot holds the only connection.
  const readAll = async (reader: SnapshotReader): Promise<void> => {
    const exported = plan.tables.filter((table) => table.strategy !== 'skip');
    const totals = await countInSnapshot(
      reader,
      source.dialect,
      exported.map((table) => table.name).filter((name) => schema.tables.has(name)),
    );
    for (const table of exported) {
      const info = schema.tables.get(table.name);
      if (!info) {
        reporter.emit({ type: 'warning', message: `source has no table ${table.name}: not exported` });
        continue;
      }
      result.tables.push(await exportTable(reader, info, totals.get(table.name) ?? 0, table.orderBy ?? undefined, writer, reporter));
    }
    for (const set of plan.tags) {
      const tally = await exportTagSet(plan, set, source, reader, schema, writer, reporter);
      if (tally) result.tables.push(tally);
    }
  };
  try {
    if (writer) await source.snapshot(readAll);
    else await readAll(source);
    await writer?.commit();
  } catch (error) {
    await writer?.abort();
    throw error;
  }
  if (writer) {
    result.written = {
      tables: new Map([...writer.tables].map(([name, rows]) => [name, { rows, columns: new Set(writer.columns.get(name)) }])),
    };
  }
  return result;
}

/**
 * The tables' row counts in the snapshot, 50 tables a statement (`countStatement`), through streams (a snapshot
 * reader has no `query`) read to their end: never stopped early. A statement per table (a cursor each, on
 * PostgreSQL) was 134 round trips of a few each before the tables' reads.
 */
async function countInSnapshot(reader: SnapshotReader, dialect: Dialect, tables: string[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (let from = 0; from < tables.length; from += COUNTS_PER_QUERY) {
    const some = tables.slice(from, from + COUNTS_PER_QUERY);
    for await (const row of reader.streamQuery(countStatement(dialect, some))) {
      for (const [i, name] of some.entries()) totals.set(name, Number(row[`c${i}`]));
    }
  }
  return totals;
}

async function exportTable(
  reader: SnapshotReader,
  info: TableInfo,
  total: number,
  orderBy: string[] | undefined,
  writer: DumpWriter | null,
  reporter: Reporter,
): Promise<TableTally> {
  const started = Date.now();
  reporter.emit({ type: 'table-start', step: STEP, table: info.name, totalRows: total });
  if (!writer) {
    reporter.emit({ type: 'dry', message: `export ${info.name}: ${total} rows, ${info.columns.length} columns` });
    return { table: info.name, read: total, written: 0, skipped: 0, ms: Date.now() - started };
  }
  await writer.beginTable(info.name);
  let rows = 0;
  for await (const batch of reader.streamRowBatches(info, info.columns, orderBy)) {
    for (const values of batch) {
      const full = writer.writeRow(toDumpRow(values, info.columns));
      if (full) await full;
      rows += 1;
      if (rows % PROGRESS_EVERY === 0) reporter.emit({ type: 'table-progress', step: STEP, table: info.name, rows, totalRows: total });
    }
  }
  await writer.endTable();
  const ms = Date.now() - started;
  reporter.emit({ type: 'table-end', step: STEP, table: info.name, rows, ms });
  return { table: info.name, read: rows, written: rows, skipped: 0, ms };
}

async function exportTagSet(
  plan: ResolvedPlan,
  set: TagSet,
  source: DatabaseConnection,
  reader: SnapshotReader,
  schema: SchemaInfo,
  writer: DumpWriter | null,
  reporter: Reporter,
): Promise<TableTally | null> {
  if (!schema.tables.has('tagging_taggeditem') || !schema.tables.has(set.objectTable)) {
    reporter.emit({ type: 'warning', message: `source has no django-tagging tables: tag set ${set.name} not exported` });
    return null;
  }
  const started = Date.now();
  const { sql, params } = renderFor(plan, set.query, source, set.params ?? {});
  reporter.emit({ type: 'table-start', step: STEP, table: set.dumpTable, totalRows: null });
  if (writer) await writer.beginTable(set.dumpTable);
  const pairs = aggregateTagPairBatches(reader.streamQueryBatches(sql, params));
  let objects = 0;
  let items = 0;
  for await (const { objectId, names } of pairs) {
    objects += 1;
    items += names.length;
    if (writer) await writer.writeRow(tagSetDumpRow(set, objectId, names));
  }
  if (writer) await writer.endTable();
  const orphans = pairs.orphanItems();
  if (orphans > 0) {
    const ids = pairs.orphanObjectIds();
    reporter.emit({
      type: 'warning',
      message: `${orphans} tagged item(s) of ${set.objectTable} point at deleted objects (ids ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}): not exported`,
    });
  }
  if (!writer)
    reporter.emit({
      type: 'dry',
      message: `export ${set.dumpTable}: ${objects} tagged objects, ${items} tags (${orphans} orphan items left out)`,
    });
  const ms = Date.now() - started;
  reporter.emit({ type: 'table-end', step: STEP, table: set.dumpTable, rows: objects, ms });
  return {
    table: set.dumpTable,
    read: items + orphans,
    written: writer ? objects : 0,
    skipped: orphans,
    ms,
    note: `${items} tags on ${objects} objects`,
  };
}
