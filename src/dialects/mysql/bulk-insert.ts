/**
 * Bulk writes into one table, inside the import transaction's connection.
 *
 * Default path (`LoadDataWriter`): `LOAD DATA LOCAL INFILE` fed through mysql2's `infileStreamFactory`, one statement
 * kept open across a table's batches. Other path (`?bulk=insert`, and wherever LOCAL is refused): multi-row
 * `INSERT INTO t (cols) VALUES (…),(…)`, batched by BYTES (every value escaped by the driver's own `escape`, never
 * concatenated raw) so that one statement stays well under max_allowed_packet. LOCAL means IGNORE semantics (the
 * server turns errors into warnings and drops or alters rows), so both paths check the affected-row count AND the
 * warning count of every statement: any warning (even a note: "Data truncated", decimal rounding…) means MariaDB
 * altered data, and the import fails.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import mysql from 'mysql2';
import { PodMigrateError, type ErrorPlace } from '../../errors';
import { drained, sameTarget } from '../bulk-statement';
import type { CanonicalValue } from '../../convert/logical-types';
import type { ColumnInfo, TableInfo } from '../dialect';
import { encoderFor, type DriverParam, type Encoder } from './codec';
import { mapMysqlError, mysqlFault, type MysqlErrorContext, type MysqlServerKind } from './errors';
import { quoteIdent } from './quote';
import { TsvPieces } from '../tsv-pieces';

/** Runs one statement on the transaction's connection; resolves to the driver's result (rows or header). */
export type StatementRunner = (options: { sql: string; infileStreamFactory?: () => Readable }) => Promise<unknown>;

export interface BulkContext {
  run: StatementRunner;
  /** Largest statement (bytes) to send in one INSERT. */
  maxStatementBytes: number;
  /** The server's max_allowed_packet: a single row beyond it cannot be sent at all. */
  maxAllowedPacket: number;
  /** MariaDB or MySQL, for the names of error numbers from 1900 up (unknown: both tables apply). */
  server?: MysqlServerKind;
  /** The connection's socket: a LOAD DATA stream waits while it holds more than SOCKET_HIGH_WATER bytes unsent. */
  socket?: Writable;
}

/** One LOAD DATA field: as TsvPieces writes it, except a Buffer and a `binary` column's text: as hex (loaded through UNHEX). */
export function loadDataField(tsv: TsvPieces, value: DriverParam, binary: boolean): void {
  if (Buffer.isBuffer(value)) tsv.text(value.toString('hex'));
  else if (binary && typeof value === 'string') tsv.text(Buffer.from(value, 'utf8').toString('hex'));
  else tsv.field(value);
}

interface ResultHeader {
  affectedRows?: number;
  warningStatus?: number;
}

/** Names a row for messages: its primary key value when the key is one of the columns written, else its number. */
function rowNamer(table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): (index: number) => number | string {
  const pkIndex = table.primaryKey.length === 1 ? columns.findIndex((c) => c.name === table.primaryKey[0]) : -1;
  return (index) => {
    if (pkIndex >= 0) {
      const value = rows[index]?.[pkIndex];
      if (typeof value === 'number' || typeof value === 'string') return value;
    }
    return index + 1;
  };
}

function encodersFor(table: TableInfo, columns: ColumnInfo[]): Encoder[] {
  if (columns.length === 0) {
    throw new PodMigrateError('SCHEMA_MISMATCH', 'no columns to insert', { place: { table: table.name } });
  }
  return columns.map((column) => encoderFor(column));
}

function encodeRow(
  table: TableInfo,
  columns: ColumnInfo[],
  encoders: Encoder[],
  row: CanonicalValue[],
  rowName: () => number | string,
  out: DriverParam[] = new Array(columns.length),
): DriverParam[] {
  if (!Array.isArray(row) || row.length !== columns.length) {
    throw new PodMigrateError(
      'SCHEMA_MISMATCH',
      `a row has ${Array.isArray(row) ? row.length : 'no'} values for ${columns.length} columns`,
      {
        place: { table: table.name, row: rowName() },
      },
    );
  }
  for (let i = 0; i < row.length; i += 1) {
    try {
      out[i] = encoders[i](row[i]);
    } catch (error) {
      if (error instanceof PodMigrateError) {
        throw new PodMigrateError(error.code, error.message, {
          cause: error.cause,
          place: { table: table.name, row: rowName(), column: columns[i].name },
        });
      }
      throw error;
    }
  }
  return out;
}

/**
 * LOCAL's warnings that stand for an error the same row would get from an INSERT: WARN_NULL_TO_NOTNULL (1263, NULL
 * into a NOT NULL column, set to the column's default) is ER_BAD_NULL_ERROR (1048).
 */
const LOCAL_WARNING_AS_ERROR: Record<number, number> = { 1263: 1048 };

/** The error number a warning of SHOW WARNINGS stands for. */
function errnoOf(warning: Record<string, unknown>): number {
  return LOCAL_WARNING_AS_ERROR[Number(warning.Code)] ?? Number(warning.Code);
}

/** How a bulk statement's error is read: its table and columns, its rows' names, what was being done. */
function errorContext(
  ctx: BulkContext,
  table: TableInfo,
  columns: ColumnInfo[],
  rowOf: (statementRow: number) => number | string | undefined,
  action: string,
): MysqlErrorContext {
  return { place: { table: table.name }, server: ctx.server, columns: columns.map((c) => c.name), rowOf, action };
}

/**
 * The warning that says what went wrong: the first warning (not note) with a known fault (a CHECK that failed comes
 * after MariaDB's note on why: a JSON syntax note before the json_valid CHECK's warning), else the first entry with a
 * known fault, else the first warning, else the first entry.
 */
function chosenWarning(list: Array<Record<string, unknown>>, server?: MysqlServerKind): Record<string, unknown> | undefined {
  const known = (w: Record<string, unknown>) => mysqlFault(errnoOf(w), server) !== undefined;
  const note = (w: Record<string, unknown>) => String(w.Level) === 'Note';
  return list.find((w) => known(w) && !note(w)) ?? list.find(known) ?? list.find((w) => !note(w)) ?? list[0];
}

/** After a statement: every row written, and not a single warning. */
async function checkResult(
  ctx: BulkContext,
  table: TableInfo,
  columns: ColumnInfo[],
  header: ResultHeader,
  sent: number,
  placeOf: (statementRow: number) => number | string | undefined,
  how: string,
): Promise<void> {
  const warnings = header.warningStatus ?? 0;
  if (warnings > 0) {
    let list: Array<Record<string, unknown>> = [];
    try {
      list = (await ctx.run({ sql: 'SHOW WARNINGS' })) as Array<Record<string, unknown>>;
    } catch {
      // the count alone still fails the import
    }
    const first = chosenWarning(list, ctx.server);
    // The warning read as the server error it stands for (LOCAL turned a duplicate key into a warning: it is still a
    // unique violation, naming its constraint, as the INSERT path's error would): its code, fault, column, row.
    const message = String(first?.Message ?? '');
    const asError = first
      ? mapMysqlError(
          Object.assign(new Error(message), { errno: errnoOf(first), sqlMessage: message }),
          errorContext(ctx, table, columns, placeOf, how),
        )
      : undefined;
    const found = asError?.place;
    const place: ErrorPlace = { table: table.name };
    if (found?.column !== undefined && columns.some((c) => c.name === found.column)) place.column = found.column;
    if (found?.constraint !== undefined) place.constraint = found.constraint;
    if (found?.row !== undefined) place.row = found.row;
    const code = asError?.code ?? 'DATABASE';
    const shown = list
      .slice(0, 5)
      .map((w) => `${String(w.Level)} ${String(w.Code)}: ${String(w.Message)}`)
      .join('; ');
    throw new PodMigrateError(
      code === 'DATABASE' ? 'VALUE_INVALID' : code,
      `MariaDB/MySQL altered or dropped data during ${how} (${warnings} warning${warnings > 1 ? 's' : ''}${shown ? `: ${shown}` : ''}${list.length > 5 ? '; …' : ''})`,
      { place, cause: asError ?? new Error(`${warnings} warning(s)`), fault: asError?.fault },
    );
  }
  const affected = header.affectedRows ?? -1;
  if (affected !== sent) {
    throw new PodMigrateError('DATABASE', `${how} wrote ${affected} rows instead of ${sent}`, { place: { table: table.name } });
  }
}

/** Runs one bulk statement: a server error names the table (and row); then every row sent must be written, with no warning. */
async function runChecked(
  ctx: BulkContext,
  table: TableInfo,
  columns: ColumnInfo[],
  query: Parameters<BulkContext['run']>[0],
  sent: number,
  placeOf: (statementRow: number) => number | string | undefined,
  what: string,
): Promise<void> {
  let header: ResultHeader;
  try {
    header = (await ctx.run(query)) as ResultHeader;
  } catch (error) {
    throw mapMysqlError(error, errorContext(ctx, table, columns, placeOf, what));
  }
  await checkResult(ctx, table, columns, header, sent, placeOf, what);
}

/** One multi-row INSERT, encoded: its text, and the name of each of its rows for messages (statement row n → names[n - 1]). */
interface EncodedInsert {
  sql: string;
  names: Array<number | string>;
}

/**
 * Multi-row INSERT, batched by bytes. Resolves to the number of rows written. Every statement of the batch is
 * encoded before the first is sent (a refused value fails before anything of the batch is), and the rows are not
 * held while the statements run: only their text and their names (see CopyWriter.write: the caller's rows die
 * young). Not async for that reason.
 */
export function insertWithValues(ctx: BulkContext, table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): Promise<number> {
  if (rows.length === 0) return Promise.resolve(0);
  let statements: EncodedInsert[];
  try {
    statements = encodeInserts(ctx, table, columns, rows);
  } catch (error) {
    return Promise.reject(error);
  }
  return runInserts(ctx, table, columns, statements);
}

function encodeInserts(ctx: BulkContext, table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): EncodedInsert[] {
  const encoders = encodersFor(table, columns);
  const nameRow = rowNamer(table, columns, rows);
  const head = `INSERT INTO ${quoteIdent(table.name)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES `;
  const headBytes = Buffer.byteLength(head);
  // A statement that cannot be sent at all (one row larger than the packet): refuse before sending, since the
  // server closes the connection on an oversized packet.
  const hardLimit = ctx.maxAllowedPacket - 1024;
  const statements: EncodedInsert[] = [];
  let parts: string[] = [];
  let names: Array<number | string> = [];
  let bytes = headBytes;
  const cut = () => {
    statements.push({ sql: head + parts.join(','), names });
    parts = [];
    names = [];
    bytes = headBytes;
  };
  for (let r = 0; r < rows.length; r += 1) {
    const encoded = encodeRow(table, columns, encoders, rows[r], () => nameRow(r));
    let tuple = '(';
    for (let i = 0; i < encoded.length; i += 1) {
      if (i > 0) tuple += ',';
      tuple += mysql.escape(encoded[i]);
    }
    tuple += ')';
    const tupleBytes = Buffer.byteLength(tuple) + 1;
    if (headBytes + tupleBytes > hardLimit) {
      throw new PodMigrateError(
        'VALUE_INVALID',
        `row is ${tupleBytes} bytes as SQL, more than the server's max_allowed_packet (${ctx.maxAllowedPacket}): raise max_allowed_packet`,
        { place: { table: table.name, row: nameRow(r) } },
      );
    }
    if (parts.length > 0 && bytes + tupleBytes > ctx.maxStatementBytes) cut();
    parts.push(tuple);
    names.push(nameRow(r));
    bytes += tupleBytes;
  }
  if (parts.length > 0) cut();
  return statements;
}

async function runInserts(ctx: BulkContext, table: TableInfo, columns: ColumnInfo[], statements: EncodedInsert[]): Promise<number> {
  let written = 0;
  // Taken off the list as it is sent: its text can go.
  for (let statement = statements.shift(); statement !== undefined; statement = statements.shift()) {
    const { sql, names } = statement;
    const placeOf = (statementRow: number) => (statementRow >= 1 && statementRow <= names.length ? names[statementRow - 1] : undefined);
    await runChecked(ctx, table, columns, { sql }, names.length, placeOf, `INSERT into ${table.name}`);
    written += names.length;
  }
  return written;
}

// ---------------------------------------------------------------------------------------------------------------
// LOAD DATA LOCAL INFILE

/**
 * Rows per LOAD DATA statement: a warning names its row by its number in the statement, so the statement keeps its
 * rows' names (ids: a few bytes each) until it ends.
 */
const LOAD_DATA_STATEMENT_ROWS = 10_000;
/** mysql2 writes an infile stream's data to the socket as it comes: past this many bytes unsent, the writer waits. */
const SOCKET_HIGH_WATER = 512 * 1024;

/**
 * One `LOAD DATA LOCAL INFILE` kept open across the engine's batches of one table (up to LOAD_DATA_STATEMENT_ROWS
 * rows), as CopyWriter keeps a COPY open: each `write` encodes its rows to TSV and hands them to the statement's
 * stream, so that the server loads while this process reads and encodes the next batch, with no round trip per
 * batch. `end` closes the stream, then checks the server's answer: every row written, not a single warning.
 */
export class LoadDataWriter {
  private readonly input = new PassThrough();
  private readonly answer: Promise<unknown>;
  /** Settles when the server asks for the file or answers (a refusal): the rows wait for it. */
  private readonly started: Promise<void>;
  private failure: unknown;
  private sent = 0;
  private readonly names: Array<number | string> = [];
  /** The name of the statement's row n (1-based, as the server counts them). */
  private readonly nameOf = (statementRow: number): number | string | undefined => this.names[statementRow - 1];
  private readonly encoders: Encoder[];
  private readonly binary: boolean[];
  private readonly tsv = new TsvPieces();
  /** One row's encoded values, filled again for each row (LOAD DATA's text is written from it at once). */
  private readonly encoded: DriverParam[];

  constructor(
    private readonly ctx: BulkContext,
    readonly table: TableInfo,
    readonly columns: ColumnInfo[],
  ) {
    this.encoders = encodersFor(table, columns);
    this.encoded = new Array(columns.length);
    this.binary = columns.map((c) => c.type === 'binary');
    const targets = columns.map((c, i) => (this.binary[i] ? `@pm_v${i}` : quoteIdent(c.name)));
    const sets = columns.flatMap((c, i) => (this.binary[i] ? [`${quoteIdent(c.name)} = UNHEX(@pm_v${i})`] : []));
    const sql =
      `LOAD DATA LOCAL INFILE 'pod-migrate.tsv' INTO TABLE ${quoteIdent(table.name)} CHARACTER SET utf8mb4 ` +
      `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${targets.join(', ')})` +
      (sets.length > 0 ? ` SET ${sets.join(', ')}` : '');
    let asked!: () => void;
    const fileAsked = new Promise<void>((resolve) => {
      asked = resolve;
    });
    this.answer = ctx.run({
      sql,
      infileStreamFactory: () => {
        asked();
        return this.input;
      },
    });
    this.answer.catch((error: unknown) => {
      this.failure ??= error;
    });
    // The server asks for the file, or refuses the statement (local_infile off): known before the first rows go.
    this.started = Promise.race([fileAsked, this.answer.then(() => undefined)]).catch(() => undefined);
  }

  /** Same table and columns, and room left in the statement. */
  accepts(table: TableInfo, columns: ColumnInfo[]): boolean {
    return this.sent < LOAD_DATA_STATEMENT_ROWS && sameTarget(this, table, columns);
  }

  /** Encodes the whole batch (a refused value: a rejected promise, nothing of the batch sent), then sends it. Not async (see CopyWriter.write). */
  write(rows: CanonicalValue[][]): Promise<number> {
    const tsv = this.tsv;
    const nameRow = rowNamer(this.table, this.columns, rows);
    const names: Array<number | string> = new Array(rows.length);
    const limit = this.ctx.maxAllowedPacket - 1024;
    try {
      for (let r = 0; r < rows.length; r += 1) {
        const encoded = encodeRow(this.table, this.columns, this.encoders, rows[r], () => nameRow(r), this.encoded);
        const rowStart = tsv.length;
        for (let i = 0; i < encoded.length; i += 1) {
          if (i > 0) tsv.tab();
          loadDataField(tsv, encoded[i], this.binary[i]);
        }
        tsv.newline();
        // A row goes in one packet: one larger than the server takes would end the connection, so it is refused here.
        if (tsv.length - rowStart > limit) {
          throw new PodMigrateError(
            'VALUE_INVALID',
            `row is ${tsv.length - rowStart} bytes of LOAD DATA text, more than the server's max_allowed_packet (${this.ctx.maxAllowedPacket}): raise max_allowed_packet`,
            { place: { table: this.table.name, row: nameRow(r) } },
          );
        }
        names[r] = nameRow(r);
      }
    } catch (error) {
      tsv.discard();
      return Promise.reject(error);
    }
    for (const name of names) this.names.push(name);
    return this.send(tsv.take(), rows.length);
  }

  private async send(pieces: Buffer[], rows: number): Promise<number> {
    await this.started;
    const socket = this.ctx.socket;
    for (const piece of pieces) {
      this.check();
      // The stream's own buffer (when mysql2 pauses it), then the socket's: each bounded, whatever the server's pace.
      if (!this.input.write(piece)) await this.untilDrained(this.input);
      if (socket && socket.writableLength > SOCKET_HIGH_WATER) await this.untilDrained(socket);
    }
    this.check();
    this.sent += rows;
    return rows;
  }

  /** Ends the statement: every row sent written, no warning. */
  async end(): Promise<void> {
    this.input.end();
    let header: ResultHeader;
    try {
      header = (await this.answer) as ResultHeader;
    } catch (error) {
      throw this.mapped(error);
    }
    await checkResult(this.ctx, this.table, this.columns, header, this.sent, this.nameOf, `LOAD DATA into ${this.table.name}`);
  }

  /**
   * Abandons the statement: its stream is ended (not destroyed: mysql2 may not have taken it yet, and would then wait
   * for it for ever), the server takes what was sent, and the caller rolls the transaction back.
   */
  async abort(): Promise<void> {
    this.input.end();
    await this.answer.catch(() => undefined);
  }

  /** Until `stream` drains, or the statement ends (a server error: the stream may never drain). */
  private untilDrained(stream: Writable): Promise<void> {
    return drained(stream, this.answer);
  }

  private check(): void {
    if (this.failure !== undefined) throw this.mapped(this.failure);
  }

  private mapped(error: unknown): PodMigrateError {
    if (error instanceof PodMigrateError) return error;
    return mapMysqlError(error, errorContext(this.ctx, this.table, this.columns, this.nameOf, `LOAD DATA into ${this.table.name}`));
  }
}
