/**
 * The run lock on MySQL / MariaDB: a user-level lock (GET_LOCK with no wait) named after the database, on a
 * connection of its own, never a pooled one. User-level locks are server-wide, hence the database in the name; the
 * server releases the lock when that connection ends, so a killed run never leaves it behind.
 */
import { createHash } from 'node:crypto';
import type mysql from 'mysql2';
import type { RunLockAttempt } from '../dialect';
import type { ConnectionSettings } from '../url';
import { encodeQueryParam } from './codec';
import { mapMysqlError } from './errors';
import { bindParams } from './query';

/** At most 64 characters (the servers' limit): a long database name is replaced by its hash. */
function runLockName(database: string): string {
  const name = `pod-migrate:${database}`;
  return name.length <= 64 ? name : `pod-migrate:${createHash('sha256').update(database).digest('hex').slice(0, 48)}`;
}

/** One statement, its values bound by query.ts as everywhere in this dialect (never by the driver). */
function ask(conn: mysql.Connection, sqlText: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    conn.query({ sql: bindParams(sqlText, params.map(encodeQueryParam)) }, (error: unknown, rows: unknown) =>
      error ? reject(error) : resolve(rows as Array<Record<string, unknown>>),
    );
  });
}

function end(conn: mysql.Connection): Promise<void> {
  return new Promise((resolve) => conn.end(() => resolve()));
}

export async function tryNamedRunLock(conn: mysql.Connection, settings: ConnectionSettings): Promise<RunLockAttempt> {
  conn.on('error', () => undefined);
  const name = runLockName(settings.database);
  try {
    const got = await ask(conn, 'SELECT GET_LOCK(?, 0) AS got', [name]);
    if (Number(got[0]?.got) === 1) {
      return {
        acquired: true,
        release: async () => {
          // Closing the connection releases the lock; RELEASE_LOCK only makes it immediate.
          await ask(conn, 'SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
          await end(conn);
        },
      };
    }
    // The holder's connection has run nothing since GET_LOCK: its TIME is how long it has held the lock.
    const holders = await ask(
      conn,
      'SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.TIME AS seconds FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)',
      [name],
    );
    await end(conn);
    const h = holders[0];
    return {
      acquired: false,
      holder: h
        ? `connection ${String(h.id)} (${String(h.user)}@${String(h.host)}), holding it for ${String(h.seconds)} s`
        : 'a connection that ended just now (try again)',
    };
  } catch (error) {
    await end(conn);
    throw mapMysqlError(error, { settings, action: `taking the run lock on ${settings.displayName}` });
  }
}
