/** Identifier quoting and placeholders for PostgreSQL. */
import { PodMigrateError } from '../../errors';

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1): a longer name would address another column. */
const MAX_IDENTIFIER_BYTES = 63;

/** `"name"` with embedded double quotes doubled; refuses names that cannot denote a PostgreSQL object. */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name === '') {
    throw new PodMigrateError('SCHEMA_MISMATCH', 'an empty table or column name cannot be quoted for PostgreSQL');
  }
  if (name.includes('\u0000')) {
    throw new PodMigrateError('SCHEMA_MISMATCH', `the name ${JSON.stringify(name)} contains a NUL byte: PostgreSQL names cannot`);
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new PodMigrateError(
      'SCHEMA_MISMATCH',
      `the name ${JSON.stringify(name)} is longer than ${MAX_IDENTIFIER_BYTES} bytes: PostgreSQL would truncate it`,
    );
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** The table in schema `public`, quoted (`"public"."video_video"`): our own statements never depend on search_path. */
export function qualifiedTable(table: string): string {
  return `"public".${quoteIdent(table)}`;
}

export function placeholder(index: number): string {
  if (!Number.isInteger(index) || index < 1) throw new RangeError(`placeholder index must be a positive integer, got ${index}`);
  return `$${index}`;
}
