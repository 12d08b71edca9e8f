/**
 * uniqueFold against the server's own verdict: pairs of strings inserted into a UNIQUE column of each collation
 * (duplicate or not) must agree with "folds equal or not"; and the general_ci table, character by character.
 */
import { mysqlDialect } from '../../src/dialects/mysql';
import { generalCiFold, tableFold } from '../../src/dialects/mysql/fold';
import { FOLD_TABLES } from '../../src/dialects/mysql/generated/fold-tables';
import { GENERATED_COLLATIONS, readWeights } from '../../scripts/generate-fold-tables';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/databases';

const run = DIALECTS.includes('mysql') ? describe : describe.skip;

export const TRICKY_PAIRS: Array<[string, string]> = [
  ['élève', 'eleve'],
  ['élève', 'ELEVE'],
  ['Élève', 'élève'],
  ['tag', 'TAG'],
  ['c++', 'C++'],
  ['Straße', 'STRASSE'],
  ['Straße', 'Strase'],
  ['ß', 's'],
  ['ß', 'ss'],
  ['ẞ', 'ß'],
  ['æ', 'ae'],
  ['Æ', 'æ'],
  ['œuvre', 'oeuvre'],
  ['Œ', 'œ'],
  ['ﬁ', 'fi'],
  ['ﬀ', 'ff'],
  ['ĳ', 'ij'],
  ['ø', 'o'],
  ['Å', 'A'],
  ['ü', 'u'],
  ['ñ', 'n'],
  ['ç', 'C'],
  ['ÿ', 'Y'],
  ['e\u0301', 'é'],
  ['e\u0301', 'e'],
  ['đ', 'd'],
  ['Đ', 'D'],
  ['ł', 'l'],
  ['ð', 'd'],
  ['þ', 'th'],
  ['ı', 'I'],
  ['İ', 'i'],
  ['µ', 'μ'],
  ['Σ', 'ς'],
  ['ς', 'σ'],
  ['Ё', 'Е'],
  ['й', 'и'],
  ['Ǆ', 'ǆ'],
  ['Ǆ', 'DŽ'],
  ['²', '2'],
  ['Ａ', 'A'],
  ['ﾊ', 'ハ'],
  ['ｶ', 'カ'],
  ['日本語', '日本語'],
  ['日本語', '日本'],
  ['日本語', 'にほんご'],
  ['😀', '😁'],
  ['😀', '\uFFFD'],
  ['😀', '𝐀'],
  ['𝐀', 'A'],
  ['a', 'a '],
  ['a', 'a  '],
  [' a', 'a'],
  ['a', 'a\t'],
  ['a', 'a\u00a0'],
  ['a b', 'a  b'],
  ['a\u200b', 'a'],
  ['a\u00ad', 'a'],
  ['a-b', 'ab'],
  ['и\u0306', 'и'],
  ['и\u0306', 'й'],
  ['ǆ', 'dž'],
  ['Ŀ', 'L'],
  ['ẞ', 'SS'],
  ['ㄱ', 'ᄀ'],
  ['가', '\u1100\u1161'],
  ['\u{20000}', '\u{20001}'],
  ['a_b', 'a b'],
];

export const COLLATIONS = [
  'utf8mb4_general_ci',
  'utf8mb3_general_ci',
  'utf8mb4_general_nopad_ci',
  'utf8mb4_unicode_ci',
  'utf8mb4_unicode_520_ci',
  'utf8mb4_uca1400_ai_ci',
  'utf8mb4_uca1400_as_ci',
  'utf8mb4_uca1400_as_cs',
  'utf8mb4_bin',
  'utf8mb4_nopad_bin',
];

const OUTSIDE_BMP = /[\u{10000}-\u{10FFFF}]/u;

/** Whether a column of this character set can hold both strings (utf8mb3 has no 4-byte characters). */
function storable(charset: string, a: string, b: string): boolean {
  return charset !== 'utf8mb3' || !OUTSIDE_BMP.test(a + b);
}

/** Server's verdict: does inserting b after a into a UNIQUE column of this collation fail as a duplicate? */
async function serverCollides(db: TestDatabase, table: string, a: string, b: string): Promise<boolean> {
  await db.query(`DELETE FROM ${table}`);
  try {
    await db.query(`INSERT INTO ${table} (v) VALUES (?)`, [a]);
    await db.query(`INSERT INTO ${table} (v) VALUES (?)`, [b]);
    return false;
  } catch (error) {
    if ((error as { errno?: number }).errno === 1062) return true;
    throw error;
  }
}

run('mysql uniqueFold against the server', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('mysql', 'fold');
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('the shipped fold tables are those the generator makes', () => {
    expect(Object.keys(FOLD_TABLES)).toEqual(GENERATED_COLLATIONS);
  });

  test.each(GENERATED_COLLATIONS)('%s: every code point folds like the server weighs it', async (collation) => {
    const weights = await readWeights({ query: (sqlText) => db.query(sqlText) }, collation);
    expect(weights.size).toBe(0x110000 - 2048);
    // code points of equal weight fold alike, and different weights fold differently
    const foldOfWeight = new Map<string, string>();
    const weightOfFold = new Map<string, string>();
    const wrong: string[] = [];
    for (const [cp, weight] of weights) {
      const folded = tableFold(collation, String.fromCodePoint(cp), false);
      const f = foldOfWeight.get(weight);
      if (f === undefined) foldOfWeight.set(weight, folded);
      else if (f !== folded) wrong.push(`U+${cp.toString(16)} weighs like another code point but folds differently`);
      const w = weightOfFold.get(folded);
      if (w === undefined) weightOfFold.set(folded, weight);
      else if (w !== weight) wrong.push(`U+${cp.toString(16)} folds like another code point of a different weight`);
      if (wrong.length > 20) break;
    }
    expect(wrong).toEqual([]);
  });

  test('UNIQUE-index verdicts of tricky pairs, per collation', async () => {
    const report: string[] = [];
    const compared: Record<string, number> = {};
    const disagreements: Record<string, string[]> = {};
    for (const [i, collation] of COLLATIONS.entries()) {
      const charset = collation.split('_')[0];
      const table = `fold_${i}`;
      await db.exec(`CREATE TABLE ${table} (v varchar(100) CHARACTER SET ${charset} COLLATE ${collation} NOT NULL, UNIQUE KEY (v))`);
      const fold = mysqlDialect.uniqueFold(collation);
      const bad: string[] = [];
      const pairs = TRICKY_PAIRS.filter(([a, b]) => storable(charset, a, b));
      compared[collation] = pairs.length;
      for (const [a, b] of pairs) {
        const server = await serverCollides(db, table, a, b);
        const ours = fold(a) === fold(b);
        if (ours !== server)
          bad.push(
            `${JSON.stringify(a)} vs ${JSON.stringify(b)}: server ${server ? 'duplicate' : 'distinct'}, fold ${ours ? 'equal' : 'distinct'}`,
          );
      }
      disagreements[collation] = bad;
      report.push(`${collation}: ${bad.length === 0 ? 'all pairs agree' : bad.join('; ')}`);
    }
    // eslint-disable-next-line no-console
    console.log(`uniqueFold vs server (${TRICKY_PAIRS.length} pairs):\n${report.join('\n')}`);
    // Every pair went to the server, but those utf8mb3 cannot hold (5 with a character outside the BMP).
    const all = TRICKY_PAIRS.length;
    expect(compared).toEqual(Object.fromEntries(COLLATIONS.map((c) => [c, c.startsWith('utf8mb3_') ? all - 5 : all])));
    // Exact where the fold claims to be exact.
    for (const exact of [
      'utf8mb4_general_ci',
      'utf8mb3_general_ci',
      'utf8mb4_general_nopad_ci',
      'utf8mb4_unicode_ci',
      'utf8mb4_unicode_520_ci',
      'utf8mb4_uca1400_ai_ci',
      'utf8mb4_bin',
      'utf8mb4_nopad_bin',
    ]) {
      expect({ [exact]: disagreements[exact] }).toEqual({ [exact]: [] });
    }
    // The approximations (accent- or case-sensitive UCA): never "distinct" where the server says duplicate (the
    // tag builder would then produce names that collide on the target).
    for (const collation of COLLATIONS) {
      const unsafe = disagreements[collation].filter((d) => d.includes('server duplicate'));
      expect({ [collation]: unsafe }).toEqual({ [collation]: [] });
    }
  });

  test('random strings: fold equality = server equality (3,000 pairs per collation)', async () => {
    const groups = [
      ['a', 'A', 'á', 'Á', 'à', 'ä', 'å', 'a\u0301', 'ª'],
      ['e', 'E', 'é', 'É', 'è', 'ê', 'ë', 'e\u0301'],
      ['s', 'S', 'ß', 'ẞ', 'ss', 'SS', 'ſ'],
      ['ae', 'æ', 'Æ', 'AE'],
      ['oe', 'œ', 'Œ', 'o', 'ø', 'ö'],
      ['fi', 'ﬁ', 'FI'],
      ['i', 'I', 'ı', 'İ', 'í'],
      ['и', 'И', 'й', 'и\u0306'],
      [' ', '\u00a0', '', '\u200b', '\u00ad', '-', '_'],
      ['日', '本', '語'],
      ['😀', '😁', '\uFFFD', '𝐀'],
      ['가', '\u1100\u1161', 'ㄱ', 'ᄀ'],
      ['ǆ', 'dž', 'Ǆ'],
    ];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < 3000; i += 1) {
      let a = '';
      let b = '';
      const length = 1 + random(4);
      for (let j = 0; j < length; j += 1) {
        const group = groups[random(groups.length)];
        a += group[random(group.length)];
        b += random(3) === 0 ? groups[random(groups.length)][0] : group[random(group.length)];
      }
      if (random(4) === 0) b += ' ';
      pairs.push([a, b]);
    }
    // The pairs a utf8mb3 column can hold: those without a character outside the BMP (fixed by the seed above).
    const HOLDABLE_IN_UTF8MB3 = 2691;
    const report: string[] = [];
    for (const collation of COLLATIONS) {
      const fold = mysqlDialect.uniqueFold(collation);
      const charset = collation.split('_')[0];
      const bad: string[] = [];
      let equal = 0;
      const holdable = pairs.filter(([a, b]) => storable(charset, a, b));
      let comparedPairs = 0;
      for (let i = 0; i < holdable.length; i += 300) {
        const chunk = holdable.slice(i, i + 300);
        const sqlText = chunk
          .map(() => `SELECT CONVERT(? USING ${charset}) COLLATE ${collation} = CONVERT(? USING ${charset}) AS same`)
          .join(' UNION ALL ');
        const rows = await db.query(sqlText, chunk.flat());
        expect(rows).toHaveLength(chunk.length);
        comparedPairs += rows.length;
        rows.forEach((row, k) => {
          const [a, b] = chunk[k];
          const server = Number(row.same) === 1;
          if (server) equal += 1;
          if (server !== (fold(a) === fold(b)))
            bad.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: server ${server ? 'equal' : 'distinct'}`);
        });
      }
      report.push(
        `${collation}: ${comparedPairs} pairs, ${equal} equal, ${bad.length} disagreements${bad.length ? ` (${bad.slice(0, 5).join('; ')})` : ''}`,
      );
      // Every pair compared (utf8mb3: every pair without a character outside the BMP), and both verdicts seen.
      expect({ [collation]: comparedPairs }).toEqual({ [collation]: charset === 'utf8mb3' ? HOLDABLE_IN_UTF8MB3 : pairs.length });
      expect(equal).toBeGreaterThan(0);
      expect(equal).toBeLessThan(comparedPairs);
      if (!/_as_/.test(collation)) expect({ [collation]: bad.slice(0, 10) }).toEqual({ [collation]: [] });
      else expect({ [collation]: bad.filter((d) => d.includes('server equal')).slice(0, 10) }).toEqual({ [collation]: [] });
    }
    // eslint-disable-next-line no-console
    console.log(`uniqueFold vs server on random strings:\n${report.join('\n')}`);
  });

  test('unknown and null collations fold like general_ci', () => {
    expect(mysqlDialect.uniqueFold(null)('Élève ')).toBe(generalCiFold('eleve'));
    expect(mysqlDialect.uniqueFold('something_else')('ß')).toBe('S');
    expect(mysqlDialect.uniqueFold('binary')('a ')).toBe('a ');
    expect(mysqlDialect.uniqueFold('utf8mb4_bin')('a ')).toBe('a');
  });
});
