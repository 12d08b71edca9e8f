/**
 * The dialect contract, tested once (kysely's model): what every dialect must do alike — quoting, introspection,
 * the bulk paths, error mapping, sequences — looped over the dialects whose server is up (a dialect whose server is
 * down is skipped, and counted as skipped). What only one dialect does is tested in mysql.test.ts / postgres.test.ts.
 * Where the servers really differ (a native type, a catalog's own name), the expectation says so per dialect.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { CanonicalValue } from '../../src/convert/logical-types';
import { getDialect } from '../../src/dialects';
import type { ColumnInfo, DatabaseConnection, DialectName, ImportTransaction, TableInfo } from '../../src/dialects/dialect';
import { parseConnectionUrl, type ConnectionSettings } from '../../src/dialects/url';
import { PodMigrateError, type DatabaseFault, type ErrorPlace } from '../../src/errors';
import { flavorFor } from '../../src/plan';
import { ALL_DIALECTS, createPodDatabase, createTestDatabase, serverSettings, type TestDatabase } from '../helpers/databases';
import { dialectsByServer } from '../helpers/servers-up';
import { caught, collect } from '../helpers/async';
import { parentAndChild } from '../helpers/parent-child';

const { up, down } = dialectsByServer();

/** Query rows with integer text (PostgreSQL's bigint and count) as numbers, so both dialects compare alike. */
function numeric(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function refusal(run: () => unknown): PodMigrateError {
  try {
    run();
  } catch (error) {
    if (error instanceof PodMigrateError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** What differs per dialect in the quoting rule: its quote character, its limit, its placeholders. */
const QUOTING: Record<DialectName, { quote: string; longest: string[]; tooLong: string[]; placeholders: [number, string][] }> = {
  // 64 characters, whatever their bytes.
  mysql: { quote: '`', longest: ['x'.repeat(64), 'é'.repeat(64)], tooLong: ['x'.repeat(65), 'é'.repeat(65)], placeholders: [[1, '?'], [7, '?']] },
  // 63 bytes (NAMEDATALEN - 1): 'é' is two.
  postgres: { quote: '"', longest: ['x'.repeat(63), 'é'.repeat(31)], tooLong: ['x'.repeat(64), 'é'.repeat(32)], placeholders: [[1, '$1'], [3, '$3'], [7, '$7']] },
};

describe.each(ALL_DIALECTS)('%s dialect: quoting (no server needed)', (name) => {
  const dialect = getDialect(name);
  const rule = QUOTING[name];
  const other = rule.quote === '`' ? '"' : '`';

  test('quoteIdent quotes, doubles its own quote character and leaves the other alone', () => {
    expect(dialect.quoteIdent('order')).toBe(`${rule.quote}order${rule.quote}`);
    expect(dialect.quoteIdent('markerTime')).toBe(`${rule.quote}markerTime${rule.quote}`);
    expect(dialect.quoteIdent(`we${rule.quote}ird`)).toBe(`${rule.quote}we${rule.quote}${rule.quote}ird${rule.quote}`);
    expect(dialect.quoteIdent(`a${other}b`)).toBe(`${rule.quote}a${other}b${rule.quote}`);
    for (const longest of rule.longest) expect(dialect.quoteIdent(longest)).toBe(`${rule.quote}${longest}${rule.quote}`);
  });

  test('quoteIdent refuses empty names, NUL characters and names over the limit, as SCHEMA_MISMATCH', () => {
    for (const bad of ['', 'a\u0000b', ...rule.tooLong]) {
      expect(refusal(() => dialect.quoteIdent(bad)).code).toBe('SCHEMA_MISMATCH');
    }
    expect(refusal(() => dialect.quoteIdent('')).message).toMatch(/empty/);
    expect(refusal(() => dialect.quoteIdent('a\u0000b')).message).toMatch(/NUL/);
    expect(refusal(() => dialect.quoteIdent(rule.tooLong[0])).message).toMatch(/longer than/);
  });

  test('placeholders', () => {
    for (const [index, text] of rule.placeholders) expect(dialect.placeholder(index)).toBe(text);
  });

  test('plan explain quotes with the same rule: same text, same refusals', () => {
    const flavor = flavorFor(name);
    expect(flavor.quoteIdent).toBe(dialect.quoteIdent);
    expect(flavor.placeholder).toBe(dialect.placeholder);
    for (const bad of ['', 'a\u0000b', ...rule.tooLong]) expect(refusal(() => flavor.quoteIdent(bad)).code).toBe('SCHEMA_MISMATCH');
  });
});

/** The same small schema in each dialect's DDL (a Django-like pair of tables). */
const SMALL_SCHEMA: Record<DialectName, string> = {
  mysql: `
    CREATE TABLE team (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(40) NOT NULL, CONSTRAINT team_name_uq UNIQUE (name));
    CREATE TABLE person (
      id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`order\` smallint NULL,
      title varchar(250) NOT NULL,
      active tinyint(1) NOT NULL DEFAULT 1,
      born date NULL,
      seen datetime(6) NULL,
      doc json NULL,
      team_id int NULL,
      CONSTRAINT person_team_fk FOREIGN KEY (team_id) REFERENCES team (id)
    )`,
  postgres: `
    CREATE TABLE team (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name varchar(40) NOT NULL, CONSTRAINT team_name_uq UNIQUE (name));
    CREATE TABLE person (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      "order" smallint NULL,
      title varchar(250) NOT NULL,
      active boolean NOT NULL DEFAULT true,
      born date NULL,
      seen timestamp with time zone NULL,
      doc jsonb NULL,
      team_id integer NULL,
      CONSTRAINT person_team_fk FOREIGN KEY (team_id) REFERENCES team (id)
    )`,
};

/** Every logical type the bulk paths carry alike: text of any script, NULLs, JSON, booleans, microseconds. */
const SAMPLE_TABLE: Record<DialectName, string> = {
  mysql: `CREATE TABLE sample (
    id bigint PRIMARY KEY, flag tinyint(1) NULL, label varchar(100) NULL, body longtext NULL, amount decimal(12,4) NULL,
    ratio double NULL, created datetime(6) NULL, day date NULL, at time(6) NULL, doc json NULL)`,
  postgres: `CREATE TABLE sample (
    id bigint PRIMARY KEY, flag boolean NULL, label varchar(100) NULL, body text NULL, amount numeric(12,4) NULL,
    ratio double precision NULL, created timestamp with time zone NULL, day date NULL, at time NULL, doc jsonb NULL)`,
};

const SAMPLE_ROWS: CanonicalValue[][] = [
  [
    1, true, 'Élève 😀 𝄞 日本語 "quoted" \' \\ back\nslash\ttab', `${'é'.repeat(40_000)} end`, '12345678.1234', 0.1,
    '2024-02-29 23:59:59.123456', '2024-02-29', '23:59:59.999999',
    // jsonb's own text form, so that both servers give it back as written.
    { json: '{"a": [true, null, "😀"], "n": 1.5, "nested": {"deep": []}}' },
  ],
  [2, false, ' trailing space ', '', '-0.0001', -1.5e300, '1970-01-01 00:00:00.000001', '0001-01-01', '00:00:00.000000', { json: '[]' }],
  [3, null, null, null, null, null, null, null, null, null],
];

/** The bulk paths of each dialect, chosen by connection options. */
const BULK_PATHS: Record<DialectName, Array<[string, Record<string, string>]>> = {
  mysql: [
    ['multi-row INSERT', { bulk: 'insert' }],
    ['LOAD DATA LOCAL', { bulk: 'load-data' }],
  ],
  postgres: [
    ['COPY', {}],
    // One shared session (the demo's PGlite): json_to_recordset on the pool.
    ['json_to_recordset', { maximumPoolSize: '1' }],
  ],
};

/** Pod 4.0.3's columns as each dialect introspects them: what both agree on, then what only one says. */
const POD_COLUMNS_ALIKE: Record<string, Partial<ColumnInfo>> = {
  'video_video.id': { type: 'integer', autoIncrement: true, hasDefault: true, position: 1 },
  'video_video.order': { type: 'integer', nullable: true, autoIncrement: false, hasDefault: false },
  'video_video.title': { type: 'text', maxLength: 250, hasDefault: false },
  'video_video.date_added': { type: 'datetime' },
  'video_video.date_evt': { type: 'date', nullable: true },
  'video_video.duration': { type: 'integer' },
  'video_usermarkertime.markerTime': { type: 'integer' },
  'quiz_singlechoicequestion.choices': { type: 'json' },
  'quiz_multiplechoicequestion.choices': { type: 'json' },
  'cut_cutvideo.start': { type: 'time' },
  'auth_group.id': { type: 'integer', autoIncrement: true },
  ...Object.fromEntries(
    ['allow_downloading', 'is_360', 'is_draft', 'is_restricted', 'encoding_in_progress', 'is_video', 'disable_comment'].map((c) => [
      `video_video.${c}`,
      { type: 'boolean', nullable: false },
    ]),
  ),
};

const POD_COLUMNS_OWN: Record<DialectName, Record<string, Partial<ColumnInfo>>> = {
  mysql: {
    'video_video.order': { nativeType: 'smallint(5) unsigned' },
    'video_video.title': { collation: 'utf8mb4_general_ci' },
    // char(32) uuids: text on MariaDB
    'quiz_singlechoicequestion.id': { type: 'text' },
    'quiz_multiplechoicequestion.id': { type: 'text' },
    'meeting.expected_duration': { type: 'integer' },
    'recorder_recorder.address_ip': { type: 'text' },
  },
  postgres: {
    'video_video.id': { nativeType: 'bigint' },
    'video_video.is_draft': { nativeType: 'boolean' },
    'video_video.order': { nativeType: 'smallint' },
    'video_video.title': { nativeType: 'character varying(250)', collation: null },
    'video_video.description': { type: 'text', nativeType: 'text', maxLength: null },
    'video_video.date_added': { nativeType: 'timestamp with time zone' },
    'video_usermarkertime.markerTime': { nativeType: 'integer' },
    'meeting.expected_duration': { type: 'interval', nativeType: 'interval' },
    'quiz_singlechoicequestion.id': { type: 'uuid', nativeType: 'uuid', autoIncrement: false, hasDefault: false },
    'quiz_multiplechoicequestion.id': { type: 'uuid', nativeType: 'uuid', autoIncrement: false, hasDefault: false },
    'quiz_singlechoicequestion.choices': { nativeType: 'jsonb' },
    'quiz_multiplechoicequestion.choices': { nativeType: 'jsonb' },
    'video_videoaccesstoken.token': { type: 'uuid' },
    'recorder_recorder.address_ip': { type: 'inet', nativeType: 'inet' },
    'cut_cutvideo.start': { nativeType: 'time without time zone' },
    'auth_group.id': { nativeType: 'integer' },
  },
};

/** What differs per dialect in the live tests: server SQL, and the words of messages each server writes itself. */
const LIVE: Record<
  DialectName,
  {
    serverVersion: RegExp;
    autoId: string;
    fill50k: string;
    sessionId: string;
    kill: string;
    sleep: string;
    unknownDatabase: RegExp;
    /** Options for the streaming test: a pool of one on MariaDB shows a half-read connection is not reused. */
    streamOptions: Record<string, string>;
  }
> = {
  mysql: {
    serverVersion: /\d+\.\d+/,
    autoId: 'bigint NOT NULL AUTO_INCREMENT PRIMARY KEY',
    fill50k: "INSERT INTO big SELECT seq, CONCAT(REPEAT('x', 200), seq) FROM seq_1_to_50000",
    sessionId: 'SELECT CONNECTION_ID() AS id',
    kill: 'KILL ?',
    sleep: 'SELECT SLEEP(30)',
    unknownDatabase: /Unknown database/,
    streamOptions: { connectionLimit: '1' },
  },
  postgres: {
    serverVersion: /^PostgreSQL \d+/,
    autoId: 'bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY',
    fill50k: "INSERT INTO big SELECT g, repeat('x', 200) || g FROM generate_series(1, 50000) g",
    sessionId: 'SELECT pg_backend_pid() AS id',
    kill: 'SELECT pg_terminate_backend($1)',
    sleep: 'SELECT pg_sleep(30)',
    unknownDatabase: /does not exist/,
    streamOptions: {},
  },
};

function withOptions(settings: ConnectionSettings, options: Record<string, string>): ConnectionSettings {
  return { ...settings, options: { ...settings.options, ...options } };
}

function describeLive(name: string, body: (dialect: DialectName) => void): void {
  if (up.length > 0) describe.each(up)(`%s dialect: ${name}`, body);
  if (down.length > 0) describe.skip.each(down)(`%s dialect: ${name} (server down)`, body);
}

describeLive('live server', (name) => {
  const dialect = getDialect(name);
  const live = LIVE[name];
  const opened: Array<{ db?: TestDatabase; conn?: DatabaseConnection }> = [];

  async function fresh(label: string, options: Record<string, string> = {}) {
    const db = await createTestDatabase(name, label);
    const entry: { db: TestDatabase; conn?: DatabaseConnection } = { db };
    opened.push(entry);
    entry.conn = await dialect.connect(withOptions(db.settings, options));
    return { db, conn: entry.conn };
  }

  async function also(db: TestDatabase, options: Record<string, string> = {}): Promise<DatabaseConnection> {
    const conn = await dialect.connect(withOptions(db.settings, options));
    opened.push({ conn });
    return conn;
  }

  async function tableOf(conn: DatabaseConnection, table: string): Promise<TableInfo> {
    const info = (await conn.introspect()).tables.get(table);
    if (!info) throw new Error(`no table ${table}`);
    return info;
  }

  afterEach(async () => {
    // Connections first (in reverse), then their databases.
    for (const { conn } of opened.slice().reverse()) await conn?.close().catch(() => undefined);
    for (const { db } of opened.splice(0)) await db?.drop().catch(() => undefined);
  });

  describe('introspection', () => {
    test('a small table: types, nullability, defaults, keys, foreign keys', async () => {
      const { db, conn } = await fresh('introspect');
      await db.exec(SMALL_SCHEMA[name]);
      const schema = await conn.introspect();
      expect([...schema.tables.keys()].sort()).toEqual(['person', 'team']);
      expect(schema.serverVersion).toMatch(live.serverVersion);
      const person = schema.tables.get('person')!;
      const shape = person.columns.map(({ name: column, type, nullable, hasDefault, autoIncrement, maxLength, position }) => ({
        column,
        type,
        nullable,
        hasDefault,
        autoIncrement,
        maxLength,
        position,
      }));
      expect(shape).toEqual([
        { column: 'id', type: 'integer', nullable: false, hasDefault: true, autoIncrement: true, maxLength: null, position: 1 },
        { column: 'order', type: 'integer', nullable: true, hasDefault: false, autoIncrement: false, maxLength: null, position: 2 },
        { column: 'title', type: 'text', nullable: false, hasDefault: false, autoIncrement: false, maxLength: 250, position: 3 },
        { column: 'active', type: 'boolean', nullable: false, hasDefault: true, autoIncrement: false, maxLength: null, position: 4 },
        { column: 'born', type: 'date', nullable: true, hasDefault: false, autoIncrement: false, maxLength: null, position: 5 },
        { column: 'seen', type: 'datetime', nullable: true, hasDefault: false, autoIncrement: false, maxLength: null, position: 6 },
        // MariaDB's JSON is a LONGTEXT (with a json_valid CHECK): its length limit is LONGTEXT's.
        { column: 'doc', type: 'json', nullable: true, hasDefault: false, autoIncrement: false, maxLength: name === 'mysql' ? 4294967295 : null, position: 7 },
        { column: 'team_id', type: 'integer', nullable: true, hasDefault: false, autoIncrement: false, maxLength: null, position: 8 },
      ]);
      expect(person.primaryKey).toEqual(['id']);
      expect(schema.tables.get('team')!.uniqueKeys).toEqual([{ name: 'team_name_uq', columns: ['name'] }]);
      expect(schema.foreignKeys).toEqual([{ table: 'person', column: 'team_id', refTable: 'team', refColumn: 'id' }]);
    });

    test("Pod 4.0.3's schema", async () => {
      const db = await createPodDatabase(name, '4.0.3', { data: 'none' });
      const entry: { db: TestDatabase; conn?: DatabaseConnection } = { db };
      opened.push(entry);
      const conn = await dialect.connect(db.settings);
      entry.conn = conn;
      const schema = await conn.introspect();
      expect(schema.tables.size).toBe(143);
      expect(schema.serverVersion).toMatch(live.serverVersion);
      const expected = { ...POD_COLUMNS_ALIKE };
      for (const [key, own] of Object.entries(POD_COLUMNS_OWN[name])) expected[key] = { ...expected[key], ...own };
      for (const [key, columnShape] of Object.entries(expected)) {
        const [table, column] = key.split('.');
        const found = schema.tables.get(table)?.columns.find((c) => c.name === column);
        expect({ key, column: found }).toMatchObject({ key, column: columnShape });
      }
      const video = schema.tables.get('video_video')!;
      expect(video.primaryKey).toEqual(['id']);
      expect(video.columns.map((c) => c.position)).toEqual(video.columns.map((_, i) => i + 1));
      expect(schema.tables.get('django_session')!.primaryKey).toEqual(['session_key']);
      // Composite primary keys come in key order; every Django table has one.
      for (const table of schema.tables.values()) expect({ table: table.name, key: table.primaryKey.length > 0 }).toEqual({ table: table.name, key: true });
      expect(schema.foreignKeys).toContainEqual({ table: 'video_video', column: 'owner_id', refTable: 'auth_user', refColumn: 'id' });
      expect(schema.foreignKeys).toContainEqual({ table: 'video_theme', column: 'parentId_id', refTable: 'video_theme', refColumn: 'id' });
      expect(schema.foreignKeys.length).toBeGreaterThan(150);
    });
  });

  describe('bulk paths', () => {
    test.each(BULK_PATHS[name])('%s: insert and read back every value (NULLs, unicode, JSON, booleans, microseconds)', async (_path, options) => {
      const { db, conn } = await fresh('bulk', options);
      await db.exec(SAMPLE_TABLE[name]);
      const table = await tableOf(conn, 'sample');
      expect(table.columns.map((c) => c.type)).toEqual(['integer', 'boolean', 'text', 'text', 'decimal', 'float', 'datetime', 'date', 'time', 'json']);
      const written = await conn.transaction(async (tx) => {
        await tx.relaxForeignKeys();
        return tx.insertRows(table, table.columns, SAMPLE_ROWS);
      });
      expect(written).toBe(3);
      expect(await collect(conn.streamRows(table, table.columns))).toEqual(SAMPLE_ROWS);
      // A subset of columns in another order, ordered by another column (NULLs apart: their place differs per server).
      const subset = [table.columns[2], table.columns[0]];
      expect(await collect(conn.streamRows(table, subset, ['label']))).toContainEqual([' trailing space ', 2]);
      expect(await collect(conn.streamRows(table, [table.columns[0]], ['id']))).toEqual([[1], [2], [3]]);
    });

    test('50k rows × 5 columns in chunks, one transaction, read back identical', async () => {
      // Speed is `npm run bench`'s job; this checks the bulk path keeps every value across many chunks.
      const { db, conn } = await fresh('bulkscale');
      await db.exec(
        name === 'mysql'
          ? 'CREATE TABLE bulk (id bigint PRIMARY KEY, title varchar(250) NOT NULL, flag tinyint(1) NOT NULL, created datetime(6) NOT NULL, amount int NULL)'
          : 'CREATE TABLE bulk (id bigint PRIMARY KEY, title varchar(250) NOT NULL, flag boolean NOT NULL, created timestamptz NOT NULL, amount integer)',
      );
      const table = await tableOf(conn, 'bulk');
      const rows: CanonicalValue[][] = Array.from({ length: 50_000 }, (_, i) => [
        i + 1,
        `Vidéo numéro ${i + 1} — un titre de longueur moyenne`,
        i % 2 === 0,
        `2023-05-${String((i % 28) + 1).padStart(2, '0')} 10:20:30.123456`,
        i % 7 === 0 ? null : i * 3,
      ]);
      await conn.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += 10_000) await tx.insertRows(table, table.columns, rows.slice(i, i + 10_000));
      });
      let n = 0;
      const mismatches: number[] = [];
      for await (const row of conn.streamRows(table, table.columns)) {
        if (JSON.stringify(row) !== JSON.stringify(rows[n])) mismatches.push(n + 1);
        n += 1;
      }
      expect(n).toBe(50_000);
      expect(mismatches.slice(0, 5)).toEqual([]);
    });

    test('streams 50k rows with bounded memory and stops early cleanly', async () => {
      const { db, conn } = await fresh('stream', live.streamOptions);
      await db.exec(`CREATE TABLE big (id integer PRIMARY KEY, label varchar(250) NOT NULL)`);
      await db.exec(live.fill50k);
      const table = await tableOf(conn, 'big');
      // Live heap after a full collection, sampled while streaming: it must not grow with the rows read.
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc') as () => void;
      const heap = () => {
        gc();
        return process.memoryUsage().heapUsed;
      };
      const before = heap();
      let count = 0;
      let last = 0;
      let peak = 0;
      for await (const row of conn.streamRows(table, table.columns)) {
        count += 1;
        expect(row[0]).toBe(last + 1);
        last = row[0] as number;
        if (count % 10_000 === 0) peak = Math.max(peak, heap() - before);
      }
      expect(count).toBe(50_000);
      // Buffered, 50k rows of ~205 characters would hold well over 20 MB.
      expect(peak).toBeLessThan(8 * 1024 * 1024);
      // Stopping early releases (or closes) the connection: more often than the pool holds (10 on PostgreSQL, 1 here on MariaDB).
      for (let i = 0; i < 12; i += 1) {
        let seen = 0;
        for await (const row of conn.streamRows(table, table.columns)) {
          seen += 1;
          expect(row[0]).toBe(seen);
          if (seen === 10) break;
        }
        expect(seen).toBe(10);
      }
      expect(numeric(await conn.query('SELECT COUNT(*) AS n FROM big'))).toEqual([{ n: 50_000 }]);
    });

    test('same dialect on both sides: the source streams inside the target transaction', async () => {
      const { db: sourceDb, conn: source } = await fresh('samesource');
      const { db: targetDb, conn: target } = await fresh('sametarget');
      for (const db of [sourceDb, targetDb]) await db.exec('CREATE TABLE t (id integer PRIMARY KEY, note varchar(20))');
      await sourceDb.exec(name === 'mysql' ? "INSERT INTO t SELECT seq, CONCAT('n', seq) FROM seq_1_to_5000" : "INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 5000) g");
      const table = await tableOf(target, 't');
      const copied = await target.transaction(async (tx) => {
        await tx.relaxForeignKeys();
        await tx.deleteAll(table);
        // A plain query on the other connection from inside this transaction.
        expect(numeric(await source.query('SELECT COUNT(*) AS n FROM t'))).toEqual([{ n: 5000 }]);
        let batch: CanonicalValue[][] = [];
        let total = 0;
        for await (const row of source.streamRows(table, table.columns)) {
          batch.push(row);
          if (batch.length === 1000) {
            total += await tx.insertRows(table, table.columns, batch);
            batch = [];
          }
        }
        total += await tx.insertRows(table, table.columns, batch);
        // The transaction's own connection sees its uncommitted rows.
        expect(numeric(await tx.query('SELECT COUNT(*) AS n FROM t'))).toEqual([{ n: 5000 }]);
        return total;
      });
      expect(copied).toBe(5000);
      expect(numeric(await target.query('SELECT COUNT(*) AS n, MAX(note) AS m FROM t'))).toEqual([{ n: 5000, m: 'n999' }]);
    });
  });

  describe('transactions', () => {
    test('a failing insert rolls the whole transaction back; errors of the work pass through unchanged', async () => {
      const { db, conn } = await fresh('rollback');
      const { parent, child } = await parentAndChild(db, conn);
      const error = await caught(
        conn.transaction(async (tx) => {
          await tx.relaxForeignKeys();
          expect(await tx.deleteAll(child)).toBe(2);
          expect(await tx.deleteAll(parent)).toBe(2);
          // children before their parents: accepted while the foreign keys are relaxed
          expect(await tx.insertRows(child, child.columns, [[30, 3]])).toBe(1);
          expect(await tx.insertRows(parent, parent.columns, [[3, 'three'], [4, 'four']])).toBe(2);
          await tx.insertRows(parent, parent.columns, [[5, 'five'], [6, 'three']]);
          await tx.query('SELECT 1');
        }),
      );
      expect(error).toMatchObject({ code: 'INTEGRITY', fault: 'unique-violation', place: { table: 'parent' } });
      expect(error.cause).toBeDefined();
      expect(await db.query('SELECT id, name FROM parent ORDER BY id')).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ]);
      expect(await db.query('SELECT id, parent_id FROM child ORDER BY id')).toEqual([
        { id: 10, parent_id: 1 },
        { id: 20, parent_id: 2 },
      ]);
      // Without relaxing, an orphan is refused by the server, naming table, column and constraint.
      const orphan = await caught(conn.transaction((tx) => tx.insertRows(child, child.columns, [[50, 99]])));
      expect(orphan).toMatchObject({ code: 'INTEGRITY', fault: 'foreign-key-violation', place: { table: 'child', column: 'parent_id' } });
      expect(orphan.place.constraint).toEqual(expect.any(String));
      // Errors of the work itself pass through unchanged.
      const mine = new Error('engine bug');
      await expect(conn.transaction(async () => Promise.reject(mine))).rejects.toBe(mine);
      // A committed transaction is there.
      await conn.transaction((tx) => tx.insertRows(parent, parent.columns, [[7, 'seven']]));
      expect(numeric(await db.query('SELECT COUNT(*) AS n FROM parent'))).toEqual([{ n: 3 }]);
    });
  });

  describe('error mapping: one code and the same fields for the same fault', () => {
    const FAULT_SCHEMA = `
      CREATE TABLE parent (id int PRIMARY KEY, name varchar(20) NOT NULL, CONSTRAINT parent_name_uq UNIQUE (name));
      CREATE TABLE child (
        id int PRIMARY KEY, parent_id int NOT NULL, qty int NULL, short varchar(5) NULL, day date NULL,
        CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id),
        CONSTRAINT child_qty_positive CHECK (qty > 0));
      INSERT INTO parent VALUES (1, 'one'), (2, 'two');`;

    async function faultTables() {
      const { db, conn } = await fresh('faults');
      await db.exec(FAULT_SCHEMA);
      const schema = await conn.introspect();
      return { db, conn, parent: schema.tables.get('parent')!, child: schema.tables.get('child')! };
    }

    /** The error of one bulk insert into a fresh transaction (the import's own path). */
    function inserting(conn: DatabaseConnection, table: TableInfo, rows: CanonicalValue[][]): Promise<PodMigrateError> {
      return caught(conn.transaction((tx: ImportTransaction) => tx.insertRows(table, table.columns, rows)));
    }

    const expectFault = (error: PodMigrateError, code: string, fault: DatabaseFault | undefined, place: ErrorPlace) => {
      expect({ code: error.code, fault: error.fault, place: error.place }).toEqual({ code, fault, place });
      expect(error.cause).toBeDefined();
    };

    test('constraint violations on the bulk path: unique, foreign key, NOT NULL, CHECK', async () => {
      const { db, conn, parent, child } = await faultTables();
      expectFault(await inserting(conn, parent, [[3, 'one']]), 'INTEGRITY', 'unique-violation', { table: 'parent', constraint: 'parent_name_uq' });
      expectFault(await inserting(conn, child, [[10, 99, null, null, null]]), 'INTEGRITY', 'foreign-key-violation', {
        table: 'child',
        column: 'parent_id',
        constraint: 'child_parent_fk',
      });
      expectFault(await inserting(conn, parent, [[4, null]]), 'INTEGRITY', 'not-null-violation', { table: 'parent', column: 'name' });
      expectFault(await inserting(conn, child, [[11, 1, -5, null, null]]), 'INTEGRITY', 'check-violation', { table: 'child', constraint: 'child_qty_positive' });
      expect(numeric(await db.query('SELECT COUNT(*) AS n FROM child'))).toEqual([{ n: 0 }]);
    });

    test('values the column cannot hold: too long, impossible (bulk path and plain statements)', async () => {
      const { conn, child } = await faultTables();
      // On the bulk path the row is named by its key, whether the server or the dialect's own encoder refused it.
      let error = await inserting(conn, child, [[12, 1, null, 'abcdef', null]]);
      expect({ code: error.code, place: error.place }).toEqual({ code: 'VALUE_INVALID', place: { table: 'child', row: 12, column: 'short' } });
      error = await inserting(conn, child, [[13, 1, null, null, '2023-02-29']]);
      expect({ code: error.code, place: error.place }).toEqual({ code: 'VALUE_INVALID', place: { table: 'child', row: 13, column: 'day' } });
      // A plain statement: the server's own refusal (PostgreSQL names no column there, MariaDB does).
      const insert = `INSERT INTO child (id, parent_id, qty, short) VALUES (${[1, 2, 3, 4].map((i) => conn.dialect.placeholder(i)).join(', ')})`;
      error = await caught(conn.query(insert, [14, 1, null, 'abcdef']));
      expect({ code: error.code, fault: error.fault }).toEqual({ code: 'VALUE_INVALID', fault: 'value-too-long' });
      error = await caught(conn.query(insert, [15, 1, 'abc', null]));
      expect({ code: error.code, fault: error.fault }).toEqual({ code: 'VALUE_INVALID', fault: 'bad-value' });
    });

    test('unknown table, unknown column', async () => {
      const { conn } = await faultTables();
      expectFault(await caught(conn.query('SELECT * FROM nope')), 'SCHEMA_MISMATCH', 'unknown-table', { table: 'nope' });
      expectFault(await caught(conn.query('SELECT zz FROM parent')), 'SCHEMA_MISMATCH', 'unknown-column', { column: 'zz' });
      expectFault(await caught(collect(conn.streamQuery('SELECT zz FROM parent'))), 'SCHEMA_MISMATCH', 'unknown-column', { column: 'zz' });
    });

    test('lock wait timeout: another session holds the row', async () => {
      const { db, conn: holder } = await faultTables();
      const waiter = await also(db, { lockTimeout: '1' });
      const locked = deferred();
      const done = deferred();
      const holding = holder.transaction(async (tx) => {
        await tx.query(`SELECT id FROM parent WHERE id = ${holder.dialect.placeholder(1)} FOR UPDATE`, [1]);
        locked.resolve();
        await done.promise;
      });
      await locked.promise;
      const error = await caught(waiter.query(`UPDATE parent SET name = ${waiter.dialect.placeholder(1)} WHERE id = 1`, ['uno']));
      done.resolve();
      await holding;
      expectFault(error, 'DATABASE', 'lock-timeout', {});
      expect(error.message).toMatch(/another session holds a lock .* waited 1 s/);
    });

    test('deadlock: one of two transactions is chosen as the victim', async () => {
      const { conn } = await faultTables();
      const update = `UPDATE parent SET name = ${conn.dialect.placeholder(1)} WHERE id = ${conn.dialect.placeholder(2)}`;
      const firstLocked = deferred();
      const secondLocked = deferred();
      const crossing = (mine: number, theirs: number, lockedMine: () => void, theirsLocked: Promise<void>) =>
        conn.transaction(async (tx) => {
          await tx.query(update, [`mine${mine}`, mine]);
          lockedMine();
          await theirsLocked;
          await tx.query(update, [`theirs${mine}`, theirs]);
        });
      const results = await Promise.allSettled([
        crossing(1, 2, firstLocked.resolve, secondLocked.promise),
        crossing(2, 1, secondLocked.resolve, firstLocked.promise),
      ]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect(failed[0].reason).toBeInstanceOf(PodMigrateError);
      expectFault(failed[0].reason as PodMigrateError, 'DATABASE', 'deadlock', {});
    });

    test('connection lost: the session is killed from another one', async () => {
      const { conn } = await faultTables();
      const started = deferred();
      const killed = conn.transaction(async (tx) => {
        const [{ id }] = await tx.query(live.sessionId);
        const sleeping = tx.query(live.sleep);
        started.resolve();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await conn.query(live.kill, [id]);
        await sleeping;
      });
      const error = await caught(killed);
      await started.promise;
      expect({ code: error.code, fault: error.fault }).toEqual({ code: 'DATABASE', fault: 'connection-lost' });
      // The pool goes on with other connections.
      expect(await conn.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });

    test('access denied and an unknown database: DATABASE, naming where, never the password', async () => {
      const server = serverSettings(name);
      const scheme = name === 'mysql' ? 'mysql' : 'postgres';
      const nobody = parseConnectionUrl(`${scheme}://pm_nobody:Sup3rSecr3tPw@${server.host}:${server.port}/nowhere`);
      const denied = await caught(dialect.connect(nobody));
      expect({ code: denied.code, fault: denied.fault }).toEqual({ code: 'DATABASE', fault: 'access-denied' });
      expect(denied.message).toContain(nobody.displayName);
      for (const text of [denied.message, JSON.stringify(denied.place)]) expect(text).not.toContain('Sup3rSecr3tPw');

      const db = await createTestDatabase(name, 'nodb');
      opened.push({ db });
      // PostgreSQL's trust authentication ignores the password; MariaDB would refuse root's login with one first.
      const password = name === 'postgres' ? 's3cr3t-pw' : db.settings.password;
      const missing = { ...db.settings, database: `${db.settings.database}_missing`, password };
      const unknown = await caught(dialect.connect(missing));
      expect(unknown.code).toBe('DATABASE');
      expect(unknown.message).toMatch(live.unknownDatabase);
      expect(unknown.message).not.toMatch(/s3cr3t/);
    });
  });

  describe('sequences / AUTO_INCREMENT', () => {
    test('after an import, a plain INSERT gets max + 1 and nothing is behind', async () => {
      const { db, conn } = await fresh('advance');
      await db.exec(`CREATE TABLE seqb (id ${live.autoId}, name varchar(20))`);
      const seqb = await tableOf(conn, 'seqb');
      await conn.transaction(async (tx) => {
        await tx.insertRows(seqb, seqb.columns, [[1, 'a'], [7, 'b']]);
        await tx.advanceSequences([seqb]);
      });
      expect(await conn.sequencesBehind([seqb])).toEqual([]);
      await conn.query(`INSERT INTO seqb (name) VALUES (${conn.dialect.placeholder(1)})`, ['new']);
      expect(numeric(await conn.query(`SELECT id FROM seqb WHERE name = ${conn.dialect.placeholder(1)}`, ['new']))).toEqual([{ id: 8 }]);
    });

    test('resetSequences moves the counter to max + 1 (up and down), and an empty table starts at 1', async () => {
      const { db, conn } = await fresh('sequences');
      await db.exec(`
        CREATE TABLE seqd (id ${live.autoId}, name varchar(20));
        CREATE TABLE empty_one (id ${live.autoId}, name varchar(20));
        CREATE TABLE no_auto (id int PRIMARY KEY);
        INSERT INTO seqd (id, name) VALUES (5000, 'gone');
        DELETE FROM seqd;`);
      const schema = await conn.introspect();
      const seqd = schema.tables.get('seqd')!;
      const p = conn.dialect.placeholder(1);
      await conn.transaction((tx) => tx.insertRows(seqd, seqd.columns, [[1, 'a'], [3000000000, 'b'], [7, 'c']]));
      await conn.resetSequences([...schema.tables.values()]);
      await conn.query(`INSERT INTO seqd (name) VALUES (${p})`, ['new']);
      expect(numeric(await conn.query(`SELECT id FROM seqd WHERE name = ${p}`, ['new']))).toEqual([{ id: 3000000001 }]);
      // lowered below a counter left high by deleted rows
      await db.exec("DELETE FROM seqd WHERE id > 7; INSERT INTO seqd (id, name) VALUES (100, 'x'); DELETE FROM seqd WHERE id = 100;");
      await conn.resetSequences([seqd]);
      await conn.query("INSERT INTO seqd (name) VALUES ('after')");
      expect(numeric(await conn.query("SELECT id FROM seqd WHERE name = 'after'"))).toEqual([{ id: 8 }]);
      await conn.query("INSERT INTO empty_one (name) VALUES ('first')");
      expect(numeric(await conn.query('SELECT id FROM empty_one'))).toEqual([{ id: 1 }]);
    });
  });
});
