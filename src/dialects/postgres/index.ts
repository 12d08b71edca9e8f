/** The PostgreSQL dialect (slonik + pg driver). */
import type { Dialect } from '../dialect';
import type { ConnectionSettings } from '../url';
import { PostgresConnection } from './connection';
import { placeholder, qualifiedTable, quoteIdent } from './quote';

export const postgresDialect: Dialect = {
  name: 'postgres',
  quoteIdent,
  tableRef: qualifiedTable,
  placeholder,
  connect(settings: ConnectionSettings) {
    return PostgresConnection.open(postgresDialect, settings);
  },
  // Deterministic collations (the only kind Django creates) compare bytes: two texts collide iff they are equal.
  uniqueFold() {
    return (text: string) => text;
  },
};

export { PostgresConnection } from './connection';
export { toSlonikQuery } from './query';
