/**
 * Real Pod sites differ from a seeded one: apps never used (their tables empty), constraints Django never applied
 * (Pod did not commit its migrations), rows that break them. These helpers shape a seeded v3 database that way.
 */
import { connect } from '../../src/dialects';
import { parseConnectionUrl } from '../../src/dialects/url';
import type { TestDatabase } from './databases';

/** Apps a site may never have used: Pod's optional modules. */
export const UNUSED_APPS = ['ai_enhancement_', 'cut_', 'meeting', 'live_', 'quiz_', 'dressing_'];

/**
 * Empties every table of the given apps (by name prefix) and every table that references one of them, directly or
 * through another emptied table. Returns the emptied tables, sorted.
 */
export async function emptyApps(db: TestDatabase, prefixes: string[]): Promise<string[]> {
  const conn = await connect(parseConnectionUrl(db.url));
  try {
    const schema = await conn.introspect();
    const emptied = new Set([...schema.tables.keys()].filter((t) => prefixes.some((p) => t.startsWith(p))));
    for (let grew = true; grew; ) {
      grew = false;
      for (const fk of schema.foreignKeys) {
        if (emptied.has(fk.refTable) && !emptied.has(fk.table)) {
          emptied.add(fk.table);
          grew = true;
        }
      }
    }
    const list = [...emptied].sort();
    const q = (n: string) => conn.dialect.quoteIdent(n);
    await db.exec(
      db.dialect === 'mysql'
        ? `SET FOREIGN_KEY_CHECKS = 0; ${list.map((t) => `DELETE FROM ${q(t)};`).join(' ')} SET FOREIGN_KEY_CHECKS = 1;`
        : `TRUNCATE ${list.map(q).join(', ')}`,
    );
    return list;
  } finally {
    await conn.close();
  }
}
