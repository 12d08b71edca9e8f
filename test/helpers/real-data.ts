/**
 * Real Pod sites differ from a seeded one: apps never used (their tables empty), constraints Django never applied
 * (Pod did not commit its migrations), rows that break them. These helpers shape a seeded v3 database that way.
 */
import { connect, getDialect } from '../../src/dialects';
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

/** Names of the constraints of a table, as the catalog states them (to drop those Pod's migrations never applied). */
async function constraintNames(db: TestDatabase, table: string, kind: 'CHECK' | 'UNIQUE' | 'FOREIGN KEY'): Promise<string[]> {
  const rows =
    db.dialect === 'mysql'
      ? await db.query(
          `SELECT CONSTRAINT_NAME AS n FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_TYPE = ?`,
          [table, kind],
        )
      : await db.query(
          `SELECT con.conname AS n FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid WHERE c.relname = $1 AND con.contype = $2`,
          [table, { CHECK: 'c', UNIQUE: 'u', 'FOREIGN KEY': 'f' }[kind]],
        );
  return rows.map((r) => String(r.n));
}

/**
 * A v3 that drifted as real ones do (Esup-Pod #1448): the meeting CHECKs and the UNIQUE date_deletion never applied,
 * rows breaking them (the two cases Pod 4.4's exporter repairs), a widened varchar holding a longer value, an orphan
 * row, and — on a PostgreSQL source — two usernames that only case and accents tell apart. Also harmless drift: a
 * column v4 does not have (video_video.legacy_code) and one v3 lacks (auth_user.last_login).
 * Returns the ids the tests look for.
 */
export async function driftSource(db: TestDatabase): Promise<{ meetings: number[]; videoIds: number[] }> {
  const q = (n: string) => getDialect(db.dialect).quoteIdent(n);
  for (const name of (await constraintNames(db, 'meeting', 'CHECK')).filter((n) => /recurring_until/.test(n))) {
    await db.exec(`ALTER TABLE meeting DROP CONSTRAINT ${q(name)}`);
  }
  if (db.dialect === 'mysql') await db.exec('ALTER TABLE video_videotodelete DROP INDEX date_deletion');
  else
    for (const name of await constraintNames(db, 'video_videotodelete', 'UNIQUE'))
      await db.exec(`ALTER TABLE video_videotodelete DROP CONSTRAINT ${q(name)}`);
  const meetings = (await db.query('SELECT id FROM meeting ORDER BY id')).map((r) => Number(r.id)).slice(0, 2);
  for (const id of meetings) {
    await db.exec(
      db.dialect === 'mysql'
        ? `UPDATE meeting SET recurring_until = DATE(start_at) - INTERVAL 1 DAY, nb_occurrences = 2 WHERE id = ${id}`
        : `UPDATE meeting SET recurring_until = (start_at AT TIME ZONE 'UTC')::date - 1, nb_occurrences = 2 WHERE id = ${id}`,
    );
  }
  const videoIds = (await db.query('SELECT id FROM video_video ORDER BY id')).map((r) => Number(r.id)).slice(0, 2);
  // Pod's own example (test_export_data_from_v3_to_v4.py): 12 and 10 share a date, 11 does not.
  await db.exec(
    `INSERT INTO video_videotodelete (id, date_deletion) VALUES (9012, '2025-12-25'), (9010, '2025-12-25'), (9011, '2025-12-26');
     INSERT INTO video_videotodelete_video (id, videotodelete_id, video_id) VALUES
       (9100, 9012, ${videoIds[0]}), (9101, 9010, ${videoIds[1]}), (9102, 9012, ${videoIds[1]}), (9103, 9011, ${videoIds[0]})`,
  );
  const longName = 'x'.repeat(200);
  await db.exec(
    db.dialect === 'mysql'
      ? `ALTER TABLE auth_user MODIFY first_name varchar(400) NOT NULL; UPDATE auth_user SET first_name = '${longName}' WHERE id = (SELECT id FROM (SELECT MIN(id) AS id FROM auth_user) m)`
      : `ALTER TABLE auth_user ALTER COLUMN first_name TYPE varchar(400); UPDATE auth_user SET first_name = '${longName}' WHERE id = (SELECT MIN(id) FROM auth_user)`,
  );
  await db.exec(
    db.dialect === 'mysql'
      ? 'SET FOREIGN_KEY_CHECKS = 0; INSERT INTO auth_user_groups (id, user_id, group_id) VALUES (9900, (SELECT MIN(id) FROM auth_user), 999999); SET FOREIGN_KEY_CHECKS = 1'
      : `SET session_replication_role = replica; INSERT INTO auth_user_groups (id, user_id, group_id) VALUES (9900, (SELECT MIN(id) FROM auth_user), 999999); SET session_replication_role = DEFAULT`,
  );
  if (db.dialect === 'postgres') {
    await db.exec(
      `INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
       VALUES (9801, 'x', false, 'Élodie.M', '', '', '', false, true, '2024-01-01 00:00:00+00'),
              (9802, 'x', false, 'elodie.m', '', '', '', false, true, '2024-01-01 00:00:00+00')`,
    );
  }
  await db.exec(`ALTER TABLE video_video ADD COLUMN legacy_code varchar(20) NULL; ALTER TABLE auth_user DROP COLUMN last_login`);
  return { meetings, videoIds };
}

/** Takes back what a repair rule cannot fix (too long, orphan, usernames): what a site does after reading preflight. */
export async function fixUnrepairable(db: TestDatabase): Promise<void> {
  await db.exec(
    `UPDATE auth_user SET first_name = 'x' WHERE first_name LIKE 'xxxxxxxxxxxxxxxxxxxx%'; DELETE FROM auth_user_groups WHERE id = 9900; DELETE FROM auth_user WHERE id = 9802`,
  );
}
