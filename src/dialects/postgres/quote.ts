/** Identifier quoting and placeholders for PostgreSQL (also used by `plan explain`, see src/plan/sql-flavor.ts). */
import { checkIdentifier, type IdentifierLimit } from '../identifier';

/** PostgreSQL silently truncates longer identifiers (NAMEDATALEN - 1): a longer name would address another column. */
const MAX_IDENTIFIER_BYTES = 63;

const POSTGRES_IDENTIFIERS: IdentifierLimit = {
  server: 'PostgreSQL',
  limit: `${MAX_IDENTIFIER_BYTES} bytes`,
  consequence: 'PostgreSQL would truncate it',
  exceeds: (name) => Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES,
};

/** `"name"` with embedded double quotes doubled; refuses names that cannot denote a PostgreSQL object (identifier.ts). */
export function quoteIdent(name: string): string {
  checkIdentifier(name, POSTGRES_IDENTIFIERS);
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
