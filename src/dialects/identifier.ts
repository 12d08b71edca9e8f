/**
 * The names no quoting makes safe, refused the same way by every dialect's quoteIdent (SCHEMA_MISMATCH): empty,
 * holding a NUL (drivers and servers cut the text at it), or over the server's length limit (which each dialect
 * states: a longer name would be cut, or refused by the server later).
 */
import { PodMigrateError } from '../errors';

export interface IdentifierLimit {
  /** "MariaDB/MySQL", "PostgreSQL". */
  server: string;
  /** "64 characters": what the limit is, for the message. */
  limit: string;
  /** Why a longer name cannot be used: "PostgreSQL would truncate it". */
  consequence: string;
  exceeds(name: string): boolean;
}

export function checkIdentifier(name: string, rule: IdentifierLimit): void {
  if (typeof name !== 'string' || name === '') {
    throw new PodMigrateError('SCHEMA_MISMATCH', `an empty identifier cannot be quoted for ${rule.server}`);
  }
  if (name.includes('\u0000')) {
    throw new PodMigrateError(
      'SCHEMA_MISMATCH',
      `identifier ${JSON.stringify(name)} contains a NUL character: ${rule.server} names cannot`,
    );
  }
  if (rule.exceeds(name)) {
    throw new PodMigrateError(
      'SCHEMA_MISMATCH',
      `identifier ${JSON.stringify(name)} is longer than ${rule.server}'s ${rule.limit}: ${rule.consequence}`,
    );
  }
}
