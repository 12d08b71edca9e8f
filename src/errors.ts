/**
 * One error class for everything pod-migrate refuses or fails to do (umzug's model): a stable `code`,
 * the place it concerns (table, row, column) where that is known, and the underlying `cause`.
 */
export interface ErrorPlace {
  table?: string;
  /** Row number (1-based, in dump or stream order) or the row's primary key. */
  row?: number | string;
  column?: string;
  /** The constraint the server named (unique, foreign key, CHECK), as its catalog names it. */
  constraint?: string;
}

/**
 * What went wrong in the database, the same word on every dialect (each maps its own error numbers to these, see
 * src/dialects/database-fault.ts): finer than the code, for the engine and the tests; the code stays what users see.
 */
export type DatabaseFault =
  | 'unknown-table'
  | 'unknown-column'
  | 'unique-violation'
  | 'foreign-key-violation'
  | 'not-null-violation'
  | 'check-violation'
  | 'value-too-long'
  | 'bad-value'
  | 'lock-timeout'
  | 'deadlock'
  | 'connection-lost'
  | 'access-denied';

export type ErrorCode =
  | 'USAGE' // bad command line, missing connection string…
  | 'PLAN_INVALID' // the plan does not validate (see PlanValidationError)
  | 'DUMP_INVALID' // the dump file is not readable or not in Pod's format
  | 'SCHEMA_MISMATCH' // a dump table/column unknown to the plan or the live schema, missing NOT NULL default…
  | 'VALUE_INVALID' // a value that cannot be converted to its target column type
  | 'INTEGRITY' // orphan rows, constraint violations
  | 'VERSION_GATE' // the database is not the Pod version the plan expects
  | 'VERIFY_FAILED' // verify found differences
  | 'COMMAND_FAILED' // a plan command step exited non-zero
  | 'TARGET_IN_USE' // the target holds rows a run would overwrite (v4 in use): refused unless --overwrite
  | 'TARGET_BUSY' // another run holds the target's run lock
  | 'DATABASE'; // anything the database itself reported

export class PodMigrateError extends Error {
  readonly code: ErrorCode;
  readonly place: ErrorPlace;
  /** Set when the database reported the error and it is one of the faults every dialect names alike. */
  readonly fault?: DatabaseFault;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; place?: ErrorPlace; fault?: DatabaseFault } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PodMigrateError';
    this.code = code;
    this.place = options.place ?? {};
    if (options.fault !== undefined) this.fault = options.fault;
  }

  /** "table video_video, row 12, column title: message" */
  describe(): string {
    const where = [
      this.place.table !== undefined ? `table ${this.place.table}` : undefined,
      this.place.row !== undefined ? `row ${this.place.row}` : undefined,
      this.place.column !== undefined ? `column ${this.place.column}` : undefined,
    ].filter(Boolean);
    return where.length > 0 ? `${where.join(', ')}: ${this.message}` : this.message;
  }
}

/** Exit codes of the CLI: 0 success, 1 the migration (or verification) failed, 2 bad usage, invalid plan, or a used target. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof PodMigrateError && (error.code === 'USAGE' || error.code === 'PLAN_INVALID' || error.code === 'TARGET_IN_USE'))
    return 2;
  return 1;
}
