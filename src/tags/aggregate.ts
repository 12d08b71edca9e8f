/**
 * Groups `(object_id, tag_name, object_exists)` rows — one per django-tagging `tagging_taggeditem`, joined with
 * `tagging_tag` and with the tagged table, ordered by object_id — into one `{ objectId, names }` record per object,
 * the input of `buildTagTables`. Items whose object no longer exists (django-tagging's generic relation has no FK, so
 * deleting a video leaves its items behind) are counted and listed, not emitted.
 */
import { PodMigrateError } from '../errors';
import type { ObjectId } from './build';

/** The columns the tag-pair query selects (other columns are ignored). */
export interface TagPairRow {
  object_id: number | string | bigint;
  /** `tagging_tag.name`; null when the item points to a missing tag (only possible with FK checks off). */
  tag_name: string | null;
  /** Whether the tagged row exists: boolean (PostgreSQL), 0/1 (MySQL), or their text forms. */
  object_exists: boolean | number | string | bigint | null;
}

/** A database row as drivers return it: checked at run time. */
export type TagPairInput = TagPairRow | Record<string, unknown>;

/** One object and its tag names (row order, duplicates kept); assignable to `TaggedObject`. */
export interface AggregatedObject {
  objectId: ObjectId;
  names: string[];
}

export interface TagPairSummary {
  /** Rows read. */
  rows: number;
  /** Records emitted (existing objects with at least one named item). */
  objects: number;
  /** Items whose object does not exist. */
  orphanItems: number;
  /** Distinct ids of the missing objects, ascending. */
  orphanObjectIds: ObjectId[];
  /** Items of existing objects whose tag name is NULL (dangling tag_id). */
  itemsWithoutName: number;
}

function normalizeId(raw: unknown): ObjectId {
  if (typeof raw === 'bigint') return raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : raw.toString();
  if (typeof raw === 'string' && /^[0-9]+$/.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : raw.replace(/^0+(?=[0-9])/, '');
  }
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return raw;
  throw new PodMigrateError('INTEGRITY', `tagged item object_id ${JSON.stringify(String(raw))} is not a non-negative integer`);
}

function compareIds(a: ObjectId, b: ObjectId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function exists(flag: unknown): boolean {
  if (typeof flag === 'boolean') return flag;
  if (typeof flag === 'number') return flag !== 0;
  if (typeof flag === 'bigint') return flag !== 0n;
  if (typeof flag === 'string') return ['1', 't', 'true', 'y', 'yes'].includes(flag.trim().toLowerCase());
  return false;
}

/**
 * Reads rows sorted by object_id and yields one record per existing object (names in row order, duplicates kept: the
 * builder deduplicates as Tagulous does). Iterate it once; `summary` is complete when the iteration ends.
 * Throws PodMigrateError('INTEGRITY') if object ids go backwards (the SQL must `ORDER BY object_id`).
 */
export class TagPairAggregator implements AsyncIterable<AggregatedObject> {
  readonly summary: TagPairSummary = { rows: 0, objects: 0, orphanItems: 0, orphanObjectIds: [], itemsWithoutName: 0 };
  private started = false;

  /** `batches`: the rows, an array at a time (a driver's batches: one await per batch, not per link). */
  constructor(private readonly batches: AsyncIterable<readonly TagPairInput[]> | Iterable<readonly TagPairInput[]>) {}

  /** Items whose object does not exist (complete once the iteration has ended). */
  orphanItems(): number {
    return this.summary.orphanItems;
  }

  /** Distinct ids of the missing objects, ascending (complete once the iteration has ended). */
  orphanObjectIds(): ObjectId[] {
    return this.summary.orphanObjectIds;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AggregatedObject> {
    if (this.started) throw new PodMigrateError('INTEGRITY', 'TagPairAggregator can be iterated only once');
    this.started = true;
    const summary = this.summary;
    let currentId: ObjectId | undefined;
    let currentExists = false;
    let names: string[] = [];

    for await (const batch of this.batches)
      for (const row of batch) {
        summary.rows++;
        const id = normalizeId(row.object_id);
        const rowExists = exists(row.object_exists);
        if (currentId === undefined || compareIds(id, currentId) !== 0) {
          if (currentId !== undefined) {
            if (compareIds(id, currentId) < 0) {
              throw new PodMigrateError('INTEGRITY', `tagged items are not sorted by object_id: ${String(id)} after ${String(currentId)}`);
            }
            if (currentExists && names.length > 0) {
              summary.objects++;
              yield { objectId: currentId, names };
            }
          }
          currentId = id;
          currentExists = rowExists;
          names = [];
          if (!rowExists) summary.orphanObjectIds.push(id);
        }
        if (!currentExists) {
          summary.orphanItems++;
          continue;
        }
        const name = row.tag_name;
        if (name === null || name === undefined) summary.itemsWithoutName++;
        else if (typeof name === 'string') names.push(name);
        else throw new PodMigrateError('INTEGRITY', `tagged item of object ${String(id)}: tag_name is not text`);
      }
    if (currentId !== undefined && currentExists && names.length > 0) {
      summary.objects++;
      yield { objectId: currentId, names };
    }
  }
}

/** `new TagPairAggregator(…)` over rows: iterate it for the records, then read `.summary` for the orphan count and ids. */
export function aggregateTagPairs(rows: AsyncIterable<TagPairInput> | Iterable<TagPairInput>): TagPairAggregator {
  return new TagPairAggregator(singleRows(rows));
}

/** The same over a driver's batches (`streamQueryBatches`). */
export function aggregateTagPairBatches(
  batches: AsyncIterable<readonly TagPairInput[]> | Iterable<readonly TagPairInput[]>,
): TagPairAggregator {
  return new TagPairAggregator(batches);
}

async function* singleRows(rows: AsyncIterable<TagPairInput> | Iterable<TagPairInput>): AsyncGenerator<readonly TagPairInput[]> {
  for await (const row of rows) yield [row];
}
