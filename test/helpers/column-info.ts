/** The column description the engine works from (`ColumnInfo`), for tests of pure logic that need no database. */
import type { LogicalType } from '../../src/convert/logical-types';
import type { ColumnInfo } from '../../src/dialects/dialect';

/** NOT NULL, no default, not auto-increment, no length limit, unless `extra` says otherwise; the native type is the logical one. */
export function columnInfo(name: string, type: LogicalType = 'text', extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name,
    type,
    nativeType: type,
    nullable: false,
    hasDefault: false,
    autoIncrement: false,
    maxLength: null,
    position: 0,
    collation: null,
    ...extra,
  };
}
