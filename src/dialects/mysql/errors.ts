/**
 * MySQL / MariaDB errors → PodMigrateError: the fault and its code (database-fault.ts, the same as PostgreSQL's for
 * the same fault), the table, column, constraint and row when the server's message names them, the original error
 * as `cause`, and never a password. The same shape as postgres/errors.ts: mapMysqlError ↔ mapPostgresError.
 */
import { PodMigrateError, type DatabaseFault, type ErrorCode, type ErrorPlace } from '../../errors';
import { codeOfFault, databaseError, passedThrough, type DatabaseErrorContext, type ServerErrorReading } from '../database-fault';

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

/** Error numbers both servers give the same meaning (below 1900: MySQL's and MariaDB's tables agree there). */
const SHARED_FAULTS: ReadonlyMap<number, DatabaseFault> = new Map<number, DatabaseFault>([
  [1051, 'unknown-table'], // ER_BAD_TABLE_ERROR
  [1109, 'unknown-table'], // ER_UNKNOWN_TABLE
  [1146, 'unknown-table'], // ER_NO_SUCH_TABLE
  [1054, 'unknown-column'], // ER_BAD_FIELD_ERROR
  [1022, 'unique-violation'], // ER_DUP_KEY
  [1062, 'unique-violation'], // ER_DUP_ENTRY
  [1169, 'unique-violation'], // ER_DUP_UNIQUE
  [1557, 'unique-violation'], // ER_FOREIGN_DUPLICATE_KEY (a cascade would duplicate a key)
  [1586, 'unique-violation'], // ER_DUP_ENTRY_WITH_KEY_NAME
  [1761, 'unique-violation'], // ER_FOREIGN_DUPLICATE_KEY_WITH_CHILD_INFO
  [1762, 'unique-violation'], // ER_FOREIGN_DUPLICATE_KEY_WITHOUT_CHILD_INFO
  [1216, 'foreign-key-violation'], // ER_NO_REFERENCED_ROW
  [1217, 'foreign-key-violation'], // ER_ROW_IS_REFERENCED
  [1451, 'foreign-key-violation'], // ER_ROW_IS_REFERENCED_2
  [1452, 'foreign-key-violation'], // ER_NO_REFERENCED_ROW_2
  [1048, 'not-null-violation'], // ER_BAD_NULL_ERROR
  // A NOT NULL column without default left out (strict mode): PostgreSQL reports the same as a NOT NULL violation.
  [1364, 'not-null-violation'], // ER_NO_DEFAULT_FOR_FIELD
  [1406, 'value-too-long'], // ER_DATA_TOO_LONG
  [1264, 'bad-value'], // ER_WARN_DATA_OUT_OF_RANGE
  [1265, 'bad-value'], // WARN_DATA_TRUNCATED
  [1292, 'bad-value'], // ER_TRUNCATED_WRONG_VALUE (incorrect datetime value…)
  [1366, 'bad-value'], // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (incorrect integer / string value…)
  [1367, 'bad-value'], // ER_ILLEGAL_VALUE_FOR_TYPE
  [1411, 'bad-value'], // ER_WRONG_VALUE_FOR_TYPE
  [1690, 'bad-value'], // ER_DATA_OUT_OF_RANGE
  // innodb_lock_wait_timeout or lock_wait_timeout (metadata lock) ran out: another session holds the lock.
  [1205, 'lock-timeout'], // ER_LOCK_WAIT_TIMEOUT
  [1213, 'deadlock'], // ER_LOCK_DEADLOCK
  [1053, 'connection-lost'], // ER_SERVER_SHUTDOWN
  [2006, 'connection-lost'], // CR_SERVER_GONE_ERROR (client)
  [2013, 'connection-lost'], // CR_SERVER_LOST (client)
  [1044, 'access-denied'], // ER_DBACCESS_DENIED_ERROR
  [1045, 'access-denied'], // ER_ACCESS_DENIED_ERROR
  [1142, 'access-denied'], // ER_TABLEACCESS_DENIED_ERROR
  [1143, 'access-denied'], // ER_COLUMNACCESS_DENIED_ERROR
  [1227, 'access-denied'], // ER_SPECIFIC_ACCESS_DENIED_ERROR
  [1698, 'access-denied'], // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
]);

/**
 * From 1900 up, MariaDB and MySQL number their errors independently (MariaDB's `perror`, or its
 * sql/share/errmsg-utf8.txt, is the table): 4025 is MariaDB's CHECK failure but MySQL's
 * ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE, and mysql2 names every number after MySQL. Only the numbers a migration
 * can meet are listed; any other MariaDB number is shown without a name rather than with MySQL's.
 */
const MARIADB_ERRORS: ReadonlyMap<number, { name: string; fault?: DatabaseFault }> = new Map<
  number,
  { name: string; fault?: DatabaseFault }
>([
  [1918, { name: 'ER_BAD_DATA', fault: 'bad-value' }],
  [1927, { name: 'ER_CONNECTION_KILLED', fault: 'connection-lost' }],
  [1969, { name: 'ER_STATEMENT_TIMEOUT' }],
  [4025, { name: 'ER_CONSTRAINT_FAILED', fault: 'check-violation' }],
  [4038, { name: 'ER_JSON_SYNTAX', fault: 'bad-value' }],
  [4078, { name: 'ER_ILLEGAL_PARAMETER_DATA_TYPES2_FOR_OPERATION' }],
  [4084, { name: 'ER_SEQUENCE_RUN_OUT' }],
  [4145, { name: 'ER_BACKUP_LOCK_IS_ACTIVE' }],
  [4150, { name: 'ER_USER_IS_BLOCKED', fault: 'access-denied' }],
  [4151, { name: 'ER_ACCOUNT_HAS_BEEN_LOCKED', fault: 'access-denied' }],
  [4166, { name: 'ER_LOAD_INFILE_CAPABILITY_DISABLED' }],
]);

/** MySQL's own numbers from 1900 up that mean one of the faults (mysql2 names these right). */
const MYSQL_FAULTS: ReadonlyMap<number, DatabaseFault> = new Map<number, DatabaseFault>([
  [3819, 'check-violation'], // ER_CHECK_CONSTRAINT_VIOLATED
  [3140, 'bad-value'], // ER_INVALID_JSON_TEXT
  [3118, 'access-denied'], // ER_ACCOUNT_HAS_BEEN_LOCKED
]);

/** mysql2's codes for a connection that broke under it (no errno). */
const LOST_CONNECTION_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE']);

/** Which server's table names the numbers from 1900 up: unknown until a session has asked (both tables apply then). */
export type MysqlServerKind = 'mariadb' | 'mysql';

/** The server kind from `SELECT VERSION()`: "10.11.19-MariaDB-0+deb12u1", "8.0.36". */
export function serverKindOf(version: string): MysqlServerKind {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/** The fault of an error number (and mysql2 code, for a broken connection), on the given server. */
export function mysqlFault(errno: number | undefined, server?: MysqlServerKind, driverCode?: string): DatabaseFault | undefined {
  if (errno === undefined) return driverCode !== undefined && LOST_CONNECTION_CODES.has(driverCode) ? 'connection-lost' : undefined;
  const shared = SHARED_FAULTS.get(errno);
  if (shared !== undefined || errno < 1900) return shared;
  const mariadb = server === 'mysql' ? undefined : MARIADB_ERRORS.get(errno)?.fault;
  return mariadb ?? (server === 'mariadb' ? undefined : MYSQL_FAULTS.get(errno));
}

/** The code of an error number (a warning's too): the code of its fault, else DATABASE. */
export function errorCodeFor(errno: number | undefined, server?: MysqlServerKind): ErrorCode {
  return codeOfFault(mysqlFault(errno, server));
}

/** The error's name for messages: MariaDB's own from 1900 up (mysql2 only knows MySQL's table), none when unknown. */
export function mysqlErrorName(
  errno: number | undefined,
  server: MysqlServerKind | undefined,
  driverCode: string | undefined,
): string | undefined {
  // Below 1900 the tables agree; 2000–2999 are the client's own numbers.
  if (errno === undefined || errno < 1900 || (errno >= 2000 && errno < 3000) || server === 'mysql') return driverCode;
  return MARIADB_ERRORS.get(errno)?.name;
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
    // LOAD DATA LOCAL's warning: "Column set to default value; NULL supplied to NOT NULL column 'name' at row 1"
    /NULL supplied to NOT NULL column '((?:[^']|'')*)'/,
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
  const m =
    /^CONSTRAINT `((?:[^`]|``)*)` failed/.exec(message) ??
    /^Check constraint '((?:[^']|'')*)' is violated/.exec(message) ??
    // "… a foreign key constraint fails (`db`.`child`, CONSTRAINT `fk` FOREIGN KEY (`parent_id`) …"
    /, CONSTRAINT `((?:[^`]|``)*)` FOREIGN KEY/.exec(message) ??
    // "Duplicate entry 'a' for key 'slug'" (MySQL 8: 'table.slug')
    /^Duplicate entry .* for key '((?:[^']|'')*)'$/s.exec(message);
  return m ? m[1].replace(/``/g, '`').replace(/''/g, "'") : undefined;
}

/** The table a message names: "Table 'db.t' doesn't exist", "(`db`.`child`, CONSTRAINT …", "failed for `db`.`t`". */
export function tableFromMessage(message: string): string | undefined {
  const m =
    /^Table '[^.']*\.((?:[^']|'')*)' doesn't exist/.exec(message) ??
    /fails \(`(?:[^`]|``)*`\.`((?:[^`]|``)*)`, CONSTRAINT/.exec(message) ??
    /^CONSTRAINT `(?:[^`]|``)*` failed for `(?:[^`]|``)*`\.`((?:[^`]|``)*)`/.exec(message);
  return m ? m[1].replace(/``/g, '`').replace(/''/g, "'") : undefined;
}

export interface MysqlErrorContext extends DatabaseErrorContext {
  /** Which server's table names the error numbers from 1900 up (the connection knows it once a session asked). */
  server?: MysqlServerKind;
}

/** Reads a mysql2 error: its fault, and the table, column, constraint and row its message names. */
function readMysqlError(driver: MysqlDriverError, message: string, context: MysqlErrorContext): ServerErrorReading {
  const fault = mysqlFault(driver.errno, context.server, driver.code);
  const table = tableFromMessage(message) ?? context.place?.table;
  let constraint = constraintFromMessage(message);
  // MySQL 8 names a key after its table ('t.slug'); MariaDB names a column-level CHECK `t.column`, the catalog `column`.
  if (constraint !== undefined && table !== undefined && constraint.startsWith(`${table}.`))
    constraint = constraint.slice(table.length + 1);
  let column = columnFromMessage(message);
  if (column === undefined && fault === 'check-violation' && constraint !== undefined && context.columns?.includes(constraint))
    column = constraint;
  const place: ErrorPlace = { table, column, constraint };
  const statementRow = rowFromMessage(message);
  if (statementRow !== undefined) place.row = context.rowOf ? context.rowOf(statementRow) : statementRow;
  const name = mysqlErrorName(driver.errno, context.server, driver.code);
  const number = [name, driver.errno].filter((part) => part !== undefined).join(' ');
  const named =
    context.settings !== undefined &&
    ((context.action ?? '').includes(context.settings.displayName) || message.includes(context.settings.displayName));
  const where = context.settings && !named ? ` (${context.settings.displayName})` : '';
  return { fault, text: message, suffix: `${number ? ` [${number}]` : ''}${where}`, place };
}

/** Wraps any error thrown by mysql2 into a PodMigrateError (a PodMigrateError passes through, see passedThrough). */
export function mapMysqlError(error: unknown, context: MysqlErrorContext = {}): PodMigrateError {
  if (error instanceof PodMigrateError) return passedThrough(error, context);
  const driver = (error ?? {}) as MysqlDriverError;
  const message = driver.sqlMessage ?? driver.message ?? String(error);
  // mysql2 keeps the whole statement on its error: a multi-row INSERT can be megabytes of data.
  const withSql = error as { sql?: unknown };
  if (typeof withSql?.sql === 'string' && withSql.sql.length > 1000) {
    try {
      withSql.sql = `${withSql.sql.slice(0, 1000)}… (${withSql.sql.length} characters)`;
    } catch {
      // a frozen error: left as it is
    }
  }
  return databaseError(error, readMysqlError(driver, message, context), context);
}
