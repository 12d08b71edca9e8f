/** Identifier quoting and placeholders for MySQL / MariaDB (also used by `plan explain`, see src/plan/sql-flavor.ts). */
import { checkIdentifier, type IdentifierLimit } from '../identifier';

/** MySQL and MariaDB identifiers are at most 64 characters (not bytes). */
const MAX_IDENTIFIER_CHARACTERS = 64;

const MYSQL_IDENTIFIERS: IdentifierLimit = {
  server: 'MariaDB/MySQL',
  limit: `${MAX_IDENTIFIER_CHARACTERS} characters`,
  consequence: 'the server would refuse it',
  exceeds: (name) => [...name].length > MAX_IDENTIFIER_CHARACTERS,
};

/** Backtick quoting (doubling any backtick in the name); refuses what cannot be quoted safely (identifier.ts). */
export function quoteIdent(name: string): string {
  checkIdentifier(name, MYSQL_IDENTIFIERS);
  return `\`${name.replace(/`/g, '``')}\``;
}

/** mysql2 formats `?` client-side (text protocol), whatever the index. */
export function placeholder(_index: number): string {
  return '?';
}
