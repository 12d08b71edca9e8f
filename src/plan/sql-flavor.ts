/**
 * What rendering a template needs to know about a SQL dialect: how to quote an identifier and how to write a
 * placeholder. A connected `Dialect` is one; the two flavors below work without a database (plan explain), with the
 * dialects' own quoting (same length limits, same errors): explain never shows SQL the live dialect would refuse.
 */
import type { Dialect, DialectName } from '../dialects/dialect';
import * as mysqlQuote from '../dialects/mysql/quote';
import * as postgresQuote from '../dialects/postgres/quote';
import { PodMigrateError } from '../errors';

export type SqlFlavor = Pick<Dialect, 'name' | 'quoteIdent' | 'placeholder'>;

/** MariaDB/MySQL: `name`, backticks doubled, at most 64 characters; `?` placeholders. */
export const mysqlFlavor: SqlFlavor = { name: 'mysql', quoteIdent: mysqlQuote.quoteIdent, placeholder: mysqlQuote.placeholder };

/** PostgreSQL: "name", double quotes doubled, at most 63 bytes; `$n` placeholders. */
export const postgresFlavor: SqlFlavor = { name: 'postgres', quoteIdent: postgresQuote.quoteIdent, placeholder: postgresQuote.placeholder };

const FLAVORS: Record<DialectName, SqlFlavor> = { mysql: mysqlFlavor, postgres: postgresFlavor };

export function flavorFor(name: DialectName): SqlFlavor {
  const flavor = (FLAVORS as Record<string, SqlFlavor | undefined>)[name];
  if (flavor === undefined) {
    throw new PodMigrateError('USAGE', `unknown SQL dialect ${JSON.stringify(name)} (known: ${Object.keys(FLAVORS).join(', ')})`);
  }
  return flavor;
}
