/**
 * The run lock on PostgreSQL: a session-level advisory lock, taken with pg_try_advisory_lock on a plain
 * node-postgres client of its own (never a pooled slonik connection: the pool's reset, DISCARD ALL, would release
 * it). The server releases it when that session ends, so a killed run never leaves it behind. Advisory locks are
 * per database; the key is derived from the database name anyway, so that it reads the same in pg_locks.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { RunLockAttempt } from '../dialect';
import type { ConnectionSettings } from '../url';
import { mapPostgresError } from './errors';

/** The first key of the two-int advisory lock: "pod-migrate" in pg_locks.classid. */
const POD_MIGRATE_LOCK_CLASS = 0x706f64; // 'pod'

/** The second key: 31 bits of a hash of the database name (pg_locks.objid; non-negative so that it reads as is). */
function runLockKey(database: string): number {
  return createHash('sha256').update(`pod-migrate:${database}`).digest().readUInt32BE(0) & 0x7fffffff;
}

export async function tryAdvisoryRunLock(config: pg.ClientConfig, settings: ConnectionSettings): Promise<RunLockAttempt> {
  // The application name says which process holds the lock, to whoever is refused it.
  const client = new pg.Client({ ...config, application_name: `pod-migrate run lock (pid ${process.pid})` });
  client.on('error', () => undefined);
  const key = runLockKey(settings.database);
  try {
    await client.connect();
    const got = await client.query('SELECT pg_try_advisory_lock($1, $2) AS got', [POD_MIGRATE_LOCK_CLASS, key]);
    if (got.rows[0]?.got === true) {
      return {
        acquired: true,
        release: async () => {
          // Closing the session releases the lock; the explicit unlock only makes it immediate.
          await client.query('SELECT pg_advisory_unlock($1, $2)', [POD_MIGRATE_LOCK_CLASS, key]).catch(() => undefined);
          await client.end().catch(() => undefined);
        },
      };
    }
    const holders = await client.query(
      `SELECT a.pid, host(a.client_addr) AS client, a.application_name AS application, a.usename AS "user",
              to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [POD_MIGRATE_LOCK_CLASS, key],
    );
    await client.end().catch(() => undefined);
    const h = holders.rows[0] as { pid: number; client: string | null; application: string; user: string; since: string } | undefined;
    return {
      acquired: false,
      holder: h
        ? `server process ${h.pid}, client ${h.client ?? 'local socket'}, application "${h.application}", user ${h.user}, since ${h.since}`
        : 'a session that ended just now (try again)',
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw mapPostgresError(error, { action: `taking the run lock on ${settings.displayName}`, settings });
  }
}
