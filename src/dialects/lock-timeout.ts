/**
 * How long a statement waits for a lock that another session holds (Pod v4 running, a DBA's transaction) before
 * it fails, naming the table: set per session by each dialect (PostgreSQL lock_timeout, MySQL lock_wait_timeout
 * and innodb_lock_wait_timeout). Without it a run would wait for ever. `--lock-timeout S` or `?lockTimeout=S`.
 */
import { PodMigrateError } from '../errors';
import type { ConnectionSettings } from './url';

export const DEFAULT_LOCK_TIMEOUT_SECONDS = 60;

/** Whole seconds, at least 1. */
export function lockTimeoutSeconds(settings: ConnectionSettings): number {
  const given = settings.options.lockTimeout;
  if (given === undefined) return DEFAULT_LOCK_TIMEOUT_SECONDS;
  const seconds = Number(given);
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new PodMigrateError('USAGE', `the lock timeout must be a whole number of seconds ≥ 1, not "${given}"`);
  }
  return seconds;
}

/** What a lock-timeout error says, after the database's own message. */
export function lockTimeoutHint(settings: ConnectionSettings | undefined, table: string | undefined): string {
  const waited = settings ? `${lockTimeoutSeconds(settings)} s` : 'the lock timeout';
  return (
    `; another session holds a lock on ${table ?? 'a table this statement needs'} and pod-migrate waited ${waited} for it ` +
    '(--lock-timeout S to wait longer): nothing was written; find that session (a Pod process, an open transaction) and run again'
  );
}
