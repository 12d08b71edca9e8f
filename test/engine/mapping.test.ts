/** Column mapping: renames, drops, defaults, required columns, conversions by target type (pure). */
import type { TableInfo } from '../../src/dialects/dialect';
import { assertMappingComplete, mapRow, mapTable } from '../../src/engine/mapping';
import { PodMigrateError } from '../../src/errors';
import type { ResolvedTable } from '../../src/plan/types';
import { thrownBy } from '../helpers/thrown';
import { columnInfo } from '../helpers/column-info';
import { resolvedTable } from '../helpers/resolved-table';

const column = columnInfo;

const target: TableInfo = {
  name: 'video_video',
  primaryKey: ['id'],
  columns: [
    column('id', 'integer', { autoIncrement: true, hasDefault: true }),
    column('title', 'text'),
    column('is_draft', 'boolean'),
    column('order', 'integer', { nullable: true }),
    column('duration', 'interval', { nullable: true }),
    column('note', 'text', { nullable: true }),
  ],
};

function table(columns: ResolvedTable['columns'] = {}): ResolvedTable {
  return resolvedTable('video_video', { columns });
}

describe('mapTable', () => {
  test('written columns = target ∩ source, after renames and drops; defaults fill what the source lacks', () => {
    const mapping = mapTable(table({ tags: { drop: true, why: 'Tagulous' }, name: { rename: 'title' }, order: { default: 1 } }), target, [
      'id',
      'name',
      'is_draft',
      'tags',
      'duration',
    ]);
    expect(mapping.columns.map((c) => [c.source, c.target.name])).toEqual([
      ['id', 'id'],
      ['name', 'title'],
      ['is_draft', 'is_draft'],
      [null, 'order'],
      ['duration', 'duration'],
    ]);
    expect(mapping.dropped).toEqual([{ column: 'tags', why: 'Tagulous' }]);
    expect(mapping.defaulted).toEqual([{ column: 'order', value: 1 }]);
    expect(mapping.leftNull).toEqual(['note']);
    expect(mapping.unmapped).toEqual([]);
  });

  test('two source columns written to one target column are refused (one would be lost)', () => {
    expect(() => mapTable(table({ title_old: { rename: 'title' } }), target, ['id', 'title', 'title_old', 'is_draft'])).toThrow(
      /title and title_old would both be written/,
    );
  });

  test('a source column the target lacks is reported as unmapped (its values would be lost)', () => {
    expect(mapTable(table(), target, ['id', 'title', 'is_draft', 'legacy']).unmapped).toEqual(['legacy']);
  });

  test('a NOT NULL target column without value or default stops the import, naming table and column', () => {
    const mapping = mapTable(table(), target, ['id', 'title']);
    expect(mapping.missingRequired).toEqual(['is_draft']);
    expect(() => assertMappingComplete(mapping)).toThrow(PodMigrateError);
    expect((thrownBy(() => assertMappingComplete(mapping)) as PodMigrateError).place).toEqual({ table: 'video_video', column: 'is_draft' });
  });
});

describe('mapRow', () => {
  const mapping = mapTable(table({ order: { default: 1 } }), target, ['id', 'title', 'is_draft', 'duration']);

  test('converts by the target type: 0/1 → boolean, microseconds → interval, default for the missing column', () => {
    expect(mapRow(mapping, { id: 5, title: 'Cours', is_draft: 1, duration: 3600000000 }, 1)).toEqual([5, 'Cours', true, 1, 3600000000]);
  });

  test('a row lacking a column that other rows have is refused, not filled with NULL', () => {
    expect(() => mapRow(mapping, { id: 5, title: 'x', is_draft: 0 }, 3)).toThrow(/no value for duration/);
  });

  test('a value that does not fit its target type names table, row and column', () => {
    expect(() => mapRow(mapping, { id: 5, title: 'x', is_draft: 2, duration: null }, 12)).toThrow(
      /table video_video, row 12, column is_draft|is_draft/,
    );
    const error = thrownBy(() => mapRow(mapping, { id: 5, title: 'x', is_draft: 2, duration: null }, 12));
    expect((error as PodMigrateError).place).toMatchObject({ table: 'video_video', row: 12, column: 'is_draft' });
  });
});
