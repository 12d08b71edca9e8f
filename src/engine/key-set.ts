/**
 * A set of row keys (canonical key strings) whose memory does not hold the strings: the preflight remembers
 * every primary / unique key and every referenced id of a table it streams, and a 1M-row view-count table kept
 * as a Set<string> costs ~100 MB, which would make memory grow with the site.
 *
 * - Keys that are non-negative integers (the ids of nearly every Pod table) go into a paged bitset: exact, one
 *   bit per id in the pages the ids use (1M consecutive ids: 128 KB).
 * - Any other key is kept as a 64-bit hash in an open-addressing table (8 bytes a slot, at most three quarters
 *   full: linear probing stays short there, and the 388,000 (video, date) keys of a 100,000-video site's view
 *   counts take 4 MB, where half full took 8 MB and 4 MB more while growing). Two different keys share a
 *   hash with a probability of about n²/2⁶⁵ (3·10⁻⁸ for a million keys): the only effect would be a duplicate
 *   reported where there is none, and so a refused run, never a duplicate let through.
 */

const PAGE_BITS = 16; // 65,536 ids per page: 8 KB
const PAGE_SIZE = 1 << PAGE_BITS;
const MAX_EXACT_INTEGER_DIGITS = 15; // below 2^53: the id is a safe number
/**
 * The hashes' table is cut in segments by the hash's top bits, each growing on its own: a growth copies one
 * segment while the old one is still held, not the whole table (at a busy site's million view-count keys, 8 MB
 * beside the new 16 MB: the 100,000-video import's highest point).
 */
const SEGMENT_BITS = 4;
const SEGMENTS = 1 << SEGMENT_BITS;
const FIRST_SEGMENT_SLOTS = 64; // 16 segments × 64 slots × 8 bytes: 8 KB, as the one table was

export class KeySet {
  private readonly pages = new Map<number, Uint32Array>();
  /** Per segment, pairs (high, low); (0, 0) marks an empty slot. Made at the first key that is not an integer. */
  private segments: Uint32Array[] | null = null;
  /** Hashes held per segment (their sum and `integerCount` make the size). */
  private readonly segmentCounts = new Int32Array(SEGMENTS);
  private integerCount = 0;

  get size(): number {
    return this.segmentCounts.reduce((sum, count) => sum + count, this.integerCount);
  }

  /**
   * Adds the key; false when it was there already. A number stands for its decimal text and must be what
   * asSmallInteger gives (a non-negative integer below 10^15): the caller's fast path, no string made.
   */
  add(key: string | number): boolean {
    const id = typeof key === 'number' ? key : asSmallInteger(key);
    return id !== null ? this.addInteger(id) : this.addHash(key as string);
  }

  /** Whether the key was added (a number: as in add). */
  has(key: string | number): boolean {
    const id = typeof key === 'number' ? key : asSmallInteger(key);
    if (id !== null) {
      const page = this.pages.get(Math.floor(id / PAGE_SIZE));
      const bit = id % PAGE_SIZE;
      return page !== undefined && (page[bit >>> 5] & (1 << (bit & 31))) !== 0;
    }
    const [high, low] = hash64(key as string);
    return this.segments !== null && this.findSlot(this.segments[high >>> (32 - SEGMENT_BITS)], high, low) < 0;
  }

  clear(): void {
    this.pages.clear();
    this.segments = null;
    this.segmentCounts.fill(0);
    this.integerCount = 0;
  }

  private addInteger(id: number): boolean {
    const pageNumber = Math.floor(id / PAGE_SIZE);
    let page = this.pages.get(pageNumber);
    if (!page) {
      page = new Uint32Array(PAGE_SIZE / 32);
      this.pages.set(pageNumber, page);
    }
    const bit = id % PAGE_SIZE;
    const mask = 1 << (bit & 31);
    if ((page[bit >>> 5] & mask) !== 0) return false;
    page[bit >>> 5] |= mask;
    this.integerCount += 1;
    return true;
  }

  private addHash(key: string): boolean {
    const [high, low] = hash64(key);
    const segment = high >>> (32 - SEGMENT_BITS);
    this.segments ??= Array.from({ length: SEGMENTS }, () => new Uint32Array(2 * FIRST_SEGMENT_SLOTS));
    const table = this.segments[segment];
    const index = this.findSlot(table, high, low);
    if (index < 0) return false;
    table[index] = high;
    table[index + 1] = low;
    const count = ++this.segmentCounts[segment];
    if (count * 4 > (table.length / 2) * 3) this.grow(segment);
    return true;
  }

  /** The index of the empty slot where the hash goes, or -1 when it is there already. */
  private findSlot(table: Uint32Array, high: number, low: number): number {
    const slots = table.length / 2;
    let slot = (low ^ high) & (slots - 1);
    for (;;) {
      const index = slot * 2;
      const h = table[index];
      const l = table[index + 1];
      if (h === 0 && l === 0) return index;
      if (h === high && l === low) return -1;
      slot = (slot + 1) & (slots - 1);
    }
  }

  private grow(segment: number): void {
    const segments = this.segments!;
    const old = segments[segment];
    const table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0 && old[i + 1] === 0) continue;
      const index = this.findSlot(table, old[i], old[i + 1]);
      table[index] = old[i];
      table[index + 1] = old[i + 1];
    }
    segments[segment] = table;
  }
}

/** The key as a number when it is a plain non-negative integer of at most 15 digits ("0", "42"; not "042", "-1", "1.5"). */
export function asSmallInteger(key: string): number | null {
  const length = key.length;
  if (length === 0 || length > MAX_EXACT_INTEGER_DIGITS) return null;
  if (length > 1 && key.charCodeAt(0) === 48) return null;
  for (let i = 0; i < length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(key);
}

/** Two independent 32-bit FNV-1a-style hashes over the UTF-16 code units; never (0, 0), the empty-slot mark. */
function hash64(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b ^= b >>> 16;
  a >>>= 0;
  b >>>= 0;
  return a === 0 && b === 0 ? [0, 1] : [a, b];
}

/**
 * What canonicalKey gives an integer column's value, as the number asSmallInteger reads from it, when the value is
 * a non-negative integer below 10^15 (nearly every id): a KeySet or PendingReferences takes it without a string.
 */
export function smallIntegerKey(value: unknown, type: string): number | null {
  return type === 'integer' && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 1e15 ? value : null;
}
