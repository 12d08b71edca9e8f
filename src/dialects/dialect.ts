/**
 * The one narrow interface behind which each database lives (kysely's model). The engine never asks which
 * database it talks to: what differs is answered here, by the dialect modules, or by the plan's templates.
 */
import type { CanonicalValue, LogicalType } from '../convert/logical-types';
import type { ConnectionSettings } from './url';

export type DialectName = 'mysql' | 'postgres';

export interface ColumnInfo {
  name: string;
  /** Classification used for every conversion, from the live schema's declared type. */
  type: LogicalType;
  /** The declared type as the database states it (`tinyint(1)`, `timestamp with time zone`…), for messages and casts. */
  nativeType: string;
  nullable: boolean;
  /** A database-side default exists (including identity / serial / AUTO_INCREMENT). */
  hasDefault: boolean;
  /** identity, serial or AUTO_INCREMENT: its sequence must be moved past max() after an import. */
  autoIncrement: boolean;
  /** Character length limit, where there is one. */
  maxLength: number | null;
  /** 1-based position in the table. */
  position: number;
  /** Collation of a text column (`utf8mb4_general_ci`…), null when not text or the database default applies. */
  collation: string | null;
}

/**
 * How a table read orders its rows: by these columns (a read without one: the primary key), in the server's
 * collation; or, `{ bytes: columns }`, with each text column ordered by its UTF-8 bytes (code point order) whatever
 * its collation, so that two databases, of one dialect or not, give a text key's rows in the same order (verify).
 */
export type RowOrder = readonly string[] | { readonly bytes: readonly string[] };

export interface TableInfo {
  name: string;
  /** In table order. */
  columns: ColumnInfo[];
  /** Primary-key column names, in key order (empty when the table has none). */
  primaryKey: string[];
  /** UNIQUE constraints / indexes on plain columns (the primary key apart), for the import's preflight. */
  uniqueKeys?: Array<{ name: string; columns: string[] }>;
}

export interface ForeignKeyInfo {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
}

export interface SchemaInfo {
  /** Keyed by table name. Only base tables of the connected database / `public` schema. */
  tables: Map<string, TableInfo>;
  foreignKeys: ForeignKeyInfo[];
  /** e.g. "10.11.19-MariaDB-0+deb12u1", "PostgreSQL 15.20 …" */
  serverVersion: string;
}

export type Row = Record<string, unknown>;

/** Anything that runs SQL text with bound parameters (placeholders written by `Dialect.placeholder`). */
export interface Queryable {
  query(sqlText: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface ImportTransaction extends Queryable {
  /**
   * Lets rows be written in any table order: MySQL switches foreign_key_checks off for the transaction (the engine's
   * orphan search is then the only check), PostgreSQL defers its (DEFERRABLE) constraints, and its COPY path drops
   * those of the tables it writes and adds them back before COMMIT.
   */
  relaxForeignKeys(): Promise<void>;
  /**
   * Whether the database itself checks every foreign key before COMMIT succeeds: PostgreSQL adds back and validates
   * those it dropped, and checks the others (deferred) at COMMIT. The engine then searches for orphan rows only where
   * the plan's policy changes them (skip, null); an orphan under the default policy (fail) is the server's refusal.
   * MySQL: false (foreign_key_checks stays off, the engine's own search is the only check).
   */
  readonly checksForeignKeysBeforeCommit: boolean;
  /**
   * Deletes every row of the table (MySQL: never TRUNCATE, it commits implicitly; PostgreSQL's COPY import: TRUNCATE
   * from 1,000 rows). Returns rows deleted. `rowsToLoad`, the rows the engine is about to load into it (the dump's
   * count), is a hint: PostgreSQL sets aside the secondary indexes of a table about to receive many, and builds them
   * again before COMMIT (faster than maintaining them row by row).
   */
  deleteAll(table: TableInfo, rowsToLoad?: number): Promise<number>;
  /**
   * Bulk insert (multi-row VALUES, jsonb_to_recordset, COPY…: never one statement per row) of rows given in
   * canonical form, one array per row in `columns` order. Returns the number of rows written; throws a
   * PodMigrateError naming table (and row/column when the database says) on failure.
   */
  insertRows(table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): Promise<number>;
  /**
   * Moves the sequence / AUTO_INCREMENT of each auto-increment column past max(column), inside the transaction,
   * before COMMIT: so that at no instant are the committed rows there with a sequence behind them. PostgreSQL:
   * setval (not transactional: after a rollback the sequence is only ahead, which is harmless). MySQL: nothing
   * to do (InnoDB moves AUTO_INCREMENT past every id inserted; ALTER TABLE would commit the transaction).
   */
  advanceSequences(tables: TableInfo[]): Promise<void>;
}

/** `tryRunLock`'s answer: the lock, held on a session of its own until released, or who holds it. */
export type RunLockAttempt = { acquired: true; release(): Promise<void> } | { acquired: false; holder: string };

/**
 * The reads of one `DatabaseConnection.snapshot`: every stream sees the same read-only, consistent snapshot of the
 * database (rows committed by others after the snapshot began are not seen). Same contracts as the connection's
 * `streamRows` / `streamQuery` (canonical rows / driver rows, bounded memory).
 *
 * One stream at a time: a stream must be read to its end (or stopped) before the next one is opened; opening a
 * second while one is being consumed throws a PodMigrateError. The reader is unusable once the snapshot is over.
 */
export interface SnapshotReader {
  streamRows(table: TableInfo, columns: ColumnInfo[], orderBy?: string[]): AsyncIterable<CanonicalValue[]>;
  /** The same rows as `streamRows`, a batch at a time (one await per batch: an export reads millions). */
  streamRowBatches(table: TableInfo, columns: ColumnInfo[], orderBy?: string[]): AsyncIterable<CanonicalValue[][]>;
  streamQuery(sqlText: string, params?: readonly unknown[]): AsyncIterable<Row>;
  /** The same rows as `streamQuery`, a batch at a time. */
  streamQueryBatches(sqlText: string, params?: readonly unknown[]): AsyncIterable<Row[]>;
}

/**
 * Texts longer than this (bytes of UTF-8) are read as their digest by streamDigestedRowBatches: under it, sending the
 * text costs the servers less than hashing it.
 */
export const DIGEST_ABOVE_BYTES = 256;

export interface DatabaseConnection extends Queryable {
  readonly dialect: Dialect;
  /** The connection settings with the password removed, for messages. */
  readonly displayName: string;
  introspect(): Promise<SchemaInfo>;
  /**
   * Streams a table's rows in canonical form (one array per row in `columns` order), ordered by `orderBy`
   * (RowOrder; default: the primary key), with bounded memory.
   */
  streamRows(table: TableInfo, columns: ColumnInfo[], orderBy?: RowOrder): AsyncIterable<CanonicalValue[]>;
  /**
   * The same rows as `streamRows`, a batch at a time (one await per batch: for verify, which reads millions). Each row
   * is a fresh array, the caller's to keep or change (verify maps them in place).
   */
  streamRowBatches(table: TableInfo, columns: ColumnInfo[], orderBy?: RowOrder): AsyncIterable<CanonicalValue[][]>;
  /**
   * The same rows in the server's own bulk text (PostgreSQL: COPY text lines, without their newline), undecoded, for
   * comparing two databases of this dialect byte for byte (verify); null when this connection cannot read them so.
   * `rawRowDecoder` decodes one such line as streamRowBatches would. Optional: a dialect without them is compared
   * from decoded rows.
   */
  streamRawRowBatches?(table: TableInfo, columns: ColumnInfo[], orderBy?: RowOrder): AsyncIterable<Buffer[]> | null;
  rawRowDecoder?(table: TableInfo, columns: ColumnInfo[]): (line: Buffer) => CanonicalValue[];
  /**
   * The same rows as streamRowBatches (in primary-key order), with each text column named in `digested` read as
   * `'d' + MD5` (32 lowercase hex digits) of its UTF-8 bytes when they are more than DIGEST_ABOVE_BYTES, else as
   * `'r' + the text` (NULL stays NULL), computed by the server: verify compares long texts without moving them, and
   * the first character keeps a short text from ever reading as a long one's digest. Every dialect spells it alike.
   * Optional: a dialect without it is compared from whole values.
   */
  streamDigestedRowBatches?(
    table: TableInfo,
    columns: ColumnInfo[],
    digested: ReadonlySet<string>,
    orderBy?: RowOrder,
  ): AsyncIterable<CanonicalValue[][]>;
  /** Streams the rows of an arbitrary query (driver values, keyed by column name), with bounded memory. */
  streamQuery(sqlText: string, params?: readonly unknown[]): AsyncIterable<Row>;
  /** The same rows as `streamQuery`, a batch at a time (one await per batch: the tag pairs are a row per link). */
  streamQueryBatches(sqlText: string, params?: readonly unknown[]): AsyncIterable<Row[]>;
  /**
   * Runs `work` with a reader of one read-only, consistent snapshot (REPEATABLE READ) held on one connection for
   * the whole call; the snapshot ends when `work` settles (its result or error is passed on). Do not use the
   * connection's own methods for reads that must be consistent with the snapshot; and with a pool of one
   * connection (PGlite) the connection's methods would wait for the snapshot to end.
   */
  snapshot<T>(work: (reader: SnapshotReader) => Promise<T>): Promise<T>;
  /** Runs `work` in one transaction: commit when it resolves, rollback when it throws. */
  transaction<T>(work: (tx: ImportTransaction) => Promise<T>): Promise<T>;
  /**
   * Moves the sequence / AUTO_INCREMENT of each auto-increment column past max(column), so that the
   * application can insert new rows. Run after commit (on MySQL it is DDL). For rows loaded outside an import
   * (the seed); the import advances its sequences inside its transaction (`ImportTransaction.advanceSequences`).
   */
  resetSequences(tables: TableInfo[]): Promise<void>;
  /**
   * Tries, without waiting, to take this database's run lock (PostgreSQL advisory lock, MySQL GET_LOCK named after
   * the database) on a session of its own: the server releases it when that session ends, even on a crash.
   */
  tryRunLock(): Promise<RunLockAttempt>;
  /** The sequence / AUTO_INCREMENT counters whose next value is not past max(column) (verify: Pod's next INSERT would fail). */
  sequencesBehind(tables: TableInfo[]): Promise<SequenceBehind[]>;
  /** Runs a multi-statement SQL script (schema fixtures, createdb data). No parameters. */
  executeScript(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

export interface SequenceBehind {
  table: string;
  column: string;
  /** The value the next INSERT would get, and max(column), as decimal text. */
  next: string;
  max: string;
}

export interface Dialect {
  readonly name: DialectName;
  /** Quotes an identifier (table or column name) for this dialect; rejects names that cannot be quoted safely. */
  quoteIdent(name: string): string;
  /**
   * A table of the migrated schema, as SQL: quoted, and on PostgreSQL qualified with `public` (the schema the
   * introspection reads), whatever the session's search_path.
   */
  tableRef(name: string): string;
  /** The placeholder of the n-th (1-based) bound parameter: `?` or `$n`. */
  placeholder(index: number): string;
  /**
   * The n-th bound parameter holding a value of `column` (canonical form) where SQL must know its type, e.g. in a
   * SELECT list that a CHECK expression is evaluated on: `CAST($n AS date)` on PostgreSQL, `?` on MySQL.
   */
  typedPlaceholder(index: number, column: ColumnInfo): string;
  /**
   * A derived table named `alias` whose rows are the given SQL expressions (bound placeholders, numbers) under the
   * column `names`, for a SELECT over bound values: PostgreSQL `(VALUES (…), (…)) AS alias (names)` (a UNION ALL of
   * 500 one-row SELECTs took it 17–25 ms to plan), MySQL a UNION ALL of SELECTs (no column list on a derived table).
   */
  rowsTable(alias: string, names: string[], rows: string[][]): string;
  /**
   * The CHECK constraints of every table, by table name, each expression as the catalog states it (without
   * `CHECK`), for the import's preflight. Not part of `introspect()`: on PostgreSQL, decompiling a CHECK waits for
   * a lock on its table, so the import reads them inside its transaction, once the tables are its own.
   */
  checkConstraints(db: Queryable): Promise<Map<string, Array<{ name: string; expression: string }>>>;
  connect(settings: ConnectionSettings): Promise<DatabaseConnection>;
  /**
   * How the database compares text in a UNIQUE index on the given column's collation, as a folding function:
   * two strings collide iff their folds are equal (PostgreSQL: identity; MariaDB `utf8mb4_general_ci`:
   * case and accents folded). Used by the tag builder so that tag names never collide on the target. An index that
   * compares exactly returns the tag module's `exactFold` itself (the builder then keeps no map of folded names).
   */
  uniqueFold(collation: string | null): (text: string) => string;
}
