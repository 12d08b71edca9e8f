/**
 * PostgreSQL (and slonik) errors → PodMigrateError. slonik wraps integrity violations (23502/23503/23505/23514…) in
 * its own classes with the server's error as `cause`; everything else arrives as node-postgres' DatabaseError. The
 * SQLSTATE gives the fault and its code (database-fault.ts, the same as MariaDB's for the same fault); the server's
 * fields (table, column, constraint, detail) end up in `place` and in the message; the original error is kept as
 * `cause`. Messages go through redactSecrets: no password ever reaches them. The same shape as mysql/errors.ts.
 */
import { BackendTerminatedError, BackendTerminatedUnexpectedlyError, InvalidInputError } from 'slonik';
import { PodMigrateError, type DatabaseFault, type ErrorPlace } from '../../errors';
import { databaseError, passedThrough, type DatabaseErrorContext, type ServerErrorReading } from '../database-fault';

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

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** SQLSTATEs that are one of the faults every dialect names alike (database-fault.ts). */
const FAULT_OF_SQLSTATE: ReadonlyMap<string, DatabaseFault> = new Map<string, DatabaseFault>([
  ['42P01', 'unknown-table'], // undefined_table
  ['42703', 'unknown-column'], // undefined_column
  ['23505', 'unique-violation'],
  ['23503', 'foreign-key-violation'],
  ['23001', 'foreign-key-violation'], // restrict_violation (ON DELETE RESTRICT)
  ['23502', 'not-null-violation'],
  ['23514', 'check-violation'],
  ['22001', 'value-too-long'], // string_data_right_truncation
  ['22003', 'bad-value'], // numeric_value_out_of_range
  ['22007', 'bad-value'], // invalid_datetime_format
  ['22008', 'bad-value'], // datetime_field_overflow
  ['22021', 'bad-value'], // character_not_in_repertoire
  ['22P02', 'bad-value'], // invalid_text_representation
  ['22P05', 'bad-value'], // untranslatable_character
  ['22030', 'bad-value'], // duplicate_json_object_key_value
  ['22032', 'bad-value'], // invalid_json_text
  // lock_timeout ran out (or NOWAIT): another session holds the lock.
  ['55P03', 'lock-timeout'], // lock_not_available
  ['40P01', 'deadlock'], // deadlock_detected
  ['57P01', 'connection-lost'], // admin_shutdown (pg_terminate_backend)
  ['57P02', 'connection-lost'], // crash_shutdown
  ['57P03', 'connection-lost'], // cannot_connect_now
  ['08000', 'connection-lost'], // connection_exception
  ['08003', 'connection-lost'], // connection_does_not_exist
  ['08006', 'connection-lost'], // connection_failure
  ['28000', 'access-denied'], // invalid_authorization_specification (no such role, pg_hba refusal)
  ['28P01', 'access-denied'], // invalid_password
  ['42501', 'access-denied'], // insufficient_privilege
]);

/** node-postgres' own words when the server closed the connection without an error (killed backend, network). */
const LOST_CONNECTION = /Connection terminated|connection is closed|ECONNRESET|EPIPE/i;

/** What the server names in its message or detail and not in its fields: the unknown table or column, the key's column. */
function placeFromText(server: PgServerError): ErrorPlace {
  const place: ErrorPlace = {};
  // relation "t" does not exist; column "c" of relation "t" does not exist; column t.c does not exist
  const relation = /^relation "((?:[^"]|"")+)" does not exist/.exec(server.message) ?? /of relation "((?:[^"]|"")+)"/.exec(server.message);
  if (relation) place.table = relation[1].replace(/""/g, '"').replace(/^public\./, '');
  const column = /^column "((?:[^"]|"")+)"/.exec(server.message) ?? /^column (?:[^ ".]+\.)?([^ ".]+) does not exist/.exec(server.message);
  if (column) place.column = column[1].replace(/""/g, '"');
  // A foreign key's one column: "Key (parent_id)=(9) is not present in table "parent"." (MariaDB names it too).
  const key = /^Key \(([^,()]+)\)=\(.*\) is not present in table/s.exec(server.detail ?? '');
  if (key) place.column = key[1].replace(/^"(.*)"$/, '$1');
  // COPY's context names the column of a value it could not take: "COPY t, line 3, column title: "…"".
  const copied = /^COPY [^,]+, line \d+, column ([^:]+):/.exec(server.where ?? '');
  if (copied) place.column = copied[1];
  return place;
}

/** Reads a server error: its fault, the table, column and constraint its fields (or words) name. */
function readServerError(server: PgServerError): ServerErrorReading {
  const fault = FAULT_OF_SQLSTATE.get(server.code);
  let text = server.message;
  if (server.constraint) text += ` (constraint ${server.constraint})`;
  if (server.detail) text += `; ${clip(server.detail)}`;
  if (server.hint) text += `; hint: ${clip(server.hint)}`;
  const place: ErrorPlace = { ...placeFromText(server) };
  if (server.table) place.table = server.table;
  if (server.column) place.column = server.column;
  if (server.constraint) place.constraint = server.constraint;
  // Class 23 without a fault of its own (an exclusion constraint…) is still a constraint violation.
  const code = fault === undefined && server.code.startsWith('23') ? 'INTEGRITY' : undefined;
  return { fault, code, text, suffix: ` [SQLSTATE ${server.code}]`, place };
}

/** Any error thrown by slonik / node-postgres → PodMigrateError (a PodMigrateError passes through, see passedThrough). */
export function mapPostgresError(error: unknown, context: DatabaseErrorContext = {}): PodMigrateError {
  if (error instanceof PodMigrateError) return passedThrough(error, context);
  const server = findServerError(error);
  if (server) return databaseError(error, readServerError(server), context);
  // slonik keeps only the message of a 22P02 (invalid_text_representation): its class says what it was.
  if (error instanceof InvalidInputError) {
    return databaseError(error, readServerError({ code: '22P02', message: error.message }), context);
  }
  const text = error instanceof Error ? error.message : String(error);
  const lost = error instanceof BackendTerminatedError || error instanceof BackendTerminatedUnexpectedlyError || LOST_CONNECTION.test(text);
  return databaseError(error, { fault: lost ? 'connection-lost' : undefined, text, suffix: '', place: {} }, context);
}
