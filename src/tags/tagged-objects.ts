/**
 * The tagged objects a dump names, with their tag names, kept compactly while the dump streams (the tag rebuild
 * needs them all, sorted, at the end): each distinct name once, interned to an integer, and every
 * (object, name) pair as two integers in typed arrays. At 100,000 videos a Map of objects holding arrays of the
 * dump's strings was the import's largest allocation; this is about 10 bytes per pair plus the distinct names.
 */
import { PodMigrateError } from '../errors';
import type { ObjectId, TaggedObject } from './build';

/** An id as the original import keyed it (`String(id)`), but with safe integers as numbers (no string per object). */
type ObjectKey = number | string;

const CANONICAL_INTEGER = /^(0|[1-9][0-9]*)$/;

/** `String(id)` equality, without making the string: 7, "7" and 7n share a key; "007" keeps its own. */
export function objectKeyOf(id: unknown): ObjectKey {
  if (typeof id === 'number') return id;
  const text = String(id);
  if (CANONICAL_INTEGER.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  return text;
}

const CHUNK_BITS = 14;
const CHUNK_SIZE = 1 << CHUNK_BITS; // 16,384 integers: 64 KB a chunk

/**
 * A list of integers in fixed chunks: no copy when it grows, and at most one chunk unused (a doubling array was up to
 * half empty: 4 MB for the 300,000 names of a 100,000-video site's tags, where 2.4 MB are used).
 */
class IntList {
  private readonly chunks: Int32Array[] = [];
  length = 0;

  push(value: number): void {
    const slot = this.length & (CHUNK_SIZE - 1);
    if (slot === 0) this.chunks.push(new Int32Array(CHUNK_SIZE));
    this.chunks[this.length >>> CHUNK_BITS]![slot] = value;
    this.length += 1;
  }

  at(index: number): number {
    return this.chunks[index >>> CHUNK_BITS]![index & (CHUNK_SIZE - 1)]!;
  }
}

const PAGE_IDS = 4096; // 16 KB a page

/**
 * Object indexes by key. Safe integer ids (nearly every object) sit in pages of a typed array, 4 bytes an id where
 * the ids are dense: a Map took about 37 bytes an object (3.7 MB at 100,000 videos). Pages exist only where ids
 * are; an id that would open a page while the pages are mostly empty (ids far apart) goes to the Map instead, so
 * sparse ids never cost more than the Map did.
 */
class ObjectIndex {
  private readonly pages = new Map<number, Int32Array>();
  private paged = 0;
  private readonly others = new Map<ObjectKey, number>();

  get(key: ObjectKey): number | undefined {
    if (pageable(key)) {
      const slot = this.pages.get(Math.floor(key / PAGE_IDS))?.[key % PAGE_IDS];
      if (slot) return slot - 1;
    }
    return this.others.size > 0 ? this.others.get(key) : undefined;
  }

  set(key: ObjectKey, index: number): void {
    if (pageable(key)) {
      const number = Math.floor(key / PAGE_IDS);
      let page = this.pages.get(number);
      // A new page while at most a quarter of the pages' slots are used (past the first 16 pages): the Map.
      if (!page && (this.pages.size < 16 || (this.pages.size + 1) * PAGE_IDS <= 4 * this.paged)) {
        page = new Int32Array(PAGE_IDS);
        this.pages.set(number, page);
      }
      if (page) {
        page[key % PAGE_IDS] = index + 1;
        this.paged += 1;
        return;
      }
    }
    this.others.set(key, index);
  }
}

function pageable(key: ObjectKey): key is number {
  return typeof key === 'number' && Number.isSafeInteger(key) && key >= 0;
}

export class TaggedObjectStore {
  /** Distinct names, by interned id. */
  private readonly names: string[] = [];
  private nameIds: Map<string, number> | null = new Map();
  /** Each object's id as the first dump row gave it, by object index (first-seen order). */
  private readonly ids: ObjectId[] = [];
  private readonly indexByKey = new ObjectIndex();
  /** (object index, name id) per name received, in arrival order; null once grouped (see `grouped`). */
  private pairs: { objects: IntList; names: IntList } | null = { objects: new IntList(), names: new IntList() };
  /** The name ids grouped by object, made by the first `ascending()`: the store takes no names after it. */
  private groups: { start: Int32Array; names: Int32Array } | null = null;

  /** Adds names to an object (an object named by several rows gets them all, in arrival order). */
  add(objectId: ObjectId, names: readonly string[]): void {
    const { nameIds, pairs } = this;
    if (nameIds === null || pairs === null) throw new PodMigrateError('INTEGRITY', 'TaggedObjectStore.add() after ascending()');
    const key = objectKeyOf(objectId);
    let index = this.indexByKey.get(key);
    if (index === undefined) {
      index = this.ids.length;
      this.ids.push(objectId);
      this.indexByKey.set(key, index);
    }
    for (const name of names) {
      let nameId = nameIds.get(name);
      if (nameId === undefined) {
        nameId = this.names.length;
        this.names.push(name);
        nameIds.set(name, nameId);
      }
      pairs.objects.push(index);
      pairs.names.push(nameId);
    }
  }

  /** Objects seen. */
  get size(): number {
    return this.ids.length;
  }

  /** The index of the object whose id equals `id` as text (a database's id value), or undefined. */
  indexOf(id: unknown): number | undefined {
    return this.indexByKey.get(objectKeyOf(id));
  }

  idAt(index: number): ObjectId {
    return this.ids[index]!;
  }

  /**
   * The objects by ascending id (ties in first-seen order), each with its names in arrival order, as
   * `buildTagTables` wants them; `keep(index)` leaves objects out. Each record is made when reached. The first call
   * groups the pairs by object and lets go of the arrival lists and the name index (the 100,000-video import's tag
   * build is its peak): the store takes no more names after it.
   */
  *ascending(keep: (index: number) => boolean = () => true): Generator<TaggedObject & { index: number }> {
    const { start, names: grouped } = this.grouped();
    const objects = this.ids.length;
    const order = new Int32Array(objects);
    for (let i = 0; i < objects; i++) order[i] = i;
    const ids = this.ids;
    order.sort((a, b) => compareObjectIds(ids[a]!, ids[b]!) || a - b);
    for (const index of order) {
      if (!keep(index)) continue;
      const names: string[] = [];
      for (let p = start[index]!; p < start[index + 1]!; p++) names.push(this.names[grouped[p]!]!);
      yield { index, objectId: ids[index]!, names };
    }
  }

  /** Names grouped by object (a counting sort of the pairs: stable, so arrival order within an object). */
  private grouped(): { start: Int32Array; names: Int32Array } {
    if (this.groups !== null) return this.groups;
    const objects = this.ids.length;
    const pairs = this.pairs!;
    const count = pairs.objects.length;
    const start = new Int32Array(objects + 1);
    for (let p = 0; p < count; p++) start[pairs.objects.at(p) + 1]!++;
    for (let i = 0; i < objects; i++) start[i + 1]! += start[i]!;
    const names = new Int32Array(count);
    const fill = start.slice(0, objects);
    for (let p = 0; p < count; p++) names[fill[pairs.objects.at(p)]!++] = pairs.names.at(p);
    this.pairs = null;
    this.nameIds = null;
    this.groups = { start, names };
    return this.groups;
  }
}

/** Numeric order of ids (numbers or decimal strings of any length). */
function compareObjectIds(a: ObjectId, b: ObjectId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
