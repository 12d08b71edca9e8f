/**
 * The half of error mapping both dialects share: which code each database fault gets, what context a caller
 * gives, and how the final PodMigrateError is put together (action, lock-timeout hint, never a password). Each
 * dialect's errors.ts only reads its server's error (MariaDB errno and message, PostgreSQL SQLSTATE and fields)
 * into a fault and a place: so that one fault gets one code and the same fields, whatever the database.
 */
import { PodMigrateError, type DatabaseFault, type ErrorCode, type ErrorPlace } from '../errors';
import { lockTimeoutHint } from './lock-timeout';
import { redactSecrets, type ConnectionSettings } from './url';

const CODE_OF_FAULT: Record<DatabaseFault, ErrorCode> = {
  'unknown-table': 'SCHEMA_MISMATCH',
  'unknown-column': 'SCHEMA_MISMATCH',
  'unique-violation': 'INTEGRITY',
  'foreign-key-violation': 'INTEGRITY',
  'not-null-violation': 'INTEGRITY',
  'check-violation': 'INTEGRITY',
  'value-too-long': 'VALUE_INVALID',
  'bad-value': 'VALUE_INVALID',
  'lock-timeout': 'DATABASE',
  deadlock: 'DATABASE',
  'connection-lost': 'DATABASE',
  'access-denied': 'DATABASE',
};

export function codeOfFault(fault: DatabaseFault | undefined): ErrorCode {
  return fault === undefined ? 'DATABASE' : CODE_OF_FAULT[fault];
}

/** What the caller of a dialect's error mapping knows: the same on both dialects. */
export interface DatabaseErrorContext {
  /** What was being done, for the message: "inserting rows into video_video". */
  action?: string;
  /** For redaction and for the connection's name in messages. */
  settings?: ConnectionSettings;
  /** Where, as far as the caller knows it; what the server names itself takes precedence. */
  place?: ErrorPlace;
  /** Column names of the table written: a column the server names only indirectly is recognised among them. */
  columns?: readonly string[];
  /** Turns the statement's 1-based row ("at row N") into the place's row (absolute number or primary key). */
  rowOf?: (statementRow: number) => number | string | undefined;
}

/**
 * A PodMigrateError passes through a mapping unchanged, except that the caller's place fills what it lacks (an
 * error raised below the caller, e.g. by a codec, may not know the table).
 */
export function passedThrough(error: PodMigrateError, context: DatabaseErrorContext): PodMigrateError {
  if (!context.place || error.place.table !== undefined) return error;
  return new PodMigrateError(error.code, error.message, {
    cause: error.cause ?? error,
    place: { ...context.place, ...error.place },
    fault: error.fault,
  });
}

/** What a dialect read from its server's error. */
export interface ServerErrorReading {
  fault: DatabaseFault | undefined;
  /** The code when the fault does not decide it (e.g. PostgreSQL's class 23 without a known fault). */
  code?: ErrorCode;
  /** The server's message with the dialect's own details (constraint, detail, hint…). */
  text: string;
  /** What closes the message: " [ER_DUP_ENTRY 1062]", " [SQLSTATE 23505]". */
  suffix: string;
  /** What the server named: overrides the caller's place field by field. */
  place: ErrorPlace;
}

/** The PodMigrateError for a server's error: "action: text; lock hint [server's error number]", redacted, the original error as cause. */
export function databaseError(error: unknown, reading: ServerErrorReading, context: DatabaseErrorContext): PodMigrateError {
  const place: ErrorPlace = { ...context.place };
  for (const [key, value] of Object.entries(reading.place) as Array<[keyof ErrorPlace, ErrorPlace[keyof ErrorPlace]]>) {
    if (value !== undefined) (place as Record<string, unknown>)[key] = value;
  }
  const prefix = context.action ? `${context.action}: ` : '';
  const waited = reading.fault === 'lock-timeout' ? lockTimeoutHint(context.settings, place.table) : '';
  const message = redactSecrets(`${prefix}${reading.text}${waited}${reading.suffix}`, context.settings);
  return new PodMigrateError(reading.code ?? codeOfFault(reading.fault), message, { cause: error, place, fault: reading.fault });
}
