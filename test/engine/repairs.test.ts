/**
 * Repair rules on canonical rows (pure): Pod 4.4's two exporter rules with the examples of Pod's own tests
 * (pod/video/tests/test_export_data_from_v3_to_v4.py, Esup-Pod dev_v4), and the condition language.
 */
import type { CanonicalValue } from '../../src/convert/logical-types';
import { getDialect } from '../../src/dialects';
import type { ColumnInfo, TableInfo } from '../../src/dialects/dialect';
import { mapTable, type TableMapping } from '../../src/engine/mapping';
import { RowRepairs } from '../../src/engine/repairs';
import type { RepairRule } from '../../src/plan/types';
import { columnInfo } from '../helpers/column-info';
import { resolvedTable } from '../helpers/resolved-table';

const column = (name: string, type: ColumnInfo['type']): ColumnInfo => columnInfo(name, type, { nullable: true });
function mapping(name: string, columns: ColumnInfo[], repairs: RepairRule[] = []): TableMapping {
  const target: TableInfo = { name, columns, primaryKey: ['id'] };
  return mapTable(
    resolvedTable(name, { repairs }),
    target,
    columns.map((c) => c.name),
  );
}

/** Streams the tables' rows through the repairs, in order, as the import does. */
function run(tables: Array<[TableMapping, CanonicalValue[][]]>) {
  const repairs = new RowRepairs(
    tables.map(([m]) => m),
    getDialect('mysql'),
  );
  const out = tables.map(([m, rows]) => {
    repairs.beginTable(m);
    const written: CanonicalValue[][] = [];
    for (const row of rows) {
      const repaired = repairs.apply(m, [...row]);
      if (repaired) written.push(repaired);
    }
    return [...written, ...repairs.endTable(m)];
  });
  return { out, reports: repairs.reports(), keys: repairs.changedKeys() };
}

const meetingRule: RepairRule = {
  name: 'recurring-until-not-before-start',
  why: 'Pod 4.4',
  where: [{ column: 'recurring_until', op: '<', otherColumn: 'start_at' }],
  set: { column: 'recurring_until', fromColumn: 'start_at' },
};
const meeting = mapping(
  'meeting',
  [column('id', 'integer'), column('start_at', 'datetime'), column('recurring_until', 'date'), column('nb_occurrences', 'integer')],
  [meetingRule],
);

test('meeting: recurring_until before the start date becomes the start date (UTC); equal or later is kept', () => {
  const { out, reports, keys } = run([
    [
      meeting,
      [
        [1, '2025-12-26 00:30:00.000000', '2025-12-25', 2],
        [2, '2025-12-26 10:00:00.000000', '2025-12-27', 2],
        [3, '2025-12-26 10:00:00.000000', '2025-12-26', 1],
        [4, '2025-12-26 10:00:00.000000', null, null],
      ],
    ],
  ]);
  expect(out[0].map((r) => r[2])).toEqual(['2025-12-26', '2025-12-27', '2025-12-26', null]);
  expect(out[0][0][3]).toBe(2);
  expect(reports).toEqual([expect.objectContaining({ table: 'meeting', rule: 'recurring-until-not-before-start', count: 1, keys: ['1'] })]);
  expect(keys.get('meeting')).toEqual(new Set(['1']));
});

const mergeRule: RepairRule = {
  name: 'merge-duplicate-deletion-dates',
  why: 'Pod 4.4',
  mergeDuplicates: {
    key: ['date_deletion'],
    references: [{ table: 'video_videotodelete_video', column: 'videotodelete_id', unique: ['videotodelete_id', 'video_id'] }],
  },
};
const toDelete = mapping('video_videotodelete', [column('id', 'integer'), column('date_deletion', 'date')], [mergeRule]);
const links = mapping('video_videotodelete_video', [
  column('id', 'integer'),
  column('videotodelete_id', 'integer'),
  column('video_id', 'integer'),
]);

test("video_videotodelete: duplicates merged into the lowest id, links re-pointed, duplicate links dropped (Pod's example)", () => {
  const { out, reports, keys } = run([
    [
      toDelete,
      [
        [12, '2025-12-25'],
        [10, '2025-12-25'],
        [11, '2025-12-26'],
      ],
    ],
    [
      links,
      [
        [100, 12, 1],
        [101, 10, 2],
        [102, 12, 2],
        [103, 11, 3],
      ],
    ],
  ]);
  expect(out[0]).toEqual([
    [10, '2025-12-25'],
    [11, '2025-12-26'],
  ]);
  expect([...out[1]].sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
    [100, 10, 1],
    [101, 10, 2],
    [103, 11, 3],
  ]);
  expect(reports.map((r) => [r.table, r.count, r.keys])).toEqual([
    ['video_videotodelete', 1, ['12']],
    ['video_videotodelete_video', 2, ['100', '102']],
  ]);
  expect(keys.get('video_videotodelete_video')).toEqual(new Set(['100', '102']));
});

test('video_videotodelete: rows without duplicates, and a dump without the link table, are handled as Pod does', () => {
  expect(
    run([
      [
        toDelete,
        [
          [10, '2025-12-25'],
          [11, '2025-12-26'],
        ],
      ],
      [
        links,
        [
          [100, 10, 1],
          [101, 11, 2],
        ],
      ],
    ]).out,
  ).toEqual([
    [
      [10, '2025-12-25'],
      [11, '2025-12-26'],
    ],
    [
      [100, 10, 1],
      [101, 11, 2],
    ],
  ]);
  expect(
    run([
      [
        toDelete,
        [
          [2, '2025-12-25'],
          [1, '2025-12-25'],
        ],
      ],
    ]).out,
  ).toEqual([[[1, '2025-12-25']]]);
});

test('set to a value or NULL, drop, and comparisons on NULL (never true)', () => {
  const table = mapping(
    't',
    [column('id', 'integer'), column('n', 'integer'), column('s', 'text')],
    [
      { name: 'negative-to-zero', why: 'w', where: [{ column: 'n', op: '<', value: 0 }], set: { column: 'n', value: 0 } },
      { name: 'drop-junk', why: 'w', where: [{ column: 's', op: '=', value: 'junk' }], drop: true },
      {
        name: 'clear-empty',
        why: 'w',
        where: [
          { column: 's', op: '=', value: '' },
          { column: 'n', op: 'not-null' },
        ],
        set: { column: 's', value: null },
      },
    ],
  );
  const { out, reports } = run([
    [
      table,
      [
        [1, -5, 'a'],
        [2, null, 'junk'],
        [3, 4, ''],
        [4, null, ''],
      ],
    ],
  ]);
  expect(out[0]).toEqual([
    [1, 0, 'a'],
    [3, 4, null],
    [4, null, ''],
  ]);
  expect(reports.map((r) => [r.rule, r.count])).toEqual([
    ['negative-to-zero', 1],
    ['drop-junk', 1],
    ['clear-empty', 1],
  ]);
});

test('a switched-off rule does nothing', () => {
  const off = mapping('meeting', meeting.target.columns, [{ ...meetingRule, enabled: false }]);
  const { out, reports } = run([[off, [[1, '2025-12-26 00:30:00.000000', '2025-12-25', 2]]]]);
  expect(out[0][0][2]).toBe('2025-12-25');
  expect(reports).toEqual([]);
});
