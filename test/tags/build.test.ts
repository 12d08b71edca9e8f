import {
  buildTagTables,
  buildTagTablesAsync,
  caseInsensitiveKey,
  compareCodePoints,
  formatTagBuildExamples,
  TagTableBuilder,
  type BuildTagTablesOptions,
  type TaggedObject,
} from '../../src/tags';
import { PodMigrateError } from '../../src/errors';

/** PostgreSQL: UNIQUE(name) compares exactly. */
const PG: BuildTagTablesOptions = { fold: (s) => s };
/** Stand-in for MariaDB utf8mb4_general_ci: case and accents folded, trailing spaces ignored. */
const MARIADB: BuildTagTablesOptions = {
  fold: (s) =>
    s
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toUpperCase()
      .replace(/ +$/, ''),
};

const objs = (...lists: string[][]): TaggedObject[] => lists.map((names, i) => ({ objectId: i + 1, names }));
const slugsOf = (t: ReturnType<typeof buildTagTables>) => t.tags.map((tag) => [tag.name, tag.slug]);

describe('buildTagTables: acceptance table', () => {
  test('"machine learning" stays ONE tag with slug machine-learning', () => {
    const t = buildTagTables(objs(['machine learning']), PG);
    expect(t.tags).toEqual([{ id: 1, name: 'machine learning', slug: 'machine-learning', count: 1, protected: false }]);
    expect(t.links).toEqual([{ id: 1, objectId: 1, tagId: 1 }]);
  });

  test('"c++" then "c" → slugs c, c_1', () => {
    expect(slugsOf(buildTagTables(objs(['c++'], ['c']), PG))).toEqual([
      ['c++', 'c'],
      ['c', 'c_1'],
    ]);
    // On one object the names are processed sorted: "c" < "c++".
    expect(slugsOf(buildTagTables(objs(['c++', 'c']), PG))).toEqual([
      ['c', 'c'],
      ['c++', 'c_1'],
    ]);
  });

  test('"日本語" → "_", then other slug-less names → "__1", "__2"', () => {
    const t = buildTagTables(objs(['日本語'], ['中文'], ['한국어']), PG);
    expect(slugsOf(t)).toEqual([
      ['日本語', '_'],
      ['中文', '__1'],
      ['한국어', '__2'],
    ]);
    expect(t.stats.slugCollisions).toBe(2);
  });

  test('a 60-character name: slug cut to 50; a second one with the same first 50 → base[:45] + "_1"', () => {
    const a = `${'a'.repeat(50)}bcdefghijk`;
    const b = `${'a'.repeat(50)}zzzzzzzzzz`;
    const t = buildTagTables(objs([a], [b]), PG);
    expect(t.tags[0]!.slug).toBe('a'.repeat(50));
    expect(t.tags[1]!.slug).toBe(`${'a'.repeat(45)}_1`);
    expect(t.tags[1]!.slug.length).toBeLessThanOrEqual(50);
  });

  test('"Python"/"python" on two objects → one tag, count 2, first spelling kept', () => {
    const t = buildTagTables(objs(['Python'], ['python']), PG);
    expect(t.tags).toEqual([{ id: 1, name: 'Python', slug: 'python', count: 2, protected: false }]);
    expect(t.links).toEqual([
      { id: 1, objectId: 1, tagId: 1 },
      { id: 2, objectId: 2, tagId: 1 },
    ]);
    expect(t.stats.spellingsMerged).toBe(1);
    expect(t.stats.mergedSpellingExamples).toEqual([{ name: 'python', tagName: 'Python', tagId: 1, objectId: 2 }]);
  });

  test('a name with a comma (from an exact list) stays one tag', () => {
    const t = buildTagTables(objs(['recherche, innovation', 'python']), PG);
    expect(slugsOf(t)).toEqual([
      ['python', 'python'],
      ['recherche, innovation', 'recherche-innovation'],
    ]);
  });

  test('300 tags on one object', () => {
    const names = Array.from({ length: 300 }, (_, i) => `tag ${String(i).padStart(3, '0')}`);
    const t = buildTagTables([{ objectId: 7, names: [...names].reverse() }], PG);
    expect(t.tags).toHaveLength(300);
    expect(t.links).toHaveLength(300);
    expect(t.tags.map((tag) => tag.name)).toEqual(names); // sorted order
    expect(t.tags.every((tag) => tag.count === 1)).toBe(true);
    expect(t.links.map((l) => l.tagId)).toEqual(names.map((_, i) => i + 1));
    expect(new Set(t.tags.map((tag) => tag.slug)).size).toBe(300);
  });

  test('"élève"/"eleve": accent-folding target → one tag; exact target → eleve, eleve_1', () => {
    const folded = buildTagTables(objs(['élève'], ['eleve']), MARIADB);
    expect(folded.tags).toEqual([{ id: 1, name: 'élève', slug: 'eleve', count: 2, protected: false }]);
    const exact = buildTagTables(objs(['élève'], ['eleve']), PG);
    expect(slugsOf(exact)).toEqual([
      ['élève', 'eleve'],
      ['eleve', 'eleve_1'],
    ]);
    expect(exact.stats.slugCollisionExamples).toEqual([{ name: 'eleve', wanted: 'eleve', takenBy: 'élève', slug: 'eleve_1' }]);
  });

  test('fold-equal names on one object become one tag and one link (first in sorted order wins)', () => {
    const t = buildTagTables(objs(['élève', 'eleve', 'ELEVE ']), MARIADB);
    expect(t.tags.map((tag) => tag.name)).toEqual(['ELEVE ']); // code point order: "ELEVE " < "eleve" < "élève"
    expect(t.links).toHaveLength(1);
    expect(t.tags[0]!.count).toBe(1);
    expect(t.stats.duplicateNamesMerged).toBe(2);
  });
});

describe('buildTagTables: Tagulous details', () => {
  test('same-case duplicates within one object count once', () => {
    const t = buildTagTables(objs(['a', 'b', 'a', 'a']), PG);
    expect(t.links).toHaveLength(2);
    expect(t.stats.duplicateNamesMerged).toBe(2);
    expect(t.stats.namesIn).toBe(4);
  });

  test('within one object set_tag_list keeps the LAST spelling of a str.lower() group (dict semantics)', () => {
    // sorted(["python", "Python", "PYTHON"]) = ["PYTHON", "Python", "python"]; dict((n.lower(), n)) → "python"
    const t = buildTagTables(objs(['python', 'Python', 'PYTHON']), PG);
    expect(t.tags.map((tag) => tag.name)).toEqual(['python']);
    expect(t.links).toHaveLength(1);
    expect(t.stats.mergedSpellingExamples.map((e) => e.name).sort()).toEqual(['PYTHON', 'Python']);
  });

  test('an existing tag wins over any later spelling', () => {
    const t = buildTagTables(objs(['Python'], ['python', 'PYTHON']), PG);
    expect(t.tags.map((tag) => [tag.name, tag.count])).toEqual([['Python', 2]]);
  });

  test('count = number of distinct objects', () => {
    const t = buildTagTables(objs(['x', 'y'], ['x'], ['X', 'x'], ['y']), PG);
    expect(t.tags.map((tag) => [tag.name, tag.count])).toEqual([
      ['x', 3],
      ['y', 2],
    ]);
    expect(t.links.map((l) => [l.id, l.objectId, l.tagId])).toEqual([
      [1, 1, 1],
      [2, 1, 2],
      [3, 2, 1],
      [4, 3, 1],
      [5, 4, 2],
    ]);
    expect(t.stats.objectsWithTags).toBe(4);
  });

  test('suffix = 1 + highest numeric suffix, natural "base_N" slugs included', () => {
    const t = buildTagTables(objs(['c_5'], ['c'], ['c++'], ['c#']), PG);
    expect(slugsOf(t)).toEqual([
      ['c_5', 'c_5'],
      ['c', 'c'],
      ['c++', 'c_6'],
      ['c#', 'c_7'],
    ]);
  });

  test('more than 11 collisions: numeric maximum (Tagulous >= 1.3.3, #152), not string order', () => {
    const names = Array.from({ length: 13 }, (_, i) => `x${'+'.repeat(i)}`); // all slugify to "x"
    const t = buildTagTables(objs(...names.map((n) => [n])), PG);
    expect(t.tags.map((tag) => tag.slug)).toEqual(['x', ...Array.from({ length: 12 }, (_, i) => `x_${i + 1}`)]);
  });

  test('suffix search is per base: "x_1_2" belongs to base "x_1", not "x"', () => {
    const t = buildTagTables(objs(['x_1_2'], ['x'], ['x!']), PG);
    expect(slugsOf(t)).toEqual([
      ['x_1_2', 'x_1_2'],
      ['x', 'x'],
      ['x!', 'x_1'],
    ]);
  });

  test('names are processed in code point order (Python sorted), not UTF-16 order', () => {
    const t = buildTagTables(objs(['\u{1F600}', '\uFF01']), PG);
    expect(t.tags.map((tag) => tag.name)).toEqual(['\uFF01', '\u{1F600}']);
    expect(compareCodePoints('\uFF01', '\u{1F600}')).toBeLessThan(0);
    expect(compareCodePoints('b', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
  });

  test('case-insensitive key: final sigma, Kelvin sign, capital sharp s; ß is not ss', () => {
    expect(caseInsensitiveKey('ΟΔΟΣ')).toBe(caseInsensitiveKey('οδοσ'));
    expect(caseInsensitiveKey('οδος')).toBe(caseInsensitiveKey('οδοσ'));
    expect(caseInsensitiveKey('\u212A')).toBe('k');
    expect(caseInsensitiveKey('\u1E9E')).toBe(caseInsensitiveKey('ß'));
    expect(caseInsensitiveKey('straße')).not.toBe(caseInsensitiveKey('strasse'));
    const t = buildTagTables(objs(['οδος'], ['ΟΔΟΣ']), PG);
    expect(t.tags).toHaveLength(1);
  });

  test('names longer than 80 characters are errors, not truncated; 80 is fine', () => {
    const ok = 'é'.repeat(80);
    const tooLong = 'a'.repeat(81);
    const t = buildTagTables(objs([ok, tooLong], [tooLong]), PG);
    expect(t.tags.map((tag) => tag.name)).toEqual([ok]);
    expect(t.stats.errors).toEqual([expect.objectContaining({ code: 'NAME_TOO_LONG', objectId: 1, name: tooLong, occurrences: 2 })]);
  });

  test('empty names are dropped and counted', () => {
    const t = buildTagTables(objs(['', '  ', 'a'], ['']), PG);
    expect(t.stats.emptyNames).toBe(3);
    expect(t.stats.objects).toBe(2);
    expect(t.stats.objectsWithTags).toBe(1);
  });

  test('object ids must be strictly ascending non-negative integers', () => {
    expect(() =>
      buildTagTables(
        [
          { objectId: 2, names: ['a'] },
          { objectId: 1, names: ['b'] },
        ],
        PG,
      ),
    ).toThrow(PodMigrateError);
    expect(() =>
      buildTagTables(
        [
          { objectId: 2, names: ['a'] },
          { objectId: 2, names: ['b'] },
        ],
        PG,
      ),
    ).toThrow(/ascending/);
    expect(() => buildTagTables([{ objectId: -1, names: ['a'] }], PG)).toThrow(/non-negative/);
    const big = buildTagTables(
      [
        { objectId: 9, names: ['a'] },
        { objectId: '90071992547409930', names: ['a'] },
      ],
      PG,
    );
    expect(big.links.map((l) => l.objectId)).toEqual([9, '90071992547409930']);
  });

  test('existing tags: reused by name, slugs reserved, ids continue, count increments reported', () => {
    const t = buildTagTables(objs(['python'], ['c'], ['python', 'rust']), {
      ...PG,
      existing: [
        { id: 4, name: 'Python', slug: 'python' },
        { id: 9, name: 'c++', slug: 'c' },
      ],
    });
    expect(t.tags).toEqual([
      { id: 10, name: 'c', slug: 'c_1', count: 1, protected: false },
      { id: 11, name: 'rust', slug: 'rust', count: 1, protected: false },
    ]);
    expect(t.links.map((l) => l.tagId)).toEqual([4, 10, 4, 11]);
    expect(t.existingCountIncrements).toEqual([{ id: 4, increment: 2 }]);
    expect(t.stats.existingTagsUsed).toBe(1);
  });

  test('stats and formatted examples', () => {
    const t = buildTagTables(objs(['c++', 'Python'], ['c', 'python']), PG);
    expect(t.stats).toMatchObject({ objects: 2, namesIn: 4, tagsCreated: 3, linksCreated: 4, slugCollisions: 1, spellingsMerged: 1 });
    expect(formatTagBuildExamples(t.stats)).toEqual({
      merged: ['"python" → "Python" (tag 1)'], // sorted on object 1: "Python" < "c++"
      slugCollisions: ['"c" → c_1 (c taken by "c++")'],
    });
  });

  test('incremental builder and async source give the same tables', async () => {
    const input = objs(['b', 'a'], ['A', 'c'], ['c++']);
    const builder = new TagTableBuilder(PG);
    for (const o of input) builder.add(o);
    const incremental = builder.finish();
    async function* gen() {
      yield* input;
    }
    expect(await buildTagTablesAsync(gen(), PG)).toEqual(incremental);
    expect(buildTagTables(input, PG)).toEqual(incremental);
  });
});

describe('buildTagTables: at scale', () => {
  // Its speed is `npm run bench -- --only tags`'s job; here, only that 100k objects with many twins come out whole.
  test('100,000 objects × 5 tags', () => {
    // 4 spellings per base: case variant (merged), same slug (collision), accented (merged on MariaDB, collision on PG)
    const vocabulary = Array.from({ length: 40000 }, (_, i) => {
      const j = Math.floor(i / 4);
      return [`Tag ${j}`, `tag-${j}`, `TAG ${j}`, `tàg ${j}`][i % 4]!;
    });
    let seed = 42;
    const rnd = () => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const input: TaggedObject[] = [];
    for (let id = 1; id <= 100000; id++) {
      const names: string[] = [];
      for (let k = 0; k < 5; k++) names.push(vocabulary[Math.floor(rnd() * vocabulary.length)]!);
      input.push({ objectId: id, names });
    }
    const tagCounts: number[] = [];
    for (const options of [PG, MARIADB]) {
      const t = buildTagTables(input, options);
      expect(t.stats.objects).toBe(100000);
      expect(t.links.length).toBeGreaterThan(490000);
      tagCounts.push(t.tags.length);
    }
    // MariaDB's accent-insensitive fold merges "tàg N" into "Tag N"; PostgreSQL keeps it apart.
    expect(tagCounts[1]).toBeLessThan(tagCounts[0]!);
  });
});
