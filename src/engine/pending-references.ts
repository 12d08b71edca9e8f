/**
 * The foreign-key values the preflight could not decide yet (their referenced table comes later in the dump), each
 * with the key of the first row that holds it and how many rows do: decided when everything is read. Kept as
 * strings in a Map, a 100,000-video dump held about 700,000 of them (some 100 MB, which would make memory grow
 * with the site); integer values with an integer first-row key, nearly all of Pod's, go into paged typed arrays
 * instead: 12 bytes per id of the pages that the values touch, whatever the number of rows.
 */
import { asSmallInteger } from './key-set';

const PAGE_BITS = 12; // 4,096 values per page: 48 KB
const PAGE_SIZE = 1 << PAGE_BITS;

interface Page {
  /** Rows holding each value of the page (0: not pending). */
  counts: Uint32Array;
  /** The first such row's key. */
  firstKeys: Float64Array;
}

export class PendingReferences {
  private readonly pages = new Map<number, Page>();
  /** Values or first-row keys that are not small integers. */
  private readonly others = new Map<string, { key: string; count: number }>();

  /** One more row holding `value`; `rowKey` is asked only for the first. */
  add(value: string, rowKey: () => string): void {
    const other = this.others.get(value);
    if (other) {
      other.count += 1;
      return;
    }
    const id = asSmallInteger(value);
    if (id !== null) {
      const page = this.pages.get(Math.floor(id / PAGE_SIZE));
      const slot = id % PAGE_SIZE;
      if (page && page.counts[slot] > 0) {
        page.counts[slot] += 1;
        return;
      }
      const key = rowKey();
      const keyNumber = asSmallInteger(key);
      if (keyNumber !== null) {
        const target = page ?? this.newPage(Math.floor(id / PAGE_SIZE));
        target.counts[slot] = 1;
        target.firstKeys[slot] = keyNumber;
        return;
      }
      this.others.set(value, { key, count: 1 });
      return;
    }
    this.others.set(value, { key: rowKey(), count: 1 });
  }

  /** Every pending value with its first row's key and its row count. */
  *entries(): Generator<[value: string, key: string, count: number]> {
    for (const [pageNumber, page] of this.pages) {
      for (let slot = 0; slot < PAGE_SIZE; slot++) {
        if (page.counts[slot] > 0) yield [String(pageNumber * PAGE_SIZE + slot), String(page.firstKeys[slot]), page.counts[slot]];
      }
    }
    for (const [value, { key, count }] of this.others) yield [value, key, count];
  }

  private newPage(pageNumber: number): Page {
    const page = { counts: new Uint32Array(PAGE_SIZE), firstKeys: new Float64Array(PAGE_SIZE) };
    this.pages.set(pageNumber, page);
    return page;
  }
}
