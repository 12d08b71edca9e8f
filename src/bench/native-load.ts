/**
 * The database's own bulk load of the rows our import wrote, for the ratio "ours / theirs".
 *
 * For the chosen tables of the migrated v4 database:
 * 1. each table's rows are written to a file in the database's own load format: PostgreSQL `COPY (SELECT * FROM t) TO
 *    STDOUT` (text format); MariaDB a tab-separated file in LOAD DATA's default format (\N for NULL, \\ \t \n \r \0
 *    escaped), written from a streamed `SELECT *` (the server's INTO OUTFILE writes on the server host, which a
 *    benchmark cannot assume is this one);
 * 2. an empty twin of each, with the same columns and indexes (no foreign keys) — PostgreSQL
 *    `CREATE TABLE twin (LIKE t INCLUDING ALL)`, MariaDB `CREATE TABLE twin LIKE t`;
 * 3. the server is let settle (settle.ts), then the files are loaded into their twins one after another in the order
 *    the import wrote the tables, on one open connection, each load timed — PostgreSQL `COPY twin FROM STDIN`
 *    (pg-copy-streams), MariaDB `LOAD DATA LOCAL INFILE` (mysql2), each one statement in autocommit: the whole set
 *    loaded as the database's own tools would load it (mariadb-import, psql's \copy), the same rows our import writes
 *    in one go. (Each table loaded alone, with time between for the server to write the last one out, is faster than
 *    any whole load: the import never has that time.)
 * 4. timed: the same rows (read back through the dialect's streamRows, in memory) written into a second empty twin by
 *    the dialect's `insertRows`, 5,000 rows per call in one transaction — the engine's bulk path without the dump.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import mysqlCallback from 'mysql2';
import mysql from 'mysql2/promise';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { CanonicalValue } from '../convert/logical-types';
import { getDialect } from '../dialects';
import type { DatabaseConnection, TableInfo } from '../dialects/dialect';
import { mysqlDriverOptions, pgClient, type BenchDatabase } from './databases';
import { now } from './measure';
import { measureSteal, type PhaseSteal } from './steal';

export interface NativeLoad {
  table: string;
  rows: number;
  /** File size of the exported rows (bytes). */
  fileBytes: number;
  /** The database's own bulk load of the file into an empty twin. */
  nativeSeconds: number;
  /** The dialect's insertRows (5,000 rows per call, one transaction) of the same rows into an empty twin. */
  insertRowsSeconds: number;
  /** What the bulk path is, for the output. */
  method: string;
}

const BATCH = 5000;

function twinName(kind: string, index: number): string {
  return `zz_bench_${kind}_${index}`;
}

/** The loads, and what the hypervisor took from the machine while the files were loaded (steal.ts). */
export interface NativeLoads {
  loads: NativeLoad[];
  steal: PhaseSteal | null;
}

/**
 * `files: 'reuse'`: the files an earlier call wrote in `workDir` from the same rows (a later round, into another target
 * holding the same import). `insertRows: false`: step 4 left out (its figures are then 0).
 */
export async function measureNativeLoads(
  db: BenchDatabase,
  conn: DatabaseConnection,
  tables: string[],
  workDir: string,
  settle: () => Promise<unknown>,
  options: { files: 'write' | 'reuse'; insertRows: boolean } = { files: 'write', insertRows: true },
): Promise<NativeLoads> {
  const schema = await conn.introspect();
  const chosen = tables.map((name) => schema.tables.get(name)).filter((info): info is TableInfo => info !== undefined);
  const fileOf = (info: TableInfo) => join(workDir, `${info.name}.${db.dialect === 'mysql' ? 'tsv' : 'copy'}`);
  for (const info of options.files === 'write' ? chosen : []) {
    if (db.dialect === 'postgres') await postgresCopyOut(db, info.name, fileOf(info));
    else await writeMysqlTsv(db, info.name, fileOf(info));
  }
  const natives = chosen.map((_, i) => twinName('native', i));
  const loads: Array<{ rows: number; seconds: number; method: string }> = [];
  const seconds: number[] = [];
  let steal: PhaseSteal | null = null;
  try {
    for (let i = 0; i < chosen.length; i += 1) await createTwin(db, chosen[i].name, natives[i]);
    await settle();
    const load = db.dialect === 'postgres' ? await postgresLoader(db) : await mysqlLoader(db);
    try {
      const endSteal = measureSteal();
      for (let i = 0; i < chosen.length; i += 1) seconds.push(await load.into(natives[i], fileOf(chosen[i])));
      steal = endSteal();
      // Counted once every file is in: nothing between the loads.
      for (let i = 0; i < chosen.length; i += 1)
        loads.push({ rows: await load.count(natives[i]), seconds: seconds[i], method: load.method });
    } finally {
      await load.close();
    }
  } finally {
    await dropTwins(db, natives);
  }
  const out: NativeLoad[] = [];
  for (let i = 0; i < chosen.length; i += 1) {
    const viaRows = twinName('rows', i);
    try {
      const insertRowsSeconds = options.insertRows ? await insertRowsInto(db, conn, chosen[i], viaRows) : 0;
      out.push({
        table: chosen[i].name,
        rows: loads[i].rows,
        fileBytes: statSync(fileOf(chosen[i])).size,
        nativeSeconds: loads[i].seconds,
        insertRowsSeconds,
        method: loads[i].method,
      });
    } finally {
      await dropTwins(db, [viaRows]);
    }
  }
  return { loads: out, steal };
}

async function createTwin(db: BenchDatabase, table: string, twin: string): Promise<void> {
  await db.exec(
    db.dialect === 'postgres' ? `CREATE TABLE ${pg(twin)} (LIKE ${pg(table)} INCLUDING ALL)` : `CREATE TABLE ${my(twin)} LIKE ${my(table)}`,
  );
}

/** One open connection that loads file after file, each timed (seconds), and counts what each twin then holds. */
interface Loader {
  method: string;
  into(twin: string, file: string): Promise<number>;
  count(twin: string): Promise<number>;
  close(): Promise<void>;
}

async function dropTwins(db: BenchDatabase, names: string[]): Promise<void> {
  const q = (n: string) => getDialect(db.dialect).quoteIdent(n);
  await db.exec(names.map((n) => `DROP TABLE IF EXISTS ${q(n)};`).join('\n'));
}

async function postgresCopyOut(db: BenchDatabase, table: string, file: string): Promise<void> {
  const client = await pgClient(db.settings);
  try {
    await pipeline(client.query(copyTo(`COPY (SELECT * FROM ${pg(table)}) TO STDOUT`)), createWriteStream(file));
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function postgresLoader(db: BenchDatabase): Promise<Loader> {
  const client = await pgClient(db.settings);
  return {
    method: 'COPY FROM STDIN (text)',
    async into(twin, file) {
      const started = now();
      await pipeline(createReadStream(file), client.query(copyFrom(`COPY ${pg(twin)} FROM STDIN`)));
      return now() - started;
    },
    count: async (twin) => Number((await client.query(`SELECT count(*) AS n FROM ${pg(twin)}`)).rows[0].n),
    close: () => client.end().catch(() => undefined),
  };
}

const pg = (name: string): string => getDialect('postgres').quoteIdent(name);
const my = (name: string): string => getDialect('mysql').quoteIdent(name);
const BACKSLASH = 0x5c;
/** Byte → the letter after a backslash in a TSV field: NUL → 0, tab → t, LF → n, CR → r, backslash → itself. */
const ESCAPES: Record<number, number> = Object.fromEntries([
  [0x00, 0x30],
  [0x09, 0x74],
  [0x0a, 0x6e],
  [0x0d, 0x72],
  [0x5c, 0x5c],
]);
const NULL_FIELD = Buffer.from('\\N');
const TAB = Buffer.from('\t');
const NEWLINE = Buffer.from('\n');

function escapeField(value: Buffer): Buffer {
  let needs = false;
  for (let i = 0; i < value.length; i += 1) {
    if (ESCAPES[value[i]] !== undefined) {
      needs = true;
      break;
    }
  }
  if (!needs) return value;
  const out: number[] = [];
  for (const byte of value) {
    const escaped = ESCAPES[byte];
    if (escaped === undefined) out.push(byte);
    else out.push(BACKSLASH, escaped);
  }
  return Buffer.from(out);
}

/** Streams `SELECT * FROM t` (every value as the server's text bytes) into a LOAD DATA default-format file. */
async function writeMysqlTsv(db: BenchDatabase, table: string, file: string): Promise<void> {
  const conn = mysqlCallback.createConnection({ ...mysqlDriverOptions(db.settings), multipleStatements: false });
  const output = createWriteStream(file);
  try {
    const rows = conn
      .query({
        sql: `SELECT * FROM ${my(table)}`,
        rowsAsArray: true,
        typeCast: (field: { buffer: () => Buffer | null }) => field.buffer(),
      } as never)
      .stream();
    for await (const row of rows as AsyncIterable<Array<Buffer | null>>) {
      const parts: Buffer[] = [];
      row.forEach((value, i) => {
        if (i > 0) parts.push(TAB);
        parts.push(value === null ? NULL_FIELD : escapeField(value));
      });
      parts.push(NEWLINE);
      if (!output.write(Buffer.concat(parts))) await once(output, 'drain');
    }
    output.end();
    await once(output, 'finish');
  } finally {
    output.destroy();
    conn.destroy();
  }
}

async function mysqlLoader(db: BenchDatabase): Promise<Loader> {
  const conn = await mysql.createConnection({ ...mysqlDriverOptions(db.settings), multipleStatements: false });
  return {
    method: 'LOAD DATA LOCAL INFILE',
    async into(twin, file) {
      const started = now();
      const [header] = await conn.query({
        sql: `LOAD DATA LOCAL INFILE 'bench.tsv' INTO TABLE ${my(twin)} CHARACTER SET utf8mb4`,
        infileStreamFactory: () => createReadStream(file),
      });
      const seconds = now() - started;
      const warnings = (header as { warningStatus?: number }).warningStatus ?? 0;
      if (warnings > 0) {
        const [list] = await conn.query('SHOW WARNINGS LIMIT 3');
        throw new Error(`LOAD DATA into ${twin} gave ${warnings} warning(s): ${JSON.stringify(list)}`);
      }
      return seconds;
    },
    async count(twin) {
      const [rows] = await conn.query(`SELECT count(*) AS n FROM ${my(twin)}`);
      return Number((rows as Array<{ n: number }>)[0].n);
    },
    close: () => conn.end().catch(() => undefined),
  };
}

/** The dialect's own bulk path (what the import calls), rows already in memory. */
async function insertRowsInto(db: BenchDatabase, conn: DatabaseConnection, info: TableInfo, twin: string): Promise<number> {
  const rows: CanonicalValue[][] = [];
  for await (const values of conn.streamRows(info, info.columns)) rows.push(values);
  const q = (n: string) => getDialect(db.dialect).quoteIdent(n);
  await db.exec(
    db.dialect === 'mysql'
      ? `CREATE TABLE ${q(twin)} LIKE ${q(info.name)}`
      : `CREATE TABLE ${q(twin)} (LIKE ${q(info.name)} INCLUDING ALL)`,
  );
  const twinInfo: TableInfo = { ...info, name: twin };
  const started = now();
  await conn.transaction(async (tx) => {
    await tx.relaxForeignKeys();
    for (let i = 0; i < rows.length; i += BATCH) await tx.insertRows(twinInfo, twinInfo.columns, rows.slice(i, i + BATCH));
  });
  return now() - started;
}
