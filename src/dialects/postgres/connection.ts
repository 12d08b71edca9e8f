/**
 * A PostgreSQL database behind a slonik pool (pg driver). Every statement goes through `toSlonikQuery` (SQL text with
 * `$n` placeholders → slonik token); multi-statement scripts go through a short-lived plain node-postgres client,
 * because slonik's driver uses the extended protocol (one statement per query); the import transaction too, for COPY.
 */
import pg from 'pg';
import { createPool, SlonikError, sql, type ClientConfigurationInput, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { createPgDriverFactory } from '@slonik/pg-driver';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { CanonicalValue } from '../../convert/logical-types';
import { PodMigrateError } from '../../errors';
import type {
  ColumnInfo,
  DatabaseConnection,
  Dialect,
  ImportTransaction,
  Row,
  RunLockAttempt,
  SchemaInfo,
  SequenceBehind,
  SnapshotReader,
  TableInfo,
} from '../dialect';
import { DIGEST_ABOVE_BYTES, type RowOrder } from '../dialect';
import { resolveOrder, textColumn } from '../row-order';
import { guarded, SnapshotGuard, streamLeftOpen } from '../snapshot';
import type { ConnectionSettings } from '../url';
import { connectFailure } from '../connect-failure';
import { lockTimeoutSeconds } from '../lock-timeout';
import { insertRows } from './bulk-insert';
import { inSavepoint, inTransaction } from './explicit-transaction';
import { clientTransaction } from './import-transaction';
import { moveSequencesPastMax } from './sequences';
import { makeDecoder, RAW_TEXT_TYPES, SESSION_SETTINGS, ValueProblem } from './codec';
import { findServerError, mapPostgresError } from './errors';
import { introspect } from './introspect';
import { toSlonikQuery } from './query';
import { tryAdvisoryRunLock } from './run-lock';
import { qualifiedTable, quoteIdent } from './quote';
import { CopyFieldError, CopyOutClients, copyReadable, decodeCopyText } from './copy-out';
import { rowsOf } from '../readable-batches';
import { cursorBatches } from './stream';

/** Rows per FETCH when streaming, at most… */
export const FETCH_SIZE = 2000;
/** … and about this many bytes of values (fewer rows when they hold long texts). */
export const FETCH_BYTES = 1024 * 1024;

/** `-c TimeZone=UTC -c DateStyle=ISO,\ YMD … -c lock_timeout=60s` for the startup packet's `options`. */
function startupOptions(connection: ConnectionSettings): string {
  const settings = Object.entries(SESSION_SETTINGS).map(([name, value]) => `-c ${name}=${value.replace(/([\\ ])/g, '\\$1')}`);
  return [connection.options.options, ...settings, `-c lock_timeout=${lockTimeoutSeconds(connection)}s`].filter(Boolean).join(' ');
}

/** A Unix-socket directory: the URL's host when it is a path, or `?socketPath=` / `?host=` holding a path. */
function socketDirectory(settings: ConnectionSettings): string | undefined {
  return [settings.host, settings.options.socketPath, settings.options.host].find((h) => typeof h === 'string' && h.startsWith('/'));
}

/** TLS settings from the URL's query string (sslmode=disable|prefer|require|no-verify|verify-ca|verify-full, ssl=true). */
function tlsOptions(options: Record<string, string>): TlsOptions | undefined {
  const mode = (options.sslmode ?? (options.ssl === 'true' || options.ssl === '1' ? 'verify-full' : 'disable')).toLowerCase();
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return undefined;
    case 'require':
    case 'no-verify':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      throw new PodMigrateError('USAGE', `unsupported sslmode "${mode}" (disable, require, no-verify, verify-ca or verify-full)`);
  }
}

/** The libpq-style URI slonik wants (it carries the password: never printed, never put into a message). */
function connectionUri(settings: ConnectionSettings): string {
  const auth = settings.password
    ? `${encodeURIComponent(settings.user)}:${encodeURIComponent(settings.password)}`
    : encodeURIComponent(settings.user);
  const socket = socketDirectory(settings);
  const query = new URLSearchParams();
  query.set('application_name', settings.options.application_name ?? 'pod-migrate');
  query.set('options', startupOptions(settings));
  // A socket directory goes percent-encoded into the host part (slonik's parser decodes the host).
  const host = socket
    ? encodeURIComponent(socket)
    : settings.host.includes(':') && !settings.host.startsWith('[')
      ? `[${settings.host}]`
      : settings.host;
  return `postgresql://${auth}@${host}:${settings.port}/${encodeURIComponent(settings.database)}?${query.toString()}`;
}

function pgClientConfig(settings: ConnectionSettings): pg.ClientConfig {
  const socket = socketDirectory(settings);
  return {
    host: socket ?? settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    ssl: tlsOptions(settings.options) ?? false,
    application_name: settings.options.application_name ?? 'pod-migrate',
    options: startupOptions(settings),
  };
}

function clientConfiguration(settings: ConnectionSettings): ClientConfigurationInput {
  const ssl = tlsOptions(settings.options);
  return {
    driverFactory: createPgDriverFactory(),
    // Values of these types arrive as the server's text; codec.ts decodes them (no Date, no float for int8/numeric).
    typeParsers: RAW_TEXT_TYPES.map((name) => ({ name, parse: (value: string) => value })),
    // A migration runs long statements and holds long transactions; it must never retry a transaction on its own
    // (the work function streams input that cannot be replayed).
    statementTimeout: 'DISABLE_TIMEOUT',
    idleInTransactionSessionTimeout: 'DISABLE_TIMEOUT',
    connectionTimeout: 15_000,
    transactionRetryLimit: 0,
    queryRetryLimit: 0,
    connectionRetryLimit: 1,
    // `?maximumPoolSize=1` for a server where every connection shares one session (the demo's embedded PGlite).
    maximumPoolSize: settings.options.maximumPoolSize ? Math.max(1, Math.trunc(Number(settings.options.maximumPoolSize)) || 1) : 10,
    captureStackTrace: false,
    // The engine reads the source while a target transaction is open: with PostgreSQL on both sides the two pools
    // share slonik's transaction context, which would otherwise refuse the source's queries.
    dangerouslyAllowForeignConnections: true,
    ...(ssl ? { ssl } : {}),
  };
}

async function runQuery(db: CommonQueryMethods, sqlText: string, params: readonly unknown[] = []) {
  return db.query(toSlonikQuery(sqlText, params));
}

/** The json_to_recordset path on slonik's pooled connection: for a server of one shared session (PGlite), which takes no COPY. */
class PostgresImportTransaction implements ImportTransaction {
  /** Django's foreign keys are deferred to COMMIT, which refuses an orphan row. */
  readonly checksForeignKeysBeforeCommit = true;

  constructor(
    private readonly connection: CommonQueryMethods,
    private readonly settings: ConnectionSettings,
  ) {}

  async query(sqlText: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return [...(await runQuery(this.connection, sqlText, params)).rows] as Row[];
    } catch (error) {
      throw mapPostgresError(error, { action: 'query failed', settings: this.settings });
    }
  }

  async relaxForeignKeys(): Promise<void> {
    // Django declares its foreign keys DEFERRABLE INITIALLY DEFERRED: checked at COMMIT, after the engine's own check.
    await this.query('SET CONSTRAINTS ALL DEFERRED');
  }

  async deleteAll(table: TableInfo): Promise<number> {
    try {
      return (await runQuery(this.connection, `DELETE FROM ${qualifiedTable(table.name)}`)).rowCount;
    } catch (error) {
      throw mapPostgresError(error, { action: `emptying ${table.name}`, settings: this.settings, place: { table: table.name } });
    }
  }

  insertRows(table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): Promise<number> {
    return insertRows((text, params) => runQuery(this.connection, text, params), table, columns, rows);
  }

  advanceSequences(tables: TableInfo[]): Promise<void> {
    // Inside the transaction: its max() sees the rows just written, and setval stays even if COMMIT never comes.
    return moveSequencesPastMax((text, params) => runQuery(this.connection, text, params), tables, this.settings);
  }
}

/** pg_export_snapshot refused (a server that cannot export snapshots): the snapshot is read by cursors instead. */
class SnapshotNotExported extends Error {
  constructor(cause: unknown) {
    super('the snapshot could not be exported', { cause });
  }
}

/** Native types that take a COLLATE clause (a uuid does not). */
const COLLATABLE = /^(?:text|character varying(?:\(\d+\))?|character(?:\(\d+\))?|citext|name)$/;

/** The statement a table read runs: the columns, ordered by `orderBy` (default: the primary key). */
function selectRows(table: TableInfo, columns: ColumnInfo[], orderBy?: RowOrder, digested?: ReadonlySet<string>): string {
  const order = resolveOrder(orderBy, table);
  // In byte order, a collatable text column is sorted in the "C" collation: by its bytes (UTF-8 for Pod's databases);
  // a uuid already is.
  const orderTerm = (name: string) => {
    const text = order.bytes ? textColumn(table, name) : undefined;
    return text && COLLATABLE.test(text.nativeType) ? `${quoteIdent(name)} COLLATE "C"` : quoteIdent(name);
  };
  // A digested column, under its own name (see streamDigestedRowBatches). The bytes are the database's encoding's:
  // UTF-8 for Pod; in another one a non-ASCII text differs from the other side's, and its table is compared again
  // from whole values.
  const selected = (name: string) => {
    const q = quoteIdent(name);
    return digested?.has(name)
      ? `CASE WHEN octet_length(${q}) > ${DIGEST_ABOVE_BYTES} THEN 'd' || md5(${q}) ELSE 'r' || ${q} END AS ${q}`
      : q;
  };
  return (
    `SELECT ${columns.map((c) => selected(c.name)).join(', ')} FROM ${qualifiedTable(table.name)}` +
    (order.columns.length > 0 ? ` ORDER BY ${order.columns.map(orderTerm).join(', ')}` : '')
  );
}

/**
 * A COPY field its decoder refused, as the reads throw it: a refused value (ValueProblem) names the table, the row
 * (its primary key, else `row`) and the column; any other error passes as it is.
 */
function refusedCopyField(table: TableInfo, columns: ColumnInfo[], error: CopyFieldError, row?: number): unknown {
  const problem = error.error;
  if (!(problem instanceof ValueProblem)) return problem;
  const keyAt = table.primaryKey.length === 1 ? columns.findIndex((c) => c.name === table.primaryKey[0]) : -1;
  const key = keyAt >= 0 ? error.fields[keyAt] : undefined;
  return new PodMigrateError('VALUE_INVALID', `${problem.message} (column type ${columns[error.column].nativeType})`, {
    cause: problem,
    place: { table: table.name, row: typeof key === 'string' ? key : row, column: columns[error.column].name },
  });
}

export class PostgresConnection implements DatabaseConnection {
  readonly displayName: string;

  /** COPY TO clients for the table reads outside a snapshot (not with `?maximumPoolSize`: PGlite's socket server). */
  private readonly copyOut: CopyOutClients | null;

  private constructor(
    readonly dialect: Dialect,
    private readonly pool: DatabasePool,
    private readonly settings: ConnectionSettings,
  ) {
    this.displayName = settings.displayName;
    this.copyOut = settings.options.maximumPoolSize ? null : new CopyOutClients(pgClientConfig(settings));
  }

  static async open(dialect: Dialect, settings: ConnectionSettings): Promise<PostgresConnection> {
    let pool: DatabasePool | undefined;
    try {
      pool = await createPool(connectionUri(settings), clientConfiguration(settings));
      // slonik re-emits query errors on the pool; they are handled where the query was made.
      pool.on('error', () => undefined);
      await pool.query(sql.unsafe`SELECT 1`);
    } catch (error) {
      await pool?.end().catch(() => undefined);
      throw (
        connectFailure(error, settings, findServerError(error) !== undefined) ??
        mapPostgresError(error, { action: `cannot connect to ${settings.displayName}`, settings })
      );
    }
    return new PostgresConnection(dialect, pool, settings);
  }

  async query(sqlText: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return [...(await runQuery(this.pool, sqlText, params)).rows] as Row[];
    } catch (error) {
      throw mapPostgresError(error, { action: 'query failed', settings: this.settings });
    }
  }

  async introspect(): Promise<SchemaInfo> {
    try {
      return await introspect(this);
    } catch (error) {
      throw mapPostgresError(error, { action: `reading the schema of ${this.displayName}`, settings: this.settings });
    }
  }

  streamRows(table: TableInfo, columns: ColumnInfo[], orderBy?: RowOrder): AsyncIterable<CanonicalValue[]> {
    return rowsOf(this.readRowBatches(table, columns, orderBy));
  }

  streamRowBatches(table: TableInfo, columns: ColumnInfo[], orderBy?: RowOrder): AsyncIterable<CanonicalValue[][]> {
    return this.readRowBatches(table, columns, orderBy);
  }

  streamDigestedRowBatches(
    table: TableInfo,
    columns: ColumnInfo[],
    digested: ReadonlySet<string>,
    orderBy?: RowOrder,
  ): AsyncIterable<CanonicalValue[][]> {
    return this.readRowBatches(table, columns, orderBy, undefined, undefined, digested);
  }

  /** COPY text lines, when this connection reads by COPY and every column can (see DatabaseConnection). */
  streamRawRowBatches(table: TableInfo, columns: ColumnInfo[], orderBy?: RowOrder): AsyncIterable<Buffer[]> | null {
    if (!this.copyOut || columns.length === 0 || !copyReadable(columns)) return null;
    return this.copyOut.lines(selectRows(table, columns, orderBy), (error) => this.readFailure(table, error));
  }

  /** A table read's failure (the server's error, or the connection's), naming the table. */
  private readFailure(table: TableInfo, error: unknown): PodMigrateError {
    return mapPostgresError(error, { action: `reading ${table.name}`, settings: this.settings, place: { table: table.name } });
  }

  rawRowDecoder(table: TableInfo, columns: ColumnInfo[]): (line: Buffer) => CanonicalValue[] {
    const decoders = columns.map((c) => makeDecoder(c));
    return (line) => {
      try {
        return decodeCopyText(`${line.toString('utf8')}\n`, decoders)[0];
      } catch (error) {
        throw error instanceof CopyFieldError ? refusedCopyField(table, columns, error) : error;
      }
    };
  }

  /**
   * `held`: the snapshot's transaction connection to read on, instead of a transaction of its own; `copies`: the
   * COPY TO clients to read on (the pool's, or a snapshot's: see `snapshot`), none for the cursor path.
   */
  private async *readRowBatches(
    table: TableInfo,
    columns: ColumnInfo[],
    orderBy?: RowOrder,
    held?: CommonQueryMethods,
    copies: CopyOutClients | null = held ? null : this.copyOut,
    digested?: ReadonlySet<string>,
  ): AsyncGenerator<CanonicalValue[][]> {
    if (columns.length === 0) {
      throw new PodMigrateError('SCHEMA_MISMATCH', 'cannot stream rows without any column', { place: { table: table.name } });
    }
    const select = selectRows(table, columns, orderBy, digested);
    const decoders = columns.map((c) => makeDecoder(c));
    const names = columns.map((c) => c.name);
    const keyAt = table.primaryKey.length === 1 ? names.indexOf(table.primaryKey[0]) : -1;
    if (copies && copyReadable(columns)) {
      let index = 0;
      const onError = (error: unknown) => {
        if (!(error instanceof CopyFieldError)) return this.readFailure(table, error);
        return refusedCopyField(table, columns, error, index + error.row + 1);
      };
      for await (const rows of copies.rows(select, decoders, onError)) {
        index += rows.length;
        yield rows;
      }
      return;
    }
    // Result rows are keyed by name: select each column once even if asked twice.
    let index = 0;
    for await (const batch of this.batches(select, [], `reading ${table.name}`, table.name, held)) {
      const rows = new Array<CanonicalValue[]>(batch.length);
      for (let r = 0; r < batch.length; r += 1) {
        const raw = batch[r];
        index += 1;
        const out: CanonicalValue[] = new Array(names.length);
        for (let c = 0; c < names.length; c += 1) {
          try {
            out[c] = decoders[c](raw[names[c]]);
          } catch (error) {
            if (!(error instanceof ValueProblem)) throw error;
            const key = keyAt >= 0 ? raw[names[keyAt]] : undefined;
            throw new PodMigrateError('VALUE_INVALID', `${error.message} (column type ${columns[c].nativeType})`, {
              cause: error,
              place: { table: table.name, row: typeof key === 'number' || typeof key === 'string' ? key : index, column: names[c] },
            });
          }
        }
        rows[r] = out;
      }
      yield rows;
    }
  }

  streamQuery(sqlText: string, params: readonly unknown[] = []): AsyncIterable<Row> {
    return rowsOf(this.readQuery(sqlText, params));
  }

  streamQueryBatches(sqlText: string, params: readonly unknown[] = []): AsyncIterable<Row[]> {
    return this.readQuery(sqlText, params);
  }

  private readQuery(sqlText: string, params: readonly unknown[], held?: CommonQueryMethods): AsyncIterable<Row[]> {
    return this.batches(sqlText, params, 'streaming a query', undefined, held) as AsyncIterable<Row[]>;
  }

  /**
   * Without `held`: a transaction of its own on a pooled connection (its rollback closes the cursor). With `held`
   * (a snapshot's transaction): a savepoint in it, the cursor CLOSEd when read to its end; a stop or an error
   * rolls back to the savepoint, which closes the cursor and leaves the snapshot's transaction usable.
   */
  private batches(sqlText: string, params: readonly unknown[], action: string, table?: string, held?: CommonQueryMethods) {
    const body = sqlText.trim().replace(/;\s*$/, '');
    return cursorBatches(
      held ? (handler) => inSavepoint(held, handler) : (handler) => inTransaction(this.pool, handler),
      (cursor) => toSlonikQuery(`DECLARE ${quoteIdent(cursor)} NO SCROLL CURSOR FOR ${body}`, params),
      (cursor, count) => toSlonikQuery(`FETCH FORWARD ${count} FROM ${quoteIdent(cursor)}`),
      {
        fetchSize: FETCH_SIZE,
        fetchBytes: FETCH_BYTES,
        mapError: (error) => mapPostgresError(error, { action, settings: this.settings, place: table ? { table } : undefined }),
        close: held ? (cursor) => toSlonikQuery(`CLOSE ${quoteIdent(cursor)}`) : undefined,
      },
    );
  }

  /**
   * One transaction (explicit-transaction.ts) whose first statement makes it REPEATABLE READ, READ ONLY: its
   * snapshot is taken at its first query (pg_export_snapshot, see `snapshotCopies`) and kept to its end. Tables are
   * read by COPY on clients that import that snapshot; queries (and tables, without COPY clients) by cursors inside the transaction
   * (see `batches`). One stream at a time; the transaction commits when `work` resolves, rolls back when it throws.
   * It holds one pooled connection for the whole call: with a pool of one (PGlite), read only through the reader
   * meanwhile.
   */
  async snapshot<T>(work: (reader: SnapshotReader) => Promise<T>): Promise<T> {
    try {
      return await this.snapshotRead(work, this.copyOut !== null);
    } catch (error) {
      // The server would not export the snapshot (its first statement, before any of `work`): read by cursors.
      if (error instanceof SnapshotNotExported) return await this.snapshotRead(work, false);
      throw error;
    }
  }

  private async snapshotRead<T>(work: (reader: SnapshotReader) => Promise<T>, byCopy: boolean): Promise<T> {
    let copies: CopyOutClients | null = null;
    try {
      return await inTransaction(this.pool, async (connection) => {
        await connection.query(sql.unsafe`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
        if (byCopy) copies = await this.snapshotCopies(connection);
        const guard = new SnapshotGuard();
        const reader: SnapshotReader = {
          streamRows: (table, columns, orderBy) =>
            guarded(guard, () => rowsOf(this.readRowBatches(table, columns, orderBy, connection, copies))),
          streamRowBatches: (table, columns, orderBy) =>
            guarded(guard, () => this.readRowBatches(table, columns, orderBy, connection, copies)),
          streamQuery: (sqlText, params = []) => guarded(guard, () => rowsOf(this.readQuery(sqlText, params, connection))),
          streamQueryBatches: (sqlText, params = []) => guarded(guard, () => this.readQuery(sqlText, params, connection)),
        };
        // Before COMMIT / ROLLBACK, `guard.close` stops a stream left open (its savepoint rolled back): one query
        // at a time on the connection.
        let result: T;
        try {
          result = await work(reader);
        } catch (error) {
          await guard.close();
          throw error;
        }
        if ((await guard.close()).leftOpen) throw streamLeftOpen();
        return result;
      });
    } catch (error) {
      // Errors of the work itself pass unchanged; the database's own get mapped here.
      if (error instanceof SnapshotNotExported) throw error;
      if (error instanceof SlonikError || findServerError(error)) {
        throw mapPostgresError(error, { action: 'reading a consistent snapshot', settings: this.settings });
      }
      throw error;
    } finally {
      await (copies as CopyOutClients | null)?.close();
    }
  }

  /**
   * COPY TO clients that read in the snapshot's transaction's snapshot (exported by it, imported by each client's own
   * REPEATABLE READ transaction, as pg_dump's parallel jobs do), so that the export's tables are read by COPY instead
   * of cursors fetching 2,000 parsed rows at a time. The export is the transaction's first statement, which takes
   * its snapshot; a server that refuses it fails the transaction (not in a savepoint: a subtransaction cannot
   * export), and `snapshot` starts again by cursors.
   */
  private async snapshotCopies(connection: CommonQueryMethods): Promise<CopyOutClients> {
    let id: string;
    try {
      id = String(await connection.oneFirst(sql.unsafe`SELECT pg_export_snapshot()`));
    } catch (error) {
      throw new SnapshotNotExported(error);
    }
    if (!/^[0-9A-Fa-f-]+$/.test(id)) throw new SnapshotNotExported(new Error(`unexpected snapshot id ${JSON.stringify(id)}`));
    return new CopyOutClients(pgClientConfig(this.settings), async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      await client.query(`SET TRANSACTION SNAPSHOT '${id}'`);
    });
  }

  /**
   * On a node-postgres client of its own, for COPY (import-transaction.ts); with `?maximumPoolSize=1` (a server whose
   * connections share one session, the demo's PGlite, whose socket server takes no COPY FROM STDIN) on the pool.
   */
  async transaction<T>(work: (tx: ImportTransaction) => Promise<T>): Promise<T> {
    if (!this.settings.options.maximumPoolSize) return clientTransaction(pgClientConfig(this.settings), this.settings, work);
    try {
      return await inTransaction(this.pool, (connection) => work(new PostgresImportTransaction(connection, this.settings)));
    } catch (error) {
      // Errors of the work itself pass unchanged; the database's own (COMMIT: deferred foreign keys) get mapped here.
      if (error instanceof SlonikError || findServerError(error)) {
        throw mapPostgresError(error, { action: 'the import transaction failed', settings: this.settings });
      }
      throw error;
    }
  }

  async resetSequences(tables: TableInfo[]): Promise<void> {
    await moveSequencesPastMax((text, params) => runQuery(this.pool, text, params), tables, this.settings);
  }

  tryRunLock(): Promise<RunLockAttempt> {
    return tryAdvisoryRunLock(pgClientConfig(this.settings), this.settings);
  }

  /** Two queries whatever the number of tables: the sequences' names, then their state beside max() of their column. */
  async sequencesBehind(tables: TableInfo[]): Promise<SequenceBehind[]> {
    const serial = tables.flatMap((table) => table.columns.filter((c) => c.autoIncrement).map((column) => ({ table, column })));
    if (serial.length === 0) return [];
    const [names] = await this.query(
      `SELECT ${serial.map((_, i) => `pg_get_serial_sequence($${2 * i + 1}, $${2 * i + 2}) AS s${i}`).join(', ')}`,
      serial.flatMap(({ table, column }) => [qualifiedTable(table.name), column.name]),
    );
    // pg_get_serial_sequence's answer is the sequence's name already quoted (and qualified) by the server.
    const parts = serial.flatMap(({ table, column }, i) => {
      const seq = names[`s${i}`];
      if (typeof seq !== 'string') return [];
      const max = `(SELECT max(${quoteIdent(column.name)})::text FROM ${qualifiedTable(table.name)})`;
      return [`SELECT ${i} AS i, last_value::text AS last, is_called AS called, ${max} AS max FROM ${seq}`];
    });
    if (parts.length === 0) return [];
    const behind: SequenceBehind[] = [];
    for (const state of (await this.query(parts.join(' UNION ALL '))).sort((a, b) => Number(a.i) - Number(b.i))) {
      if (state.max === null) continue;
      const { table, column } = serial[Number(state.i)];
      const next = BigInt(String(state.last)) + (state.called ? 1n : 0n);
      if (next <= BigInt(String(state.max)))
        behind.push({ table: table.name, column: column.name, next: next.toString(), max: String(state.max) });
    }
    return behind;
  }

  async executeScript(sqlText: string): Promise<void> {
    const client = new pg.Client(pgClientConfig(this.settings));
    client.on('error', () => undefined);
    try {
      await client.connect();
      // Simple-query protocol: the whole script runs as one implicit transaction unless it manages its own.
      await client.query(sqlText);
      // pg_dump empties search_path; this session ends here, but a script's settings must never outlive it.
      await client.query('RESET search_path');
    } catch (error) {
      throw mapPostgresError(error, { action: 'running an SQL script', settings: this.settings });
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.copyOut?.close();
    await this.pool.end();
  }
}
