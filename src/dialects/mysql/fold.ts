/**
 * How a UNIQUE index of a MySQL / MariaDB collation compares text, as a folding function: two strings collide
 * iff their folds are equal.
 *
 * Exact per code point, from the server's own weights (generated/fold-tables.ts, generated from MariaDB 10.11 by
 * scripts/generate-fold-tables.js and checked against it for all 1,112,064 code points by
 * test/dialects/mysql-fold.test.ts):
 * - `*_general_ci`: one weight per character; case and Latin accents folded ('élève' = 'ELEVE'), 'ß' = 's',
 *   'Æ' and 'Œ' letters of their own, no expansions; EVERY character outside the BMP (emoji, rare CJK…) weighs
 *   U+FFFD: '😀' = '😁' = '\uFFFD'.
 * - `*_unicode_ci` (UCA 4.0.0): case and accents folded, expansions ('ß' = 'ss', 'ﬁ' = 'fi'), ignorable
 *   characters (zero-width space…) dropped; every non-BMP character has one same weight (but not U+FFFD's).
 * - `*_unicode_520_ci` (UCA 5.2.0) and `*_uca1400_ai_ci` (UCA 14.0.0): likewise, non-BMP characters distinct.
 *   uca1400 also has contractions ('и' + U+0306 = 'й'): its fold composes (NFC, Hangul excepted) first.
 *   Language tailorings (`utf8mb4_german2_ci`, `uca1400_swedish_ai_ci`…) use their UCA version's root table:
 *   an approximation. MySQL 8's `*_0900_ai_ci` uses the uca1400 table: an approximation (UCA 9.0.0, NO PAD).
 * Approximations: `_as_ci` (accent-sensitive: NFKD, case folded), `_as_cs` / `_cs` (NFC), `_ai_cs`.
 * `*_bin`: identity. The `binary` collation: identity. Unknown or null: the general_ci fold (the
 * conservative choice: it merges case and accents).
 * Trailing spaces: PAD SPACE collations (all but `*_nopad_*`, `binary` and MySQL 8's `*_0900_*`) ignore them,
 * so the fold drops them — also for `*_bin`, where 'a' and 'a ' collide.
 * The fold's output is only for comparing: characters are replaced by their class representative (the smallest
 * code point of equal weight: 'a' → 'A', 'é' → 'E').
 */
import { FOLD_TABLES } from './generated/fold-tables';
import { exactFold } from '../../tags/build';

export type Fold = (text: string) => string;

interface DecodedTable {
  map: Map<number, string>;
  /** Long runs (the non-BMP block of general_ci / unicode_ci), not expanded into the map. */
  ranges: Array<{ start: number; end: number; target: number; step: number }>;
}

const decoded = new Map<string, DecodedTable>();

function table(name: string): DecodedTable {
  const known = decoded.get(name);
  if (known) return known;
  const source = FOLD_TABLES[name];
  const map = new Map<number, string>();
  const ranges: DecodedTable['ranges'] = [];
  const num = (n: string) => parseInt(n, 36);
  for (const run of source.runs ? source.runs.split(';') : []) {
    const [start, length, target, step] = run.split(',').map(num);
    if (length > 4096) ranges.push({ start, end: start + length - 1, target, step });
    else for (let i = 0; i < length; i += 1) map.set(start + i, String.fromCodePoint(target + i * step));
  }
  for (const run of source.ignorable ? source.ignorable.split(';') : []) {
    const [start, length] = run.split(',').map(num);
    for (let i = 0; i < length; i += 1) map.set(start + i, '');
  }
  let cp = 0;
  for (const entry of source.expansions ? source.expansions.split(';') : []) {
    const [delta, targets] = entry.split(':');
    cp += num(delta);
    map.set(cp, String.fromCodePoint(...targets.split(',').map(num)));
  }
  const result = { map, ranges };
  decoded.set(name, result);
  return result;
}

function stripTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}

/** Folds by a generated table: every code point replaced by its class representative(s). */
export function tableFold(name: keyof typeof FOLD_TABLES, text: string, padSpace: boolean): string {
  const { map, ranges } = table(name);
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const mapped = map.get(cp);
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    const range = ranges.find((r) => cp >= r.start && cp <= r.end);
    out += range ? String.fromCodePoint(range.target + (cp - range.start) * range.step) : ch;
  }
  return padSpace ? stripTrailingSpaces(out) : out;
}

/** utf8mb4_general_ci (PAD SPACE unless told otherwise). */
export function generalCiFold(text: string, padSpace = true): string {
  return tableFold('utf8mb4_general_ci', text, padSpace);
}

/** Hangul syllables and jamo: the UCA weighs a syllable and its jamo sequence differently. */
const OUTSIDE_HANGUL = /[^\u1100-\u11FF\uA960-\uA97F\uAC00-\uD7AF\uD7B0-\uD7FF]+/gu;

function normalizeOutsideHangul(text: string, form: 'NFC' | 'NFD' | 'NFKD'): string {
  return text.replace(OUTSIDE_HANGUL, (segment) => segment.normalize(form));
}

/** Default-ignorable format characters (zero-width space and joiners, BOM…): no weight in the UCA. */
const FORMAT_CHARACTERS = /\p{Cf}/gu;

/** For the UCA variants without a generated table: accent-sensitive or case-sensitive ones. */
export function ucaApproximateFold(
  text: string,
  options: { accentInsensitive: boolean; caseInsensitive: boolean; padSpace: boolean },
): string {
  let s = text;
  if (options.caseInsensitive) {
    // Case and the other tertiary differences (width, compatibility forms: 'ﬁ' = 'fi', 'Ａ' = 'A') are ignored.
    s = normalizeOutsideHangul(s, 'NFKD');
    if (options.accentInsensitive) s = s.replace(/\p{M}/gu, '');
    s = normalizeOutsideHangul(s.toLowerCase().replace(/ς/g, 'σ'), 'NFC');
  } else {
    s = normalizeOutsideHangul(s, options.accentInsensitive ? 'NFD' : 'NFC');
    if (options.accentInsensitive) s = s.replace(/\p{M}/gu, '');
  }
  s = s.replace(FORMAT_CHARACTERS, '');
  return options.padSpace ? stripTrailingSpaces(s) : s;
}

export function uniqueFold(collation: string | null): Fold {
  const name = (collation ?? '').toLowerCase().trim();
  if (name === 'binary') return exactFold;
  const padSpace = !name.includes('_nopad') && !name.includes('_0900_');
  if (name.endsWith('_bin')) return padSpace ? stripTrailingSpaces : exactFold;

  if (name.includes('_general_')) return (text) => tableFold('utf8mb4_general_ci', text, padSpace);

  const unicodeCharset = /^(utf8mb4|utf8mb3|utf8|ucs2|utf16|utf16le|utf32)_/.test(name);
  const uca = name.includes('unicode') || name.includes('uca1400') || name.includes('_0900_') || unicodeCharset;
  if (uca) {
    // uca1400 / 0900 suffixes: _ai_ci, _as_ci, _as_cs, _ai_cs; older ones: _ci, _cs.
    const caseInsensitive = name.endsWith('_ci');
    const accentInsensitive = name.includes('_ai_') || (caseInsensitive && !name.includes('_as_'));
    if (caseInsensitive && accentInsensitive) {
      const generated =
        name.includes('uca1400') || name.includes('_0900_')
          ? 'utf8mb4_uca1400_ai_ci'
          : name.includes('520')
            ? 'utf8mb4_unicode_520_ci'
            : 'utf8mb4_unicode_ci';
      // UCA 14 has contractions for canonical sequences ('и' + U+0306 = 'й'): composing first (NFC) matches
      // them; the older versions weigh code point by code point ('и' + U+0306 = 'и'), as the table does.
      // Hangul is left as written: there the server weighs a jamo sequence differently from its syllable.
      if (generated === 'utf8mb4_uca1400_ai_ci') return (text) => tableFold(generated, normalizeOutsideHangul(text, 'NFC'), padSpace);
      return (text) => tableFold(generated, text, padSpace);
    }
    return (text) => ucaApproximateFold(text, { accentInsensitive, caseInsensitive, padSpace });
  }
  if (name.endsWith('_cs')) return padSpace ? stripTrailingSpaces : (text) => text;
  // Unknown (or a legacy 8-bit collation): general_ci merges case and accents, the conservative choice.
  return (text) => tableFold('utf8mb4_general_ci', text, padSpace);
}
