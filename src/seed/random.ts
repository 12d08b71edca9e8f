/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) and keyed sub-streams.
 *
 * The seed generator never draws from one long shared stream: every entity gets its own stream, keyed by
 * (seed, purpose, index…). So the value of a row depends only on the seed and the row's own key, never on the
 * order in which tables or rows are generated: generating a table twice, or in another order, gives the same rows.
 */

/** FNV-1a over the UTF-16 code units, 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes any number of 32-bit parts into one 32-bit value. */
export function mixKeys(parts: ReadonlyArray<string | number>): number {
  let h = 0x2545f491;
  for (const part of parts) {
    const v = typeof part === 'number' ? (part >>> 0) ^ Math.floor(part / 0x100000000) : hashString(part);
    h = splitmix32((h ^ v) >>> 0);
  }
  return h;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = splitmix32(seed);
    this.b = splitmix32(this.a ^ 0x6a09e667);
    this.c = splitmix32(this.b ^ 0xbb67ae85);
    this.d = 1;
    for (let i = 0; i < 12; i += 1) this.nextUint32();
  }

  /** sfc32 */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Biased towards the start of the list (Zipf-like): realistic popularity. */
  pickSkewed<T>(items: readonly T[], power = 2): T {
    return items[Math.min(items.length - 1, Math.floor(this.next() ** power * items.length))];
  }

  /** `count` distinct integers from [min, max], in increasing order. */
  distinctInts(count: number, min: number, max: number): number[] {
    const span = max - min + 1;
    const n = Math.min(count, Math.max(0, span));
    if (n <= 0) return [];
    const chosen = new Set<number>();
    if (n > span / 2) {
      // Dense: shuffle the range.
      const all = Array.from({ length: span }, (_, i) => min + i);
      this.shuffle(all);
      return all.slice(0, n).sort((x, y) => x - y);
    }
    while (chosen.size < n) chosen.add(this.int(min, max));
    return [...chosen].sort((x, y) => x - y);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}

/** A fresh stream for one entity: `rngFor(seed, 'video', 12)`. */
export function rngFor(seed: number, ...keys: Array<string | number>): Rng {
  return new Rng(mixKeys([seed, ...keys]));
}
