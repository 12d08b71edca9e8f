/** The MySQL / MariaDB dialect (mysql2). */
import type { DatabaseConnection, Dialect } from '../dialect';
import type { ConnectionSettings } from '../url';
import { PodMigrateError } from '../../errors';
import { MysqlConnection } from './connection';
import { uniqueFold } from './fold';
import { placeholder, quoteIdent } from './quote';
import { checkConstraints } from './introspect';

export const mysqlDialect: Dialect = {
  name: 'mysql',
  quoteIdent,
  // One database per connection: no schema to name.
  tableRef: quoteIdent,
  placeholder,
  // MySQL converts a bound string or number by the expression it meets.
  checkConstraints,
  typedPlaceholder: (index: number) => placeholder(index),
  rowsTable: (alias: string, names: string[], rows: string[][]) =>
    `(${rows.map((row) => `SELECT ${row.map((sql, i) => `${sql} AS ${quoteIdent(names[i])}`).join(', ')}`).join(' UNION ALL ')}) ${quoteIdent(alias)}`,
  async connect(settings: ConnectionSettings): Promise<DatabaseConnection> {
    if (settings.dialect !== 'mysql') {
      throw new PodMigrateError('USAGE', `${settings.displayName} is not a MySQL / MariaDB connection`);
    }
    return MysqlConnection.open(mysqlDialect, settings);
  },
  uniqueFold,
};

export { MysqlConnection, SESSION_SQL_MODE } from './connection';
export { classifyColumn, decoderFor, encoderFor } from './codec';
export { mapMysqlError } from './errors';
export { uniqueFold, generalCiFold } from './fold';
