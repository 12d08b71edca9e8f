/**
 * PostgreSQL (and slonik) errors → PodMigrateError. slonik wraps integrity violations (23502/23503/23505/23514…) in
 * its own classes with the server's error as `cause`; everything else arrives as node-postgres' DatabaseError. The
 * server's fields (table, column, constraint, detail) end up in `place` and in the message; the original error is kept
 * as `cause`. Messages go through redactSecrets: no password ever reaches them.
 */
import { PodMigrateError, type ErrorPlace } from '../../errors';
import { lockTimeoutHint } from '../lock-timeout';
import { redactSecrets, type ConnectionSettings } from '../url';

/** The fields node-postgres copies from the server's ErrorResponse. */
export interface PgServerError {
  message: string;
  code: string;
  severity?: string;
  detail?: string;
  hint?: string;
  table?: string;
  column?: string;
  constraint?: string;
  schema?: string;
  dataType?: string;
  where?: string;
}

function isServerError(value: unknown): value is PgServerError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PgServerError).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((value as PgServerError).code) &&
    typeof (value as PgServerError).message === 'string'
  );
}

/** The server's error behind slonik's wrappers (`cause` chain), if any. */
export function findServerError(error: unknown): PgServerError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && current !== undefined; depth += 1) {
    if (isServerError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const MAX_DETAIL = 500;

/** lock_timeout ran out (or NOWAIT): another session holds the lock. */
const LOCK_NOT_AVAILABLE = '55P03';

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

export interface ErrorContext {
  /** What we were doing: "inserting rows into video_video", "introspecting the schema"… */
  action: string;
  settings?: ConnectionSettings;
  place?: ErrorPlace;
}

/** Any error thrown by slonik / node-postgres while doing `context.action` → PodMigrateError (kept as is if already one). */
export function toPodMigrateError(error: unknown, context: ErrorContext): PodMigrateError {
  if (error instanceof PodMigrateError) {
    if (context.place && error.place.table === undefined) {
      return new PodMigrateError(error.code, error.message, { cause: error.cause ?? error, place: { ...context.place, ...error.place } });
    }
    return error;
  }
  const server = findServerError(error);
  const redact = (text: string) => redactSecrets(text, context.settings);
  if (server) {
    const integrity = server.code.startsWith('23');
    const parts = [`${context.action}: ${server.message}`];
    if (server.constraint) parts.push(`(constraint ${server.constraint})`);
    let message = parts.join(' ');
    if (server.detail) message += `; ${clip(server.detail)}`;
    if (server.hint) message += `; hint: ${clip(server.hint)}`;
    const place: ErrorPlace = { ...context.place };
    if (server.table) place.table = server.table;
    if (server.column) place.column = server.column;
    if (server.code === LOCK_NOT_AVAILABLE) message += lockTimeoutHint(context.settings, place.table);
    message += ` [SQLSTATE ${server.code}]`;
    return new PodMigrateError(integrity ? 'INTEGRITY' : 'DATABASE', redact(message), { cause: error, place });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new PodMigrateError('DATABASE', redact(`${context.action}: ${text}`), { cause: error, place: context.place });
}
