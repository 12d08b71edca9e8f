/** The dialect registry: the only place that knows every dialect. */
import type { Dialect, DialectName, DatabaseConnection } from './dialect';
import type { ConnectionSettings } from './url';
import { mysqlDialect } from './mysql';
import { postgresDialect } from './postgres';

const DIALECTS: Record<DialectName, Dialect> = { mysql: mysqlDialect, postgres: postgresDialect };

export function getDialect(name: DialectName): Dialect {
  return DIALECTS[name];
}

export function connect(settings: ConnectionSettings): Promise<DatabaseConnection> {
  return getDialect(settings.dialect).connect(settings);
}

export type { Dialect, DialectName, DatabaseConnection } from './dialect';
