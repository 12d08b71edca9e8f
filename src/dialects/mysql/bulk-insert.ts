/**
 * Bulk writes into one table, inside the import transaction's connection.
 *
 * Default path: multi-row `INSERT INTO t (cols) VALUES (…),(…)`, batched by BYTES (every value escaped by the
 * driver's own `escape`, never concatenated raw) so that one statement stays well under max_allowed_packet.
 * Optional path (`?bulk=load-data`): `LOAD DATA LOCAL INFILE` fed from memory through mysql2's
 * `infileStreamFactory`. LOCAL means IGNORE semantics (the server turns errors into warnings and drops or alters
 * rows), so both paths check the affected-row count AND the warning count of every statement: any warning (even a
 * note: "Data truncated", decimal rounding…) means MariaDB altered data, and the import fails.
 */
import { Readable } from 'node:stream';
import mysql from 'mysql2';
import { PodMigrateError, type ErrorPlace } from '../../errors';
import { STRING_PIECE } from '../../string-pieces';
import type { CanonicalValue } from '../../convert/logical-types';
import type { ColumnInfo, TableInfo } from '../dialect';
import { encoderFor, type DriverParam, type Encoder } from './codec';
import { columnFromMessage, errorCodeFor, mapMysqlError, rowFromMessage, type MysqlServerKind } from './errors';
import { quoteIdent } from './quote';

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
  const out = new Array<DriverParam>(row.length);
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
    const first = list[0];
    const message = first ? String(first.Message ?? '') : '';
    const place: ErrorPlace = { table: table.name };
    const column = message ? columnFromMessage(message) : undefined;
    if (column !== undefined && columns.some((c) => c.name === column)) place.column = column;
    const statementRow = message ? rowFromMessage(message) : undefined;
    if (statementRow !== undefined) {
      const row = placeOf(statementRow);
      if (row !== undefined) place.row = row;
    }
    const code = first ? errorCodeFor(Number(first.Code), ctx.server) : 'DATABASE';
    const shown = list
      .slice(0, 5)
      .map((w) => `${String(w.Level)} ${String(w.Code)}: ${String(w.Message)}`)
      .join('; ');
    throw new PodMigrateError(
      code === 'DATABASE' ? 'VALUE_INVALID' : code,
      `MariaDB/MySQL altered or dropped data during ${how} (${warnings} warning${warnings > 1 ? 's' : ''}${shown ? `: ${shown}` : ''}${list.length > 5 ? '; …' : ''})`,
      { place },
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
    throw mapMysqlError(error, {
      place: { table: table.name },
      server: ctx.server,
      columns: columns.map((c) => c.name),
      rowOf: placeOf,
      action: what,
    });
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

/** One TSV field: `\N` for NULL; backslash, tab, newline, carriage return and NUL escaped. */
export function tsvField(value: DriverParam, binary: boolean): string {
  if (value === null) return '\\N';
  if (Buffer.isBuffer(value)) return value.toString('hex'); // loaded through UNHEX(@var)
  const text = typeof value === 'string' ? value : String(value);
  if (binary) return Buffer.from(text, 'utf8').toString('hex');
  // eslint-disable-next-line no-control-regex
  return /[\\\t\n\r\u0000]/.test(text)
    ? // eslint-disable-next-line no-control-regex
      text.replace(/[\\\t\n\r\u0000]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0'))
    : text;
}

export async function insertWithLoadData(
  ctx: BulkContext,
  table: TableInfo,
  columns: ColumnInfo[],
  rows: CanonicalValue[][],
): Promise<number> {
  if (rows.length === 0) return 0;
  const encoders = encodersFor(table, columns);
  const nameRow = rowNamer(table, columns, rows);
  const binary = columns.map((c) => c.type === 'binary');
  const targets = columns.map((c, i) => (binary[i] ? `@pm_v${i}` : quoteIdent(c.name)));
  const sets = columns.flatMap((c, i) => (binary[i] ? [`${quoteIdent(c.name)} = UNHEX(@pm_v${i})`] : []));
  const sql =
    `LOAD DATA LOCAL INFILE 'pod-migrate.tsv' INTO TABLE ${quoteIdent(table.name)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${targets.join(', ')})` +
    (sets.length > 0 ? ` SET ${sets.join(', ')}` : '');

  // Encode everything first: a refused value fails before anything is sent.
  const lines: string[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const encoded = encodeRow(table, columns, encoders, rows[r], () => nameRow(r));
    let line = '';
    for (let i = 0; i < encoded.length; i += 1) {
      if (i > 0) line += '\t';
      line += tsvField(encoded[i], binary[i]);
    }
    lines[r] = `${line}\n`;
  }
  function* chunks(): Generator<Buffer> {
    let pending = '';
    for (const line of lines) {
      pending += line;
      if (pending.length >= STRING_PIECE) {
        yield Buffer.from(pending, 'utf8');
        pending = '';
      }
    }
    if (pending.length > 0) yield Buffer.from(pending, 'utf8');
  }
  const placeOf = (statementRow: number) => (statementRow >= 1 && statementRow <= rows.length ? nameRow(statementRow - 1) : undefined);
  await runChecked(
    ctx,
    table,
    columns,
    { sql, infileStreamFactory: () => Readable.from(chunks(), { objectMode: false }) },
    rows.length,
    placeOf,
    `LOAD DATA into ${table.name}`,
  );
  return rows.length;
}
