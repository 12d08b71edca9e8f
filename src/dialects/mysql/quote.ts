/** Identifier quoting and placeholders for MySQL / MariaDB. */
import { PodMigrateError } from '../../errors';

/**
 * Backtick quoting (doubling any backtick in the name). Empty names, NUL characters and names longer than
 * MySQL's 64-character identifier limit cannot be quoted safely: they are refused as SCHEMA_MISMATCH.
 */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name === '') {
    throw new PodMigrateError('SCHEMA_MISMATCH', 'an empty identifier cannot be quoted for MySQL');
  }
  if (name.includes('\u0000')) {
    throw new PodMigrateError('SCHEMA_MISMATCH', `identifier ${JSON.stringify(name)} contains a NUL character`);
  }
  if ([...name].length > 64) {
    throw new PodMigrateError('SCHEMA_MISMATCH', `identifier ${JSON.stringify(name)} is longer than MySQL's 64 characters`);
  }
  return '`' + name.replace(/`/g, '``') + '`';
}

/** mysql2 formats `?` client-side (text protocol), whatever the index. */
export function placeholder(_index: number): string {
  return '?';
}
