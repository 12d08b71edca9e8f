/**
 * The tagged objects a dump names, with their tag names, kept compactly while the dump streams (the tag rebuild
 * needs them all, sorted, at the end): each distinct name once, interned to an integer, and every
 * (object, name) pair as two integers in typed arrays. At 100,000 videos a Map of objects holding arrays of the
 * dump's strings was the import's largest allocation; this is about 10 bytes per pair plus the distinct names.
 */
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

/** A growable Int32Array (doubling). */
class IntList {
  values = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

export class TaggedObjectStore {
  /** Distinct names, by interned id. */
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Each object's id as the first dump row gave it, by object index (first-seen order). */
  private readonly ids: ObjectId[] = [];
  private readonly indexByKey = new Map<ObjectKey, number>();
  /** (object index, name id) per name received, in arrival order. */
  private readonly pairObjects = new IntList();
  private readonly pairNames = new IntList();

  /** Adds names to an object (an object named by several rows gets them all, in arrival order). */
  add(objectId: ObjectId, names: readonly string[]): void {
    const key = objectKeyOf(objectId);
    let index = this.indexByKey.get(key);
    if (index === undefined) {
      index = this.ids.length;
      this.ids.push(objectId);
      this.indexByKey.set(key, index);
    }
    for (const name of names) {
      let nameId = this.nameIds.get(name);
      if (nameId === undefined) {
        nameId = this.names.length;
        this.names.push(name);
        this.nameIds.set(name, nameId);
      }
      this.pairObjects.push(index);
      this.pairNames.push(nameId);
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
   * `buildTagTables` wants them; `keep(index)` leaves objects out. Each record is made when reached.
   */
  *ascending(keep: (index: number) => boolean = () => true): Generator<TaggedObject & { index: number }> {
    const objects = this.ids.length;
    // Names grouped by object (a counting sort of the pairs: stable, so arrival order within an object).
    const start = new Int32Array(objects + 1);
    const pairs = this.pairObjects.length;
    const pairObjects = this.pairObjects.values;
    for (let p = 0; p < pairs; p++) start[pairObjects[p]! + 1]!++;
    for (let i = 0; i < objects; i++) start[i + 1]! += start[i]!;
    const grouped = new Int32Array(pairs);
    const fill = start.slice(0, objects);
    const pairNames = this.pairNames.values;
    for (let p = 0; p < pairs; p++) grouped[fill[pairObjects[p]!]!++] = pairNames[p]!;

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
}

/** Numeric order of ids (numbers or decimal strings of any length). */
function compareObjectIds(a: ObjectId, b: ObjectId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Through rows kept as two integers each (object index in a TaggedObjectStore, tag id) until they are written. */
export class LinkList {
  private readonly objects = new IntList();
  private readonly tags = new IntList();

  push(objectIndex: number, tagId: number): void {
    this.objects.push(objectIndex);
    this.tags.push(tagId);
  }

  get length(): number {
    return this.objects.length;
  }

  objectIndex(at: number): number {
    return this.objects.values[at]!;
  }

  tagId(at: number): number {
    return this.tags.values[at]!;
  }
}
