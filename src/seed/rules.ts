/**
 * What every per-app rule (apps/*.ts) shares: the row shape a rule yields, and the small helpers several Pod apps
 * use (Django password hashes, names, languages, licences, M2M rows from id pairs).
 */
import type { CanonicalValue } from '../convert/logical-types';
import type { Rng } from './random';
import { FIRST_NAMES, LAST_NAMES, MICROS_PER_DAY, formatDatetime, truncateChars, uuidHex } from './values';
import type { World } from './world';

/** One row, keyed by column name; generator.ts maps it onto the live columns. */
export type RowValues = Record<string, CanonicalValue>;

/** A table's rule: its rows, in id order, from the seeded world. */
export type TableRule = (w: World) => Iterable<RowValues>;

/** Datetime text as the dialects take it. */
export const dt = formatDatetime;

export const DAY = MICROS_PER_DAY;

/** A UUID in its dashed form (Django UUIDField as text). */
export function uuidDashed(r: Rng): string {
  const h = uuidHex(r);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A Django pbkdf2_sha256 password hash. */
export function djangoPassword(r: Rng): string {
  const salt = Buffer.from(r.hex(32), 'hex')
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 22);
  return `pbkdf2_sha256$260000$${salt}$${Buffer.from(r.hex(64), 'hex').toString('base64')}`;
}

export function fullName(r: Rng): string {
  return `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
}

/** Truncates to a varchar length, in characters. */
export function cut(text: string, max: number): string {
  return truncateChars(text, max);
}

export function lang(r: Rng): string {
  return r.pickSkewed(['fr', 'en', 'de', 'es', 'it', 'ar', 'zh', 'ja', 'pt', 'nl'], 2.5);
}

export function licence(r: Rng): string | null {
  return r.bool(0.3) ? null : r.pick(['by', 'by-nd', 'by-nc-nd', 'by-nc', 'by-nc-sa', 'by-sa']);
}

/** Pod CURSUS_CODES: 0 none, L bachelor, M master, D doctorate, 1 other. */
export function cursus(r: Rng): string {
  return r.pick(['0', 'L', 'M', 'D', '1']);
}

/** Sequential ids for an M2M table: pairs in, rows out. */
export function* m2m(left: string, right: string, pairs: Iterable<[number, number]>): Iterable<RowValues> {
  let id = 0;
  for (const [a, b] of pairs) {
    id += 1;
    yield { id, [left]: a, [right]: b };
  }
}

/** Each parent × every site. */
export function* withSites(w: World, count: number): Iterable<[number, number]> {
  for (let p = 1; p <= count; p += 1) for (const s of w.ref.siteIds) yield [p, s];
}

/** Up to `max` distinct values in [1, pool] for each parent chosen with probability p (parent 1 always). */
export function* somePairs(
  w: World,
  name: string,
  parents: number,
  pool: number,
  p: number,
  min: number,
  max: number,
): Iterable<[number, number]> {
  for (let a = 1; a <= parents; a += 1) {
    const r = w.rng(name, a);
    if (a > 1 && !r.bool(p)) continue;
    const n = r.int(a === 1 ? Math.max(1, min) : min, max);
    for (const b of r.distinctInts(n, 1, pool)) yield [a, b];
  }
}

/** The right-hand side of each pair mapped (a video index to its id…). */
export function* mapRight(pairs: Iterable<[number, number]>, f: (b: number) => number): Iterable<[number, number]> {
  for (const [a, b] of pairs) yield [a, f(b)];
}
