/** The PostgreSQL dialect (slonik + pg driver). */
import type { ColumnInfo, Dialect } from '../dialect';
import type { ConnectionSettings } from '../url';
import { PostgresConnection } from './connection';
import { placeholder, qualifiedTable, quoteIdent } from './quote';
import { checkConstraints } from './introspect';
import { exactFold } from '../../tags/build';

export const postgresDialect: Dialect = {
  name: 'postgres',
  quoteIdent,
  tableRef: qualifiedTable,
  placeholder,
  // A bound parameter in a SELECT list is text to PostgreSQL: the column's own type says what it is.
  checkConstraints,
  typedPlaceholder: (index: number, column: ColumnInfo) => `CAST(${placeholder(index)} AS ${column.nativeType})`,
  rowsTable: (alias: string, names: string[], rows: string[][]) =>
    `(VALUES ${rows.map((row) => `(${row.join(', ')})`).join(', ')}) AS ${quoteIdent(alias)} (${names.map((name) => quoteIdent(name)).join(', ')})`,
  connect(settings: ConnectionSettings) {
    return PostgresConnection.open(postgresDialect, settings);
  },
  // Deterministic collations (the only kind Django creates) compare bytes: two texts collide iff they are equal.
  uniqueFold() {
    return exactFold;
  },
};

export { PostgresConnection } from './connection';
export { toSlonikQuery } from './query';
