/**
 * The v3 database read as the dump would hold it, for a dry run: the same events as the dump reader (table, rows in
 * the dump's spelling, tableEnd), table by table in plan order, tag sets as Pod's pseudo-tables — so that the dry
 * import runs the very pass the live import runs (mapping, repairs, preflight checks, tag counting) on the same
 * rows, without writing a dump. Read like the export reads it: streamed, by primary key (or the plan's orderBy), and
 * handed over an array at a time like the dump reader's (`readDumpBatches`): a batch of the database's rows each.
 */
import { toDumpRow } from '../convert/dump-values';
import type { DatabaseConnection, SchemaInfo } from '../dialects/dialect';
import type { DumpEvent } from '../dump/reader';
import type { ResolvedPlan, TagSet } from '../plan/types';
import { aggregateTagPairBatches, joinPodTagName } from '../tags';
import { renderFor } from './sql';

/** One tagged object of a tag set as the dump holds it: Pod's comma-joined names, and the exact names beside them. */
export function tagSetDumpRow(set: TagSet, objectId: unknown, names: string[]): Record<string, unknown> {
  return { [set.objectColumn]: objectId, tag_name: joinPodTagName(names), tag_names: names };
}

export async function* sourceRowEvents(plan: ResolvedPlan, source: DatabaseConnection, schema: SchemaInfo): AsyncGenerator<DumpEvent[]> {
  for (const table of plan.tables) {
    const info = table.strategy === 'skip' ? undefined : schema.tables.get(table.name);
    if (!info) continue;
    yield [{ type: 'table', name: info.name, offset: 0 }];
    let index = 0;
    for await (const batch of source.streamRowBatches(info, info.columns, table.orderBy ?? undefined)) {
      yield batch.map((values) => ({ type: 'row', table: info.name, index: ++index, row: toDumpRow(values, info.columns), offset: 0 }));
    }
    yield [{ type: 'tableEnd', table: info.name, rows: index }];
  }
  for (const set of plan.tags) {
    if (!schema.tables.has('tagging_taggeditem') || !schema.tables.has(set.objectTable)) continue;
    const { sql, params } = renderFor(plan, set.query, source, set.params ?? {});
    yield [{ type: 'table', name: set.dumpTable, offset: 0 }];
    let index = 0;
    for await (const { objectId, names } of aggregateTagPairBatches(source.streamQueryBatches(sql, params))) {
      index += 1;
      yield [{ type: 'row', table: set.dumpTable, index, row: tagSetDumpRow(set, objectId, names), offset: 0 }];
    }
    yield [{ type: 'tableEnd', table: set.dumpTable, rows: index }];
  }
}
