/**
 * MySQL / MariaDB errors → PodMigrateError: a stable code, the table, the column and the row when the server's
 * message names them, the original error as `cause`, and never a password.
 */
import { PodMigrateError, type ErrorCode, type ErrorPlace } from '../../errors';
import { lockTimeoutHint } from '../lock-timeout';
import { redactSecrets, type ConnectionSettings } from '../url';

/** What mysql2 puts on its errors (QueryError), all optional: network errors carry only `code`. */
export interface MysqlDriverError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

export function isMysqlError(error: unknown): error is MysqlDriverError {
  return error instanceof Error && ('errno' in error || 'sqlState' in error || 'code' in error);
}

/** Constraint violations: the data contradicts a key, a NOT NULL or a CHECK. */
const INTEGRITY = new Set([
  1022, // ER_DUP_KEY
  1048, // ER_BAD_NULL_ERROR
  1062, // ER_DUP_ENTRY
  1169, // ER_DUP_UNIQUE
  1216, // ER_NO_REFERENCED_ROW
  1217, // ER_ROW_IS_REFERENCED
  1451, // ER_ROW_IS_REFERENCED_2
  1452, // ER_NO_REFERENCED_ROW_2
  1557, // ER_FOREIGN_DUPLICATE_KEY
  1586, // ER_DUP_ENTRY_WITH_KEY_NAME
  1761, // ER_FOREIGN_DUPLICATE_KEY_WITH_CHILD_INFO
  1762, // ER_FOREIGN_DUPLICATE_KEY_WITHOUT_CHILD_INFO
  3819, // MySQL 8: ER_CHECK_CONSTRAINT_VIOLATED
  4025, // MariaDB: ER_CONSTRAINT_FAILED (CHECK)
]);

/** innodb_lock_wait_timeout or lock_wait_timeout (metadata lock) ran out: another session holds the lock. */
const ER_LOCK_WAIT_TIMEOUT = 1205;

/** A value the column cannot hold as given. */
const VALUE_INVALID = new Set([
  1264, // ER_WARN_DATA_OUT_OF_RANGE
  1265, // WARN_DATA_TRUNCATED
  1292, // ER_TRUNCATED_WRONG_VALUE (incorrect datetime value…)
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (incorrect integer / string value…)
  1367, // ER_ILLEGAL_VALUE_FOR_TYPE
  1406, // ER_DATA_TOO_LONG
  1411, // ER_WRONG_VALUE_FOR_TYPE
  1690, // ER_DATA_OUT_OF_RANGE
  3140, // MySQL 8: ER_INVALID_JSON_TEXT
  4038, // MariaDB: ER_JSON_SYNTAX…
]);

/** The statement does not fit the live schema. */
const SCHEMA_MISMATCH = new Set([
  1054, // ER_BAD_FIELD_ERROR (unknown column)
  1146, // ER_NO_SUCH_TABLE
  1364, // ER_NO_DEFAULT_FOR_FIELD (a NOT NULL column without default left out)
]);

export function errorCodeFor(errno: number | undefined): ErrorCode {
  if (errno === undefined) return 'DATABASE';
  if (INTEGRITY.has(errno)) return 'INTEGRITY';
  if (VALUE_INVALID.has(errno)) return 'VALUE_INVALID';
  if (SCHEMA_MISMATCH.has(errno)) return 'SCHEMA_MISMATCH';
  return 'DATABASE';
}

/** The column named by a server message, in any of MariaDB's and MySQL's spellings. */
export function columnFromMessage(message: string): string | undefined {
  const patterns = [
    // "Data too long for column 'title' at row 3", "Incorrect integer value: 'x' for column `db`.`t`.`c` at row 1"
    /for column (?:`(?:[^`]|``)*`\.)*`((?:[^`]|``)*)`/,
    /for column '((?:[^']|'')*)'/,
    // "Column 'owner_id' cannot be null"
    /^Column '((?:[^']|'')*)' cannot be null/,
    // "Field 'x' doesn't have a default value"
    /^Field '((?:[^']|'')*)' doesn't have a default value/,
    // "… FOREIGN KEY (`video_id`) REFERENCES `video_video` (`id`)"
    /FOREIGN KEY \(`((?:[^`]|``)*)`\)/,
    // "Unknown column 'x' in 'field list'"
    /^Unknown column '((?:[^']|'')*)'/,
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(message);
    if (m) return m[1].replace(/``/g, '`').replace(/''/g, "'");
  }
  return undefined;
}

/** "… at row 12": 1-based, within the statement. */
export function rowFromMessage(message: string): number | undefined {
  const m = / at row (\d+)\b/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** MariaDB: "CONSTRAINT `t.choices` failed for `db`.`t`"; MySQL 8: "Check constraint 'x' is violated." */
export function constraintFromMessage(message: string): string | undefined {
  const m = /^CONSTRAINT `((?:[^`]|``)*)` failed/.exec(message) ?? /^Check constraint '((?:[^']|'')*)' is violated/.exec(message);
  return m ? m[1] : undefined;
}

export interface MapContext {
  settings?: ConnectionSettings;
  table?: string;
  /** Column names of the table, to recognise a column-level CHECK (MariaDB names it after its column). */
  columns?: readonly string[];
  /** Turns the statement's 1-based "at row N" into the place's row (absolute number or primary key). */
  rowOf?: (statementRow: number) => number | string | undefined;
  /** What was being done, for the message: "inserting into video_video". */
  action?: string;
}

/** Wraps any error thrown by mysql2 into a PodMigrateError (a PodMigrateError passes through unchanged). */
export function mapMysqlError(error: unknown, context: MapContext = {}): PodMigrateError {
  if (error instanceof PodMigrateError) return error;
  const driver = (error ?? {}) as MysqlDriverError;
  const raw = driver.sqlMessage ?? driver.message ?? String(error);
  const message = redactSecrets(raw, context.settings);
  const code = errorCodeFor(driver.errno);
  const place: ErrorPlace = {};
  if (context.table !== undefined) place.table = context.table;
  let column = columnFromMessage(message);
  if (column === undefined && (driver.errno === 4025 || driver.errno === 3819)) {
    // MariaDB names a column-level CHECK `table.column` in its message (`column` in information_schema).
    const constraint = constraintFromMessage(message);
    const bare = constraint !== undefined && context.table !== undefined && constraint.startsWith(`${context.table}.`)
      ? constraint.slice(context.table.length + 1)
      : constraint;
    if (bare !== undefined && context.columns?.includes(bare)) column = bare;
  }
  if (column !== undefined) place.column = column;
  const statementRow = rowFromMessage(message);
  if (statementRow !== undefined) {
    const row = context.rowOf ? context.rowOf(statementRow) : statementRow;
    if (row !== undefined) place.row = row;
  }
  const tag = driver.code && driver.errno !== undefined ? ` [${driver.code} ${driver.errno}]` : driver.code ? ` [${driver.code}]` : '';
  const prefix = context.action ? `${context.action}: ` : '';
  const named = context.settings !== undefined && (prefix.includes(context.settings.displayName) || message.includes(context.settings.displayName));
  const where = context.settings && !named ? ` (${context.settings.displayName})` : '';
  // mysql2 keeps the whole statement on its error: a multi-row INSERT can be megabytes of data.
  const withSql = error as { sql?: unknown };
  if (typeof withSql?.sql === 'string' && withSql.sql.length > 1000) {
    try {
      withSql.sql = `${withSql.sql.slice(0, 1000)}… (${withSql.sql.length} characters)`;
    } catch {
      // a frozen error: left as it is
    }
  }
  const waited = driver.errno === ER_LOCK_WAIT_TIMEOUT ? lockTimeoutHint(context.settings, context.table) : '';
  return new PodMigrateError(code, `${prefix}${message}${waited}${tag}${where}`, { cause: error, place });
}
