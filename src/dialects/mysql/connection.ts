/**
 * A MySQL / MariaDB database behind the Dialect interface: a small mysql2 pool whose every connection gets the
 * same session (UTC, strict sql_mode, utf8mb4), one held connection per transaction, streaming reads.
 */
import mysql from 'mysql2';
import type { Writable } from 'node:stream';
import { PodMigrateError } from '../../errors';
import type { CanonicalValue } from '../../convert/logical-types';
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
import { insertWithValues, LoadDataWriter, type BulkContext } from './bulk-insert';
import { decoderFor, encodeQueryParam } from './codec';
import { connectFailure } from '../connect-failure';
import { lockTimeoutSeconds } from '../lock-timeout';
import { mapMysqlError, serverKindOf, type MysqlServerKind } from './errors';
import { introspect } from './introspect';
import { bindParams } from './query';
import { quoteIdent } from './quote';
import { rowsOf } from '../readable-batches';
import { queryBatches } from './query-batches';
import { tryNamedRunLock } from './run-lock';
import { STRING_PIECE } from '../../string-pieces';

/**
 * Strict, and explicit rather than appended to the server's own mode: STRICT_ALL_TABLES makes a bad value an
 * error instead of a warning + silent truncation (Django itself asks for strict mode, check mysql.W002);
 * NO_AUTO_VALUE_ON_ZERO keeps a row whose id is 0 at 0; and the modes that would break the driver's escaping or
 * our quoting (NO_BACKSLASH_ESCAPES, ANSI_QUOTES, PAD_CHAR_TO_FULL_LENGTH…) are thereby off. Every mode listed
 * exists in MariaDB ≥ 10.2 and MySQL 8.
 */
export const SESSION_SQL_MODE =
  'STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_IN_DATE,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO';

/**
 * One statement of the multi-row INSERT path: at most this, or half the server's packet if that is smaller (a larger
 * row still goes alone, up to the packet). Each statement exists at once as its rows' texts, one joined string and
 * the driver's packet: at 4 MB a 20,000-video import into MariaDB peaked at 158–171 MB, at 256 KB 126–136 MB, in
 * about the same time (a few hundred more round trips on a 100 MB dump). Below 256 KB, what counts is the joined
 * string's size (STRING_PIECE): 32 KB statements take less of this process's time than 256 KB ones.
 */
export const MAX_INSERT_BYTES = STRING_PIECE;

type BulkMode = 'insert' | 'load-data';

/**
 * Decoded rows a read holds before the connection is paused (query-batches.ts). They wait there as strings whenever the consumer
 * is slower (the dump writer, verify's other side): 512 rows of a busy site's 4–12 KB encoding logs were several MB,
 * promoted past V8's young generation. With 64, a busy 20,000-video export peaks at 107–111 MB instead of 122–126 MB,
 * no slower (same dump); with 16, `verify --source` of that site takes 5–10 % less than with 64 (8: the same as 16;
 * the default site: the same with 512, 64 or 16).
 */
const STREAM_HIGH_WATER_ROWS = 16;

/** ER_NOT_ALLOWED_COMMAND, MySQL's ER_CLIENT_LOCAL_FILES_DISABLED, MariaDB's ER_LOAD_INFILE_CAPABILITY_DISABLED. */
const LOAD_DATA_REFUSED = new Set([1148, 3948, 3950, 4166]);

type CbConnection = mysql.Connection;
type CbPoolConnection = mysql.PoolConnection;

/** The connection a snapshot holds, lent to its streams (never given back by them). */
interface HeldConnection {
  conn: CbPoolConnection;
  guard: SnapshotGuard;
}

interface SessionFacts {
  maxAllowedPacket: number;
}

function sessionSetup(settings: ConnectionSettings): string {
  const lockWait = lockTimeoutSeconds(settings);
  return (
    `SET SESSION time_zone = '+00:00', SESSION sql_mode = '${SESSION_SQL_MODE}', ` +
    // A streamed read whose consumer is slow (the target is busy inserting) must not be cut by the server after
    // the default 60 s; a LOAD DATA LOCAL stream alike.
    'SESSION net_write_timeout = GREATEST(@@SESSION.net_write_timeout, 3600), ' +
    'SESSION net_read_timeout = GREATEST(@@SESSION.net_read_timeout, 3600), ' +
    // A lock held by another session (metadata lock, row lock) is waited for this long, not a year (the default).
    `SESSION lock_wait_timeout = ${lockWait}, SESSION innodb_lock_wait_timeout = ${lockWait}`
  );
}

/**
 * SQL text with its parameters bound (literal-aware, see query.ts): the driver then gets no values, and never
 * formats the text itself.
 */
function boundSql(sqlText: string, params: readonly unknown[]): string {
  return params.length > 0 ? bindParams(sqlText, params.map(encodeQueryParam)) : sqlText;
}

/** One statement, sent as it is: values are bound beforehand (`boundSql`), never by the driver. */
function run(conn: CbConnection, options: mysql.QueryOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    conn.query(options, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * The driver's formatter: the text as it is. Values are bound beforehand (`boundSql`), so mysql2's own formatter
 * would only scan every statement for placeholders — a bulk INSERT's whole text, about 4 % of a MariaDB import's CPU
 * (with 256 KB statements). Values given to the driver are a bug here, not something to bind silently.
 */
function sentAsItIs(sqlText: string, values: unknown): string {
  if (Array.isArray(values) ? values.length > 0 : values !== undefined && values !== null) {
    throw new Error('pod-migrate binds values itself: the MariaDB/MySQL driver was given values to format');
  }
  return sqlText;
}

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return /^(1|true|yes|on|required|require|verify_ca|verify_identity|verify-ca|verify-full)$/i.test(value)
    ? true
    : /^(0|false|no|off|disabled|disable)$/i.test(value)
      ? false
      : undefined;
}

/** mysql2 options from the settings (driver facts fixed here, pass-through options from the URL's query). */
export function driverOptions(settings: ConnectionSettings, extra: mysql.ConnectionOptions = {}): mysql.ConnectionOptions {
  const o = settings.options;
  const options: mysql.ConnectionOptions = {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    jsonStrings: true,
    timezone: 'Z',
    queryFormat: sentAsItIs,
    ...extra,
  };
  if (o.socketPath) options.socketPath = o.socketPath;
  // `?localInfile=0`: the client refuses LOAD DATA LOCAL altogether (the LOAD DATA path then falls back to INSERT).
  if (flag(o.localInfile) === false) options.flags = ['-LOCAL_FILES'];
  if (o.connectTimeout && Number.isFinite(Number(o.connectTimeout))) options.connectTimeout = Number(o.connectTimeout);
  const ssl = o.ssl ?? o.sslmode ?? o['ssl-mode'];
  if (ssl !== undefined) {
    const on = flag(ssl);
    if (on === true) {
      const verify = !/^(required|require)$/i.test(ssl) || flag(o.sslVerify ?? o.rejectUnauthorized) === true;
      options.ssl = { rejectUnauthorized: flag(o.rejectUnauthorized) ?? verify };
    } else if (on === undefined && /^skip-verify$/i.test(ssl)) {
      options.ssl = { rejectUnauthorized: false };
    }
  }
  return options;
}

/**
 * `?bulk=`: `load-data` (the default) or `insert`. LOAD DATA LOCAL, one statement kept open across a table's batches,
 * imported a 20,000-video dump in 6.2 s where multi-row INSERT took 9.0-9.8 s (100,000 videos: 30 s against 45 s): the
 * server reads the rows while this process encodes the next batch, with no round trip per statement. A server or
 * client that refuses LOCAL (MySQL 8's default `local_infile=OFF`) gets the INSERTs, in the same transaction.
 */
function bulkModeOf(settings: ConnectionSettings): BulkMode {
  const bulk = (settings.options.bulk ?? '').toLowerCase();
  if (bulk === '' || bulk === 'load-data' || bulk === 'loaddata' || bulk === 'infile') return 'load-data';
  if (bulk === 'insert') return 'insert';
  throw new PodMigrateError('USAGE', `${settings.displayName}: ?bulk=${settings.options.bulk} is not a bulk path (load-data or insert)`);
}

export class MysqlConnection implements DatabaseConnection {
  readonly displayName: string;
  private readonly pool: mysql.Pool;
  private readonly sessions = new WeakMap<object, SessionFacts>();
  private closed = false;
  private readonly bulkMode: BulkMode;
  /** MariaDB or MySQL, from the first session: which table names the error numbers from 1900 up. */
  private server: MysqlServerKind | undefined;

  private constructor(
    readonly dialect: Dialect,
    private readonly settings: ConnectionSettings,
  ) {
    this.displayName = settings.displayName;
    const limit = Number(settings.options.connectionLimit ?? 8);
    this.pool = mysql.createPool({
      ...driverOptions(settings),
      connectionLimit: Number.isInteger(limit) && limit > 0 ? limit : 8,
      waitForConnections: true,
      enableKeepAlive: true,
    });
    // A pool connection that dies is dropped by the pool; its 'error' must not become an uncaught exception.
    this.pool.on('connection', (conn) => {
      conn.on('error', () => undefined);
    });
    this.bulkMode = bulkModeOf(settings);
  }

  /** The pool, with one connection opened to prove the settings work (the pool is otherwise lazy). */
  static async open(dialect: Dialect, settings: ConnectionSettings): Promise<MysqlConnection> {
    const connection = new MysqlConnection(dialect, settings);
    try {
      const conn = await connection.acquire();
      conn.release();
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    return connection;
  }

  private fail(error: unknown, action?: string, table?: string): PodMigrateError {
    return mapMysqlError(error, {
      settings: this.settings,
      server: this.server,
      action,
      place: table === undefined ? undefined : { table },
    });
  }

  /** A pool connection with this module's session applied (once per physical connection). */
  private async acquire(): Promise<CbPoolConnection> {
    if (this.closed) throw new PodMigrateError('DATABASE', `the connection to ${this.displayName} is closed`);
    let conn: CbPoolConnection;
    try {
      conn = await new Promise<CbPoolConnection>((resolve, reject) =>
        this.pool.getConnection((error, c) => (error ? reject(error) : resolve(c))),
      );
    } catch (error) {
      const serverAnswered = typeof (error as { sqlState?: unknown }).sqlState === 'string';
      throw connectFailure(error, this.settings, serverAnswered) ?? this.fail(error, `cannot connect to ${this.displayName}`);
    }
    if (!this.sessions.has(conn)) {
      try {
        await run(conn, { sql: sessionSetup(this.settings) });
        const rows = (await run(conn, { sql: 'SELECT @@max_allowed_packet AS p, VERSION() AS v' })) as Array<{
          p: number | string;
          v: string;
        }>;
        this.sessions.set(conn, { maxAllowedPacket: Number(rows[0]?.p) || 4 * 1024 * 1024 });
        this.server ??= serverKindOf(String(rows[0]?.v ?? ''));
      } catch (error) {
        conn.destroy();
        throw this.fail(error, `cannot set up the session on ${this.displayName}`);
      }
    }
    return conn;
  }

  private facts(conn: CbPoolConnection): SessionFacts {
    return this.sessions.get(conn) ?? { maxAllowedPacket: 4 * 1024 * 1024 };
  }

  /** Gives a connection back, or closes it when its state is unknown (an error mid-protocol). */
  private static giveBack(conn: CbPoolConnection, healthy: boolean): void {
    if (healthy) conn.release();
    else conn.destroy();
  }

  async query(sqlText: string, params: readonly unknown[] = []): Promise<Row[]> {
    const bound = boundSql(sqlText, params); // a count mismatch is refused before a connection is taken
    const conn = await this.acquire();
    let healthy = true;
    try {
      const result = await run(conn, { sql: bound });
      return Array.isArray(result) ? (result as Row[]) : [];
    } catch (error) {
      healthy = !(error as { fatal?: boolean }).fatal;
      throw this.fail(error);
    } finally {
      MysqlConnection.giveBack(conn, healthy);
    }
  }

  introspect(): Promise<SchemaInfo> {
    return introspect(this);
  }

  /**
   * One streamed statement (the callback API's `query().stream()`): mysql2 pauses the socket when the consumer
   * falls behind, so memory stays bounded by the stream's high-water mark whatever the table's size, and the
   * rows come from one consistent read. A consumer that stops early gets the connection closed (the rest of
   * the result set is never read), never returned to the pool half-read. On a snapshot's held connection, such a
   * stop marks the snapshot unreadable instead (its connection is destroyed when the snapshot ends).
   */
  private async *stream(sqlText: string, rowsAsArray: boolean, table?: string, held?: HeldConnection): AsyncGenerator<unknown[]> {
    const conn = held ? held.conn : await this.acquire();
    let finished = false;
    try {
      yield* queryBatches(conn, { sql: sqlText, rowsAsArray }, STREAM_HIGH_WATER_ROWS);
      finished = true;
    } catch (error) {
      throw this.fail(error, table ? `reading ${table}` : undefined, table);
    } finally {
      if (!held) MysqlConnection.giveBack(conn, finished);
      else if (!finished) held.guard.end(`a read of it (${table ?? 'a query'}) stopped before its end`);
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
    return this.readRowBatches(table, columns, orderBy, undefined, digested);
  }

  private async *readRowBatches(
    table: TableInfo,
    columns: ColumnInfo[],
    orderBy?: RowOrder,
    held?: HeldConnection,
    digested?: ReadonlySet<string>,
  ): AsyncGenerator<CanonicalValue[][]> {
    if (columns.length === 0) {
      throw new PodMigrateError('SCHEMA_MISMATCH', 'no columns to read', { place: { table: table.name } });
    }
    const resolved = resolveOrder(orderBy, table);
    const order =
      resolved.columns.length > 0 ? resolved.columns : table.primaryKey.length > 0 ? table.primaryKey : columns.map((c) => c.name);
    // In byte order, a text column is sorted by its UTF-8 bytes (code point order), whatever its collation.
    const orderTerm = (name: string) =>
      resolved.bytes && textColumn(table, name) ? `CAST(CONVERT(${quoteIdent(name)} USING utf8mb4) AS BINARY)` : quoteIdent(name);
    // A digested column (see streamDigestedRowBatches), its UTF-8 bytes whatever the column's character set.
    const selected = (name: string) => {
      const utf8 = `CONVERT(${quoteIdent(name)} USING utf8mb4)`;
      return digested?.has(name)
        ? `CASE WHEN LENGTH(${utf8}) > ${DIGEST_ABOVE_BYTES} THEN CONCAT('d', MD5(${utf8})) ELSE CONCAT('r', ${utf8}) END`
        : quoteIdent(name);
    };
    const sqlText =
      `SELECT ${columns.map((c) => selected(c.name)).join(', ')} FROM ${quoteIdent(table.name)}` +
      ` ORDER BY ${order.map(orderTerm).join(', ')}`;
    const decoders = columns.map((c) => decoderFor(c));
    const pkIndex = table.primaryKey.length === 1 ? columns.findIndex((c) => c.name === table.primaryKey[0]) : -1;
    let count = 0;
    for await (const rawBatch of this.stream(sqlText, true, table.name, held)) {
      // Decoded in place: the driver's row arrays (fresh for each row, ours alone) become the canonical rows.
      for (let r = 0; r < rawBatch.length; r += 1) {
        count += 1;
        const values = rawBatch[r] as unknown[];
        for (let i = 0; i < values.length; i += 1) {
          try {
            values[i] = decoders[i](values[i]);
          } catch (error) {
            if (error instanceof PodMigrateError) {
              const key = pkIndex >= 0 ? values[pkIndex] : undefined;
              const row = typeof key === 'number' || typeof key === 'string' ? key : count;
              throw new PodMigrateError(error.code, error.message, { place: { table: table.name, row, column: columns[i].name } });
            }
            throw error;
          }
        }
      }
      yield rawBatch as CanonicalValue[][];
    }
  }

  streamQuery(sqlText: string, params: readonly unknown[] = []): AsyncIterable<Row> {
    return rowsOf(this.readQuery(sqlText, params));
  }

  streamQueryBatches(sqlText: string, params: readonly unknown[] = []): AsyncIterable<Row[]> {
    return this.readQuery(sqlText, params);
  }

  private readQuery(sqlText: string, params: readonly unknown[], held?: HeldConnection): AsyncGenerator<Row[]> {
    return this.stream(boundSql(sqlText, params), false, undefined, held) as AsyncGenerator<Row[]>;
  }

  /**
   * One dedicated connection in a REPEATABLE READ, read-only transaction started WITH CONSISTENT SNAPSHOT (InnoDB
   * takes the snapshot at once, not at the first read); every stream of the reader runs on it, one at a time.
   * COMMIT at the end (ROLLBACK when `work` throws). A stream stopped before its end leaves unread rows on the
   * connection: later reads of the snapshot are refused and the connection is destroyed (the server then ends
   * the read-only transaction) rather than given back.
   */
  async snapshot<T>(work: (reader: SnapshotReader) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    const held: HeldConnection = { conn, guard: new SnapshotGuard() };
    try {
      // Without SESSION: for the next transaction only, so the pooled connection's own level is left as it was.
      await run(conn, { sql: 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ' });
      await run(conn, { sql: 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY' });
    } catch (error) {
      MysqlConnection.giveBack(conn, false);
      throw this.fail(error, 'starting a consistent snapshot');
    }
    const reader: SnapshotReader = {
      streamRows: (table, columns, orderBy) => guarded(held.guard, () => rowsOf(this.readRowBatches(table, columns, orderBy, held))),
      streamRowBatches: (table, columns, orderBy) => guarded(held.guard, () => this.readRowBatches(table, columns, orderBy, held)),
      streamQuery: (sqlText, params = []) => guarded(held.guard, () => rowsOf(this.readQuery(sqlText, params, held))),
      streamQueryBatches: (sqlText, params = []) => guarded(held.guard, () => this.readQuery(sqlText, params, held)),
    };
    let healthy = true;
    let closed = false;
    try {
      const result = await work(reader);
      const { leftOpen, clean } = await held.guard.close();
      closed = true;
      healthy = clean;
      if (leftOpen) throw streamLeftOpen(); // the connection (mid-result) is destroyed below
      if (healthy) {
        try {
          await run(conn, { sql: 'COMMIT' });
        } catch (error) {
          healthy = false;
          throw this.fail(error, 'ending the snapshot');
        }
      }
      return result;
    } catch (error) {
      if (!closed) healthy = (await held.guard.close()).clean;
      if (healthy) {
        try {
          await run(conn, { sql: 'ROLLBACK' });
        } catch {
          healthy = false;
        }
      }
      throw error;
    } finally {
      MysqlConnection.giveBack(conn, healthy);
    }
  }

  async transaction<T>(work: (tx: ImportTransaction) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    const facts = this.facts(conn);
    let healthy = true;
    let open = true;
    let foreignKeysRelaxed = false;
    const exec = async (options: mysql.QueryOptions): Promise<unknown> => {
      if (!open) throw new PodMigrateError('DATABASE', 'the transaction is over: its statements can no longer run');
      try {
        return await run(conn, options);
      } catch (error) {
        if ((error as { fatal?: boolean }).fatal) healthy = false;
        throw error;
      }
    };
    const bulk: BulkContext = {
      run: (options) => exec(options),
      server: this.server,
      maxAllowedPacket: facts.maxAllowedPacket,
      maxStatementBytes: Math.min(MAX_INSERT_BYTES, Math.floor(facts.maxAllowedPacket / 2)),
      socket: (conn as unknown as { stream?: Writable }).stream,
    };
    const fail = (error: unknown, action?: string, table?: string) => this.fail(error, action, table);
    const bulkMode = this.bulkMode;
    let loadDataRefused = false;
    /** The table being loaded: its LOAD DATA stays open until another statement needs the connection. */
    let writer: LoadDataWriter | null = null;
    const endWriter = async () => {
      const open = writer;
      writer = null;
      await open?.end();
    };
    const abortWriter = async () => {
      const open = writer;
      writer = null;
      await open?.abort();
    };
    /** A table's first batch (or its next statement's): a new LOAD DATA, or the INSERTs where LOCAL is refused. */
    const startLoadData = async (table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): Promise<number> => {
      await endWriter();
      const started = new LoadDataWriter(bulk, table, columns);
      writer = started;
      try {
        return await started.write(rows);
      } catch (error) {
        // local_infile off on the server or the client: only that statement failed; INSERT from now on.
        const errno = (error as { cause?: { errno?: number } }).cause?.errno;
        if (errno === undefined || !LOAD_DATA_REFUSED.has(errno)) throw error;
        writer = null;
        loadDataRefused = true;
        return insertWithValues(bulk, table, columns, rows);
      }
    };
    const tx: ImportTransaction = {
      checksForeignKeysBeforeCommit: false,
      async query(sqlText, params = []) {
        await endWriter();
        const bound = boundSql(sqlText, params);
        try {
          const result = await exec({ sql: bound });
          return Array.isArray(result) ? (result as Row[]) : [];
        } catch (error) {
          throw fail(error);
        }
      },
      async relaxForeignKeys() {
        await endWriter();
        foreignKeysRelaxed = true; // before the statement: if it half-ran, it is still set back
        try {
          await exec({ sql: 'SET SESSION foreign_key_checks = 0' });
        } catch (error) {
          throw fail(error, 'switching foreign_key_checks off');
        }
      },
      async deleteAll(table) {
        await endWriter();
        try {
          const header = (await exec({ sql: `DELETE FROM ${quoteIdent(table.name)}` })) as { affectedRows?: number };
          return header.affectedRows ?? 0;
        } catch (error) {
          throw fail(error, `deleting the rows of ${table.name}`, table.name);
        }
      },
      // Not async: a batch going into the open statement is encoded at once and not held while the socket drains (an
      // async function keeps its arguments until it ends: a 20,000-video import promoted 148 MB that way, 79 MB now).
      insertRows(table, columns, rows) {
        if (bulkMode === 'load-data' && !loadDataRefused) {
          if (writer?.accepts(table, columns)) return writer.write(rows);
          return startLoadData(table, columns, rows);
        }
        // No LOAD DATA is ever open here: INSERT mode never opens one, and a refused one is dropped (startLoadData).
        return insertWithValues(bulk, table, columns, rows);
      },
      async advanceSequences() {
        // Nothing to do, and nothing to do after COMMIT either: InnoDB moves AUTO_INCREMENT past every id inserted,
        // explicit or not (never behind max(id); a table refilled with a lower max keeps its higher counter: gaps
        // only). ALTER TABLE … AUTO_INCREMENT would commit the transaction implicitly.
      },
    };

    try {
      await exec({ sql: 'START TRANSACTION' });
    } catch (error) {
      open = false;
      MysqlConnection.giveBack(conn, false);
      throw this.fail(error, 'starting a transaction');
    }
    try {
      const result = await work(tx);
      await endWriter();
      try {
        await exec({ sql: 'COMMIT' });
      } catch (error) {
        throw this.fail(error, 'committing');
      }
      return result;
    } catch (error) {
      await abortWriter().catch(() => undefined);
      try {
        await run(conn, { sql: 'ROLLBACK' });
      } catch {
        healthy = false; // the server rolls back an open transaction when the connection closes
      }
      throw error;
    } finally {
      open = false;
      if (foreignKeysRelaxed && healthy) {
        try {
          await run(conn, { sql: 'SET SESSION foreign_key_checks = 1' });
        } catch {
          healthy = false; // never hand back a connection that might still skip foreign-key checks
        }
      }
      MysqlConnection.giveBack(conn, healthy);
    }
  }

  async resetSequences(tables: TableInfo[]): Promise<void> {
    const conn = await this.acquire();
    let healthy = true;
    try {
      // InnoDB already moves AUTO_INCREMENT past explicit ids: ALTER TABLE (slow, DDL) only where it is not max+1.
      const counters = (await run(conn, {
        sql: 'SELECT TABLE_NAME AS t, CAST(AUTO_INCREMENT AS CHAR) AS a FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
      })) as Array<{ t: string; a: string | null }>;
      const current = new Map(counters.map((r) => [r.t, r.a === null ? null : BigInt(r.a)]));
      for (const table of tables) {
        for (const column of table.columns.filter((c) => c.autoIncrement)) {
          let next: bigint;
          try {
            const rows = (await run(conn, {
              sql: `SELECT CAST(MAX(${quoteIdent(column.name)}) AS CHAR) AS m FROM ${quoteIdent(table.name)}`,
            })) as Array<{ m: string | null }>;
            const max = rows[0]?.m;
            next = max === null || max === undefined ? 1n : BigInt(max) + 1n;
            if (next < 1n) next = 1n;
            const now = current.get(table.name);
            if (now === next) continue;
            await run(conn, { sql: `ALTER TABLE ${quoteIdent(table.name)} AUTO_INCREMENT = ${next.toString()}` });
          } catch (error) {
            healthy = !(error as { fatal?: boolean }).fatal;
            throw this.fail(error, `moving the AUTO_INCREMENT of ${table.name}.${column.name}`, table.name);
          }
        }
      }
    } finally {
      MysqlConnection.giveBack(conn, healthy);
    }
  }

  tryRunLock(): Promise<RunLockAttempt> {
    return tryNamedRunLock(mysql.createConnection(driverOptions(this.settings)), this.settings);
  }

  /**
   * A separate connection with multipleStatements (never a pool connection: a dump script changes session
   * variables — sql_mode, foreign_key_checks, time_zone — that must not leak into later work).
   */
  async sequencesBehind(tables: TableInfo[]): Promise<SequenceBehind[]> {
    const counters = await this.query(
      'SELECT TABLE_NAME AS t, CAST(AUTO_INCREMENT AS CHAR) AS a FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    );
    const next = new Map(counters.map((r) => [String(r.t), r.a === null ? null : String(r.a)]));
    const serial = tables.flatMap((table) => table.columns.filter((c) => c.autoIncrement).map((column) => ({ table, column })));
    if (serial.length === 0) return [];
    // Every max() in one query.
    const maxima = await this.query(
      serial
        .map(
          ({ table, column }, i) => `SELECT ${i} AS i, CAST(MAX(${quoteIdent(column.name)}) AS CHAR) AS m FROM ${quoteIdent(table.name)}`,
        )
        .join(' UNION ALL '),
    );
    const behind: SequenceBehind[] = [];
    for (const { i, m } of maxima.sort((a, b) => Number(a.i) - Number(b.i))) {
      const { table, column } = serial[Number(i)];
      const counter = next.get(table.name);
      if (m === null || counter === null || counter === undefined) continue;
      if (BigInt(counter) <= BigInt(String(m))) behind.push({ table: table.name, column: column.name, next: counter, max: String(m) });
    }
    return behind;
  }

  async executeScript(sqlText: string): Promise<void> {
    let conn: CbConnection | undefined;
    try {
      conn = mysql.createConnection(driverOptions(this.settings, { multipleStatements: true }));
      conn.on('error', () => undefined);
      await run(conn, { sql: sessionSetup(this.settings) });
      await run(conn, { sql: sqlText });
    } catch (error) {
      throw this.fail(error, 'running an SQL script');
    } finally {
      if (conn) await new Promise<void>((resolve) => conn!.end(() => resolve()));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.pool.end(() => resolve()));
  }
}
