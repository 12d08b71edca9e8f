/** A table read's ORDER BY (RowOrder), resolved for the dialects' statement builders. */
import type { ColumnInfo, RowOrder, TableInfo } from './dialect';

/** The columns a read orders by (default: the primary key, possibly none) and whether its texts go by their bytes. */
export function resolveOrder(order: RowOrder | undefined, table: TableInfo): { columns: readonly string[]; bytes: boolean } {
  if (order !== undefined && 'bytes' in order) return { columns: order.bytes, bytes: true };
  return { columns: order ?? table.primaryKey, bytes: false };
}

/** The column of that name whose values are text (text or uuid): the ones a byte order changes. */
export function textColumn(table: TableInfo, name: string): ColumnInfo | undefined {
  const column = table.columns.find((c) => c.name === name);
  return column && (column.type === 'text' || column.type === 'uuid') ? column : undefined;
}
