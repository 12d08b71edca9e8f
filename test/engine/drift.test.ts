/** Schema drift is listed, table by table: extra v3 columns dropped, v4 columns the v3 lacks defaulted or NULL. */
import type { ColumnInfo, TableInfo } from '../../src/dialects/dialect';
import { describeDrift } from '../../src/engine/drift';
import { mapTable } from '../../src/engine/mapping';
import { resolvedTable } from '../helpers/resolved-table';
import { columnInfo } from '../helpers/column-info';

const column = (name: string, extra: Partial<ColumnInfo> = {}): ColumnInfo => columnInfo(name, 'text', extra);
const target: TableInfo = {
  name: 'video_video',
  primaryKey: ['id'],
  columns: [column('id'), column('title'), column('order', { nullable: true }), column('note', { nullable: true })],
};
const plan = resolvedTable('video_video', { columns: { order: { default: 1 } } });

test('extra v3 columns, defaulted and NULL v4 columns are each listed; an empty table has no drift', () => {
  const mapping = mapTable(plan, target, ['id', 'title', 'legacy_code']);
  const lines = describeDrift(mapping, 3);
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/video_video: v3 column\(s\) legacy_code not in the target: dropped/);
  expect(lines[1]).toMatch(/order = 1/);
  expect(lines[2]).toMatch(/left NULL .*: note/);
  expect(describeDrift(mapTable(plan, target, []), 0)).toEqual([]);
});
