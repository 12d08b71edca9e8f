/**
 * The compact store of the dump's tagged objects (interned names, integer pairs) and the builder's link sink must
 * give the tag rebuild exactly what the Map of objects and the list of link objects gave it.
 */
import { buildTagTables, exactFold, objectKeyOf, type TagLinkRow, TaggedObjectStore, type BuildTagTablesOptions } from '../../src/tags';
import { PodMigrateError } from '../../src/errors';

const PG: BuildTagTablesOptions = { fold: (s) => s };

describe('TaggedObjectStore', () => {
  test('objects by ascending id, names in arrival order, rows of one object joined', () => {
    const store = new TaggedObjectStore();
    store.add(30, ['b', 'a']);
    store.add(4, ['x']);
    store.add('30', ['c']);
    store.add('900719925474099312', ['big']);
    store.add(12, []);
    expect(store.size).toBe(4);
    expect([...store.ascending()].map(({ objectId, names }) => [objectId, names])).toEqual([
      [4, ['x']],
      [12, []],
      [30, ['b', 'a', 'c']],
      ['900719925474099312', ['big']],
    ]);
  });

  test('ids keyed as their decimal text: 7, "7" and 7n meet; "007" does not', () => {
    expect(objectKeyOf(7)).toBe(objectKeyOf('7'));
    expect(objectKeyOf(7n)).toBe(objectKeyOf(7));
    expect(objectKeyOf('007')).not.toBe(objectKeyOf(7));
    const store = new TaggedObjectStore();
    store.add(7, ['a']);
    expect(store.indexOf('7')).toBe(0);
    expect(store.indexOf(7n)).toBe(0);
    expect(store.indexOf(8)).toBeUndefined();
  });

  test('every object found again by its id: dense ids, ids far apart, negative, fractional and text ids', () => {
    const store = new TaggedObjectStore();
    const ids: Array<number | string> = [];
    for (let id = 1; id <= 10_000; id++) ids.push(id); // dense: pages
    for (let k = 1; k <= 300; k++) ids.push(k * 1_000_003 + 7); // far apart: past the pages' budget
    ids.push(0, -3, 2.5, Number.MAX_SAFE_INTEGER, '900719925474099312', '007');
    for (const [i, id] of ids.entries()) store.add(id, [`t${i}`]);
    expect(store.size).toBe(ids.length);
    const misplaced = ids.filter((id, i) => store.indexOf(id) !== i || store.idAt(i) !== id);
    expect(misplaced).toEqual([]);
    expect(store.indexOf(10_001)).toBeUndefined();
    expect(store.indexOf(1_000_003 + 8)).toBeUndefined();
    expect(store.indexOf('7')).toBe(6); // id 7's decimal text
  });

  test('the first ascending() groups the names once: a second gives the same objects, add() is refused after it', () => {
    const store = new TaggedObjectStore();
    store.add(2, ['b', 'a']);
    store.add(1, ['c']);
    store.add(2, ['d']);
    const first = [...store.ascending()];
    expect(first.map(({ objectId, names }) => [objectId, names])).toEqual([
      [1, ['c']],
      [2, ['b', 'a', 'd']],
    ]);
    expect([...store.ascending()]).toEqual(first);
    expect(() => store.add(3, ['e'])).toThrow(PodMigrateError);
    expect(store.size).toBe(2);
  });

  test('keep() leaves objects out', () => {
    const store = new TaggedObjectStore();
    for (let id = 1; id <= 5; id++) store.add(id, [`t${id}`]);
    expect([...store.ascending((index) => store.idAt(index) !== 3)].map((o) => o.objectId)).toEqual([1, 2, 4, 5]);
  });

  test('the builder fed from the store with a link sink makes the same rows as from plain objects', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const vocabulary = ['Python', 'python', 'c++', 'c', 'élève', 'eleve', 'machine learning', 'Machine Learning', ' '];
    const plain = new Map<number, string[]>();
    const store = new TaggedObjectStore();
    let pairs = 0;
    // More pairs than one chunk of the store's integer lists holds (16,384).
    for (let row = 0; row < 12_000; row++) {
      const id = 1 + Math.floor(rnd() * 3000);
      const names = Array.from({ length: Math.floor(rnd() * 4) }, () => vocabulary[Math.floor(rnd() * vocabulary.length)]!);
      plain.set(id, [...(plain.get(id) ?? []), ...names]);
      store.add(id, names);
      pairs += names.length;
    }
    expect(pairs).toBeGreaterThan(16_384);
    const expected = buildTagTables(
      [...plain].sort((a, b) => a[0] - b[0]).map(([objectId, names]) => ({ objectId, names })),
      PG,
    );
    const links: TagLinkRow[] = [];
    const built = buildTagTables(store.ascending(), { ...PG, onLink: (link) => links.push(link) });
    expect(built.tags).toEqual(expected.tags);
    expect(built.links).toEqual([]);
    expect(built.stats).toEqual(expected.stats);
    expect(links).toEqual(expected.links);
    // exactFold (PostgreSQL's: the builder keeps no map of folded names) builds what any identity fold builds.
    const existing = [
      { id: 40, name: 'PYTHON', slug: 'python' },
      { id: 41, name: 'élève', slug: 'eleve' },
    ];
    const objects = [...plain].sort((a, b) => a[0] - b[0]).map(([objectId, names]) => ({ objectId, names }));
    expect(buildTagTables(objects, { fold: exactFold, existing })).toEqual(buildTagTables(objects, { fold: (s) => s, existing }));
  });
});
