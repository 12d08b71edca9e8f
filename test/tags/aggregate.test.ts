import { aggregateTagPairs, buildTagTablesAsync, type TagPairRow } from '../../src/tags';
import { PodMigrateError } from '../../src/errors';
import { collect } from '../helpers/async';

async function* stream<T>(rows: T[]): AsyncGenerator<T> {
  for (const row of rows) yield row;
}

describe('aggregateTagPairs', () => {
  test('groups by object, drops and counts orphans (PostgreSQL booleans)', async () => {
    const rows: TagPairRow[] = [
      { object_id: 1, tag_name: 'python', object_exists: true },
      { object_id: 1, tag_name: 'machine learning', object_exists: true },
      { object_id: 2, tag_name: 'x', object_exists: false },
      { object_id: 2, tag_name: 'y', object_exists: false },
      { object_id: 3, tag_name: 'c++', object_exists: true },
      { object_id: 5, tag_name: 'z', object_exists: false },
    ];
    const pairs = aggregateTagPairs(stream(rows));
    expect(await collect(pairs)).toEqual([
      { objectId: 1, names: ['python', 'machine learning'] },
      { objectId: 3, names: ['c++'] },
    ]);
    expect(pairs.summary).toEqual({ rows: 6, objects: 2, orphanItems: 3, orphanObjectIds: [2, 5], itemsWithoutName: 0 });
    expect(pairs.orphanItems()).toBe(3);
    expect(pairs.orphanObjectIds()).toEqual([2, 5]);
  });

  test('MySQL 0/1 flags, string and bigint ids, NULL names', async () => {
    const pairs = aggregateTagPairs([
      { object_id: '7', tag_name: 'a', object_exists: 1 },
      { object_id: 7n, tag_name: null, object_exists: 1 },
      { object_id: '90071992547409930', tag_name: 'b', object_exists: '1' },
      { object_id: '90071992547409931', tag_name: 'c', object_exists: 0 },
    ]);
    expect(await collect(pairs)).toEqual([
      { objectId: 7, names: ['a'] },
      { objectId: '90071992547409930', names: ['b'] },
    ]);
    expect(pairs.summary.itemsWithoutName).toBe(1);
    expect(pairs.orphanObjectIds()).toEqual(['90071992547409931']);
  });

  test('rows out of order are refused', async () => {
    const pairs = aggregateTagPairs(
      stream([
        { object_id: 2, tag_name: 'a', object_exists: true },
        { object_id: 1, tag_name: 'b', object_exists: true },
      ]),
    );
    await expect(collect(pairs)).rejects.toThrow(PodMigrateError);
  });

  test('empty input', async () => {
    const pairs = aggregateTagPairs(stream([]));
    expect(await collect(pairs)).toEqual([]);
    expect(pairs.summary.rows).toBe(0);
  });

  test('feeds buildTagTablesAsync', async () => {
    const pairs = aggregateTagPairs(
      stream<TagPairRow>([
        { object_id: 1, tag_name: 'Python', object_exists: true },
        { object_id: 1, tag_name: 'c++', object_exists: true },
        { object_id: 2, tag_name: 'python', object_exists: true },
        { object_id: 2, tag_name: 'c', object_exists: true },
      ]),
    );
    const t = await buildTagTablesAsync(pairs, { fold: (s) => s });
    expect(t.tags.map((x) => [x.name, x.slug, x.count])).toEqual([
      ['Python', 'python', 2],
      ['c++', 'c', 1],
      ['c', 'c_1', 1],
    ]);
  });
});
