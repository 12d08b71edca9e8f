/**
 * What rendering a template needs to know about a SQL dialect: how to quote an identifier and how to write a
 * placeholder. A connected `Dialect` is one; the two flavors below work without a database (plan explain).
 */
import type { Dialect, DialectName } from '../dialects/dialect';
import { PodMigrateError } from '../errors';

export type SqlFlavor = Pick<Dialect, 'name' | 'quoteIdent' | 'placeholder'>;

function checkIdentifier(name: string): void {
  if (name.length === 0) throw new PodMigrateError('PLAN_INVALID', 'an identifier cannot be empty');
  // No quoting makes a NUL safe: drivers and servers cut the text at it.
  if (name.includes('\0')) throw new PodMigrateError('PLAN_INVALID', `identifier ${JSON.stringify(name)} contains a NUL character`);
}

/** MariaDB/MySQL: `name`, backticks doubled; `?` placeholders. */
export const mysqlFlavor: SqlFlavor = {
  name: 'mysql',
  quoteIdent(name: string): string {
    checkIdentifier(name);
    return '`' + name.replace(/`/g, '``') + '`';
  },
  placeholder(): string {
    return '?';
  },
};

/** PostgreSQL: "name", double quotes doubled; `$n` placeholders. */
export const postgresFlavor: SqlFlavor = {
  name: 'postgres',
  quoteIdent(name: string): string {
    checkIdentifier(name);
    return '"' + name.replace(/"/g, '""') + '"';
  },
  placeholder(index: number): string {
    return `$${index}`;
  },
};

const FLAVORS: Record<DialectName, SqlFlavor> = { mysql: mysqlFlavor, postgres: postgresFlavor };

export function flavorFor(name: DialectName): SqlFlavor {
  const flavor = (FLAVORS as Record<string, SqlFlavor | undefined>)[name];
  if (flavor === undefined) {
    throw new PodMigrateError('USAGE', `unknown SQL dialect ${JSON.stringify(name)} (known: ${Object.keys(FLAVORS).join(', ')})`);
  }
  return flavor;
}
