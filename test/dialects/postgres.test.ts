/**
 * The PostgreSQL dialect against a real server: every test gets its own fresh database (test/helpers/databases.ts).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { isJsonText, type CanonicalValue } from '../../src/convert/logical-types';
import type { ColumnInfo, DatabaseConnection, TableInfo } from '../../src/dialects/dialect';
import { postgresDialect } from '../../src/dialects/postgres';
import { intervalToMicros } from '../../src/dialects/postgres/codec';
import { findPlaceholders, toSlonikQuery } from '../../src/dialects/postgres/query';
import { PodMigrateError } from '../../src/errors';
import { createPodDatabase, createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/databases';

const describeIfPostgres = DIALECTS.includes('postgres') ? describe : describe.skip;

async function expectRejection(promise: Promise<unknown>): Promise<PodMigrateError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PodMigrateError);
    return error as PodMigrateError;
  }
  throw new Error('expected a rejection');
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function table(schema: Map<string, TableInfo>, name: string): TableInfo {
  const info = schema.get(name);
  if (!info) throw new Error(`no table ${name}`);
  return info;
}

function column(info: TableInfo, name: string): ColumnInfo {
  const found = info.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${info.name}.${name}`);
  return found;
}

describe('postgres dialect: pure parts', () => {
  test('quoteIdent doubles quotes and refuses empty, NUL and over-long names', () => {
    expect(postgresDialect.quoteIdent('order')).toBe('"order"');
    expect(postgresDialect.quoteIdent('markerTime')).toBe('"markerTime"');
    expect(postgresDialect.quoteIdent('a"b')).toBe('"a""b"');
    for (const bad of ['', 'a\u0000b', 'x'.repeat(64)]) {
      let caught: unknown;
      try {
        postgresDialect.quoteIdent(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PodMigrateError);
      expect((caught as PodMigrateError).code).toBe('SCHEMA_MISMATCH');
    }
    expect(postgresDialect.placeholder(3)).toBe('$3');
    expect(postgresDialect.uniqueFold('C')('Été')).toBe('Été');
  });

  test('placeholders are found outside literals, identifiers, comments and dollar quotes only', () => {
    const text = `SELECT $2, '$1', "$1", $$ $1 $$, $tag$ $1 $tag$, E'\\' $1' -- $1\n /* $1 */ , $1, x$1`;
    expect(findPlaceholders(text).map((p) => p.index)).toEqual([2, 1]);
    const query = toSlonikQuery('SELECT $2::int + $1::int + $2::int', [1, 10]);
    expect(query.values).toEqual([10, 1, 10]);
    expect(() => toSlonikQuery('SELECT $3', [1])).toThrow(PodMigrateError);
  });

  test('iso_8601 intervals become microseconds', () => {
    expect(intervalToMicros('PT0S')).toBe(0);
    expect(intervalToMicros('PT24H')).toBe(86_400_000_000);
    expect(intervalToMicros('PT-0.000001S')).toBe(-1);
    expect(intervalToMicros('P1DT2H3M4.5S')).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1_000_000 + 500_000);
    expect(intervalToMicros('P-1DT1H')).toBe(-23 * 3600 * 1_000_000);
  });
});

describeIfPostgres('postgres dialect: live server', () => {
  const opened: Array<{ db: TestDatabase; conn?: DatabaseConnection }> = [];

  async function open(db: TestDatabase): Promise<DatabaseConnection> {
    const conn = await postgresDialect.connect(db.settings);
    opened.push({ db, conn });
    return conn;
  }

  afterEach(async () => {
    for (const { db, conn } of opened.splice(0)) {
      await conn?.close().catch(() => undefined);
      await db.drop().catch(() => undefined);
    }
  });

  test('introspects Pod 4.0.3', async () => {
    const db = await createPodDatabase('postgres', '4.0.3');
    const conn = await open(db);
    const schema = await conn.introspect();
    expect(schema.tables.size).toBe(143);
    expect(schema.serverVersion).toMatch(/^PostgreSQL \d+/);

    const video = table(schema.tables, 'video_video');
    expect(video.primaryKey).toEqual(['id']);
    expect(video.columns[0]).toMatchObject({ name: 'id', type: 'integer', nativeType: 'bigint', autoIncrement: true, hasDefault: true, position: 1 });
    expect(column(video, 'is_draft')).toMatchObject({ type: 'boolean', nativeType: 'boolean', nullable: false });
    expect(column(video, 'order')).toMatchObject({ type: 'integer', nativeType: 'smallint', nullable: true, autoIncrement: false, hasDefault: false });
    expect(column(video, 'title')).toMatchObject({ type: 'text', nativeType: 'character varying(250)', maxLength: 250, collation: null });
    expect(column(video, 'description')).toMatchObject({ type: 'text', nativeType: 'text', maxLength: null });
    expect(column(video, 'date_added')).toMatchObject({ type: 'datetime', nativeType: 'timestamp with time zone' });
    expect(column(video, 'date_evt')).toMatchObject({ type: 'date', nullable: true });
    expect(video.columns.map((c) => c.position)).toEqual(video.columns.map((_, i) => i + 1));

    expect(column(table(schema.tables, 'video_usermarkertime'), 'markerTime')).toMatchObject({ type: 'integer', nativeType: 'integer' });
    expect(column(table(schema.tables, 'meeting'), 'expected_duration')).toMatchObject({ type: 'interval', nativeType: 'interval' });
    for (const quiz of ['quiz_singlechoicequestion', 'quiz_multiplechoicequestion']) {
      const info = table(schema.tables, quiz);
      expect(column(info, 'id')).toMatchObject({ type: 'uuid', nativeType: 'uuid', autoIncrement: false, hasDefault: false });
      expect(column(info, 'choices')).toMatchObject({ type: 'json', nativeType: 'jsonb' });
    }
    expect(column(table(schema.tables, 'video_videoaccesstoken'), 'token')).toMatchObject({ type: 'uuid' });
    expect(column(table(schema.tables, 'recorder_recorder'), 'address_ip')).toMatchObject({ type: 'inet', nativeType: 'inet' });
    expect(column(table(schema.tables, 'cut_cutvideo'), 'start')).toMatchObject({ type: 'time', nativeType: 'time without time zone' });

    expect(schema.foreignKeys).toContainEqual({ table: 'video_video', column: 'owner_id', refTable: 'auth_user', refColumn: 'id' });
    expect(schema.foreignKeys).toContainEqual({ table: 'video_theme', column: 'parentId_id', refTable: 'video_theme', refColumn: 'id' });
    expect(column(table(schema.tables, 'auth_group'), 'id')).toMatchObject({ type: 'integer', nativeType: 'integer', autoIncrement: true });
    // Composite primary keys come in key order; join tables have a surrogate id.
    expect(table(schema.tables, 'django_session').primaryKey).toEqual(['session_key']);
  });

  test('introspects the serial columns of Pod 3.8.4', async () => {
    const db = await createPodDatabase('postgres', '3.8.4', { data: 'none' });
    const conn = await open(db);
    const schema = await conn.introspect();
    expect(schema.tables.size).toBe(138);
    expect(column(table(schema.tables, 'auth_group'), 'id')).toMatchObject({ autoIncrement: true, hasDefault: true });
    expect(column(table(schema.tables, 'video_video'), 'order')).toMatchObject({ type: 'integer', nativeType: 'smallint' });
  });

  const ROUND_TRIP_DDL = `
    CREATE TABLE "RoundTrip" (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
      flag boolean,
      "order" smallint,
      "key" varchar(40),
      "markerTime" integer,
      "parentId_id" bigint,
      big bigint,
      amount numeric(14,4),
      ratio double precision,
      title text,
      created timestamp with time zone,
      naive timestamp,
      day date,
      at time,
      token uuid,
      doc jsonb,
      raw_doc json,
      duration interval,
      ip inet,
      blob bytea
    )`;

  const ROUND_TRIP_ROWS: CanonicalValue[][] = [
    [
      1, true, 0, 'select', 123_456, 7, '9223372036854775807', '1234567890.1234', 0.1, 'Émoji 😀 𝄞 and 中文 "quoted" \\ back\nslash\ttab',
      '2024-02-29 23:59:59.123456', '1999-12-31 00:00:00.000001', '2024-02-29', '13:14:15.000001',
      '0123456789abcdef0123456789abcdef', { json: '{"b": {"nested": [1, 2, {"deep": null}]}, "a": "😀"}' },
      { json: '{"z":1,  "a":[true,false]}' }, 90_061_000_001, '192.168.1.10', Buffer.from([0, 1, 2, 255]),
    ],
    [2, false, 32767, 'KEY', -1, null, -42, '-0.0001', -1.5e-10, '', '1970-01-01 00:00:00.000000', '2038-01-19 03:14:07.999999', '0001-01-01', '00:00:00.000000', 'ffffffffffffffffffffffffffffffff', { json: '[]' }, { json: '"just a string"' }, -1, '::1', Buffer.alloc(0)],
    [3, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  ];

  test('insertRows → streamRows round-trips every logical type', async () => {
    const db = await createTestDatabase('postgres', 'roundtrip');
    await db.exec(ROUND_TRIP_DDL);
    const conn = await open(db);
    const info = table((await conn.introspect()).tables, 'RoundTrip');
    expect(info.columns.map((c) => c.type)).toEqual([
      'integer', 'boolean', 'integer', 'text', 'integer', 'integer', 'integer', 'decimal', 'float', 'text',
      'datetime', 'datetime', 'date', 'time', 'uuid', 'json', 'json', 'interval', 'inet', 'binary',
    ]);
    const written = await conn.transaction(async (tx) => {
      await tx.relaxForeignKeys();
      return tx.insertRows(info, info.columns, ROUND_TRIP_ROWS);
    });
    expect(written).toBe(3);

    const back = await collect(conn.streamRows(info, info.columns));
    expect(back).toHaveLength(3);
    for (let r = 0; r < ROUND_TRIP_ROWS.length; r += 1) {
      for (let c = 0; c < info.columns.length; c += 1) {
        const sent = ROUND_TRIP_ROWS[r][c];
        const got = back[r][c];
        const name = info.columns[c].name;
        if (isJsonText(sent)) {
          expect(isJsonText(got)).toBe(true);
          expect(JSON.parse((got as { json: string }).json)).toEqual(JSON.parse(sent.json));
          // json (not jsonb) keeps the document's text exactly.
          if (name === 'raw_doc') expect(got).toEqual(sent);
        } else if (name === 'big' && r === 1) {
          expect(got).toBe(-42);
        } else {
          expect({ name, value: got }).toEqual({ name, value: sent });
        }
      }
    }
    // Numbers beyond 2^53 stay decimal strings; safe ones are numbers.
    expect(back[0][6]).toBe('9223372036854775807');
    expect(back[0][0]).toBe(1);

    // The values really are typed in the database (not strings that merely look right).
    const [check] = await conn.query(
      `SELECT jsonb_typeof(doc) AS doc_type, json_typeof(raw_doc) AS raw_type, extract(epoch FROM duration)::text AS seconds,
              created = '2024-02-29 23:59:59.123456+00'::timestamptz AS created_ok, token::text AS token, octet_length(blob) AS blob_len
         FROM "RoundTrip" WHERE id = $1`,
      [1],
    );
    expect(check).toEqual({
      doc_type: 'object',
      raw_type: 'object',
      seconds: '90061.000001',
      created_ok: true,
      token: '01234567-89ab-cdef-0123-456789abcdef',
      blob_len: 4,
    });

    // orderBy and a column subset.
    const titles = await collect(conn.streamRows(info, [column(info, 'key'), column(info, 'markerTime')], ['markerTime']));
    // PostgreSQL sorts NULLs last in ascending order.
    expect(titles).toEqual([['KEY', -1], ['select', 123_456], [null, null]]);
  });

  test('a NUL byte is refused before anything is sent, naming table, row and column', async () => {
    const db = await createTestDatabase('postgres', 'nul');
    await db.exec(ROUND_TRIP_DDL);
    const conn = await open(db);
    const info = table((await conn.introspect()).tables, 'RoundTrip');
    const cols = [column(info, 'id'), column(info, 'title')];
    const error = await expectRejection(
      conn.transaction((tx) => tx.insertRows(info, cols, [[1, 'fine'], [2, 'bad\u0000text'], [3, 'fine']])),
    );
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.place).toEqual({ table: 'RoundTrip', row: 2, column: 'title' });
    expect(error.describe()).toMatch(/NUL/);
    // Without a key among the columns, the row is its 1-based index in the call.
    const error2 = await expectRejection(conn.transaction((tx) => tx.insertRows(info, [column(info, 'title')], [['ok'], ['ok'], ['x\u0000']])));
    expect(error2.place).toEqual({ table: 'RoundTrip', row: 3, column: 'title' });
    // jsonb cannot hold \u0000 either.
    const error3 = await expectRejection(
      conn.transaction((tx) => tx.insertRows(info, [column(info, 'id'), column(info, 'doc')], [[5, { json: '{"a":"\\u0000"}' }]])),
    );
    expect(error3.place).toEqual({ table: 'RoundTrip', row: 5, column: 'doc' });
    expect(await db.query('SELECT count(*)::int AS n FROM "RoundTrip"')).toEqual([{ n: 0 }]);
  });

  test('malformed canonical values are refused with their place', async () => {
    const db = await createTestDatabase('postgres', 'badvalues');
    await db.exec(ROUND_TRIP_DDL);
    const conn = await open(db);
    const info = table((await conn.introspect()).tables, 'RoundTrip');
    const cases: Array<[string, CanonicalValue]> = [
      ['flag', 1],
      ['created', 'yesterday'],
      ['token', 'not-a-uuid'],
      ['doc', { json: '{broken' }],
      ['duration', 1.5],
      ['key', 'x'.repeat(41)],
      ['order', 40_000],
      ['big', '9223372036854775808'],
      ['day', '2023-02-29'],
      ['created', '2023-02-29 10:00:00.000000'],
      ['blob', 'not a buffer'],
    ];
    for (const [name, value] of cases) {
      const error = await expectRejection(conn.transaction((tx) => tx.insertRows(info, [column(info, 'id'), column(info, name)], [[9, value]])));
      expect(error.code).toBe('VALUE_INVALID');
      expect(error.place).toEqual({ table: 'RoundTrip', row: 9, column: name });
    }
  });

  test('a failing insert rolls the whole transaction back and names table and constraint', async () => {
    const db = await createPodDatabase('postgres', '4.0.3', { data: 'none' });
    const conn = await open(db);
    const schema = await conn.introspect();
    const group = table(schema.tables, 'auth_group');
    await conn.transaction((tx) => tx.insertRows(group, group.columns, [[1, 'first'], [2, 'second']]));

    const error = await expectRejection(
      conn.transaction(async (tx) => {
        expect(await tx.deleteAll(group)).toBe(2);
        await tx.insertRows(group, group.columns, [[10, 'ten'], [11, 'eleven']]);
        await tx.insertRows(group, group.columns, [[12, 'twelve'], [10, 'ten again']]);
      }),
    );
    expect(error.code).toBe('INTEGRITY');
    expect(error.place.table).toBe('auth_group');
    expect(error.message).toMatch(/auth_group_pkey/);
    expect(error.message).toMatch(/Key \(id\)=\(10\) already exists/);
    expect(error.cause).toBeDefined();
    expect(await db.query('SELECT id, name FROM auth_group ORDER BY id')).toEqual([
      { id: 1, name: 'first' },
      { id: 2, name: 'second' },
    ]);

    // NOT NULL: the column comes from the server's error fields.
    const notNull = await expectRejection(conn.transaction((tx) => tx.insertRows(group, group.columns, [[20, null]])));
    expect(notNull.code).toBe('INTEGRITY');
    expect(notNull.place).toMatchObject({ table: 'auth_group', column: 'name' });

    // Deferred foreign keys fail at COMMIT, and are mapped too.
    const theme = table(schema.tables, 'video_theme');
    const fk = await expectRejection(
      conn.transaction(async (tx) => {
        await tx.relaxForeignKeys();
        await tx.query('INSERT INTO video_theme (title, slug, channel_id) VALUES ($1, $2, $3)', ['orphan', 'orphan', 999]);
      }),
    );
    expect(fk.code).toBe('INTEGRITY');
    expect(fk.place.table).toBe('video_theme');
    expect(fk.message).toMatch(/video_theme_channel_id_\w+_fk_video_channel_id/);
    expect(theme.columns.length).toBeGreaterThan(0);

    // Errors of the work itself pass through unchanged.
    const mine = new Error('engine bug');
    await expect(conn.transaction(async () => Promise.reject(mine))).rejects.toBe(mine);
  });

  test.each([
    ['3.8.4', 'serial'],
    ['4.0.3', 'identity'],
  ] as const)('resetSequences lets a plain INSERT succeed (Pod %s, %s)', async (version, _kind) => {
    const db = await createPodDatabase('postgres', version, { data: 'none' });
    const conn = await open(db);
    const schema = await conn.introspect();
    const group = table(schema.tables, 'auth_group');
    const empty = table(schema.tables, 'auth_permission');
    await conn.transaction((tx) => tx.insertRows(group, group.columns, [[1, 'a'], [2, 'b'], [7, 'c']]));
    await conn.resetSequences([group, empty]);
    const [row] = await conn.query('INSERT INTO auth_group (name) VALUES ($1) RETURNING id', ['d']);
    expect(row).toEqual({ id: 8 });
    // An empty table's sequence restarts at 1.
    const [next] = await conn.query(`SELECT nextval(pg_get_serial_sequence('auth_permission', 'id'))::int AS id`);
    expect(next).toEqual({ id: 1 });
  });

  test('advanceSequences moves the sequences inside the transaction; after a rollback they are only ahead', async () => {
    const db = await createPodDatabase('postgres', '4.0.3', { data: 'none' });
    const conn = await open(db);
    const group = table((await conn.introspect()).tables, 'auth_group');
    await conn.transaction(async (tx) => {
      await tx.insertRows(group, group.columns, [[1, 'a'], [7, 'b']]);
      await tx.advanceSequences([group]);
    });
    expect(await conn.query('INSERT INTO auth_group (name) VALUES ($1) RETURNING id', ['c'])).toEqual([{ id: 8 }]);
    const rolledBack = conn.transaction(async (tx) => {
      await tx.insertRows(group, group.columns, [[50, 'z']]);
      await tx.advanceSequences([group]);
      throw new Error('stop here');
    });
    await expect(rolledBack).rejects.toThrow('stop here');
    // setval is not transactional: the sequence stays at 50, ahead of max(id) = 8, which is harmless.
    expect(await conn.query('INSERT INTO auth_group (name) VALUES ($1) RETURNING id', ['d'])).toEqual([{ id: 51 }]);
  });

  test('streams 50k rows with bounded memory, stops early cleanly, streams raw queries', async () => {
    const db = await createTestDatabase('postgres', 'stream');
    await db.exec('CREATE TABLE big (id integer PRIMARY KEY, label text NOT NULL, at timestamptz NOT NULL)');
    await db.exec(`INSERT INTO big SELECT g, repeat('x', 200) || g, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 50000) g`);
    const conn = await open(db);
    const info = table((await conn.introspect()).tables, 'big');
    // Live heap after a full collection, sampled while streaming: it must not grow with the rows read.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = live();
    let count = 0;
    let last = 0;
    let peak = 0;
    for await (const row of conn.streamRows(info, info.columns)) {
      count += 1;
      expect(row[0]).toBe(last + 1);
      last = row[0] as number;
      if (count % 10_000 === 0) peak = Math.max(peak, live() - before);
    }
    expect(count).toBe(50_000);
    // Buffered, 50k rows of ~250 characters would hold well over 25 MB; a couple of FETCH batches hold ~1 MB.
    expect(peak).toBeLessThan(8 * 1024 * 1024);

    // Breaking out early releases the connection (the pool has 10: do it more often than that).
    for (let i = 0; i < 12; i += 1) {
      for await (const row of conn.streamRows(info, info.columns)) {
        expect(row[0]).toBe(1);
        break;
      }
    }
    const raw = await collect(conn.streamQuery('SELECT id, at FROM big WHERE id > $1 AND label LIKE $2 ORDER BY id;', [49_997, 'x%']));
    expect(raw).toEqual([
      { id: 49_998, at: '2020-01-01 13:53:18+00' },
      { id: 49_999, at: '2020-01-01 13:53:19+00' },
      { id: 50_000, at: '2020-01-01 13:53:20+00' },
    ]);
    // A failing query surfaces as a PodMigrateError from the iterator.
    const error = await expectRejection(collect(conn.streamQuery('SELECT 1/0 FROM big')));
    expect(error.code).toBe('DATABASE');
    expect(error.message).toMatch(/division by zero/);
    expect(await conn.query('SELECT count(*)::int AS n FROM big')).toEqual([{ n: 50_000 }]);
  });

  test('PostgreSQL to PostgreSQL: streaming the source inside the target transaction', async () => {
    const sourceDb = await createTestDatabase('postgres', 'pgsource');
    const targetDb = await createTestDatabase('postgres', 'pgtarget');
    for (const db of [sourceDb, targetDb]) await db.exec('CREATE TABLE t (id integer PRIMARY KEY, note text)');
    await sourceDb.exec(`INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 5000) g`);
    const source = await open(sourceDb);
    const target = await open(targetDb);
    const info = table((await target.introspect()).tables, 't');
    const copied = await target.transaction(async (tx) => {
      await tx.relaxForeignKeys();
      await tx.deleteAll(info);
      // A plain query on another pool from inside this transaction (slonik shares its transaction context).
      expect(await source.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 5000 }]);
      let batch: CanonicalValue[][] = [];
      let total = 0;
      for await (const row of source.streamRows(info, info.columns)) {
        batch.push(row);
        if (batch.length === 1000) {
          total += await tx.insertRows(info, info.columns, batch);
          batch = [];
        }
      }
      total += await tx.insertRows(info, info.columns, batch);
      // The transaction's own connection sees its uncommitted rows.
      expect(await tx.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 5000 }]);
      return total;
    });
    expect(copied).toBe(5000);
    expect(await target.query('SELECT count(*)::int AS n, max(note) AS m FROM t')).toEqual([{ n: 5000, m: 'n999' }]);
  });

  test('executeScript runs a multi-statement script and leaves search_path alone', async () => {
    const db = await createTestDatabase('postgres', 'script');
    const conn = await open(db);
    await conn.executeScript(`
      SELECT pg_catalog.set_config('search_path', '', false);
      CREATE TABLE public.a (id integer PRIMARY KEY, note text);
      INSERT INTO public.a VALUES (1, 'one; with a semicolon'), (2, $$two$$);
    `);
    expect(await conn.query('SELECT id, note FROM a ORDER BY id')).toEqual([
      { id: 1, note: 'one; with a semicolon' },
      { id: 2, note: 'two' },
    ]);
    const error = await expectRejection(conn.executeScript('CREATE TABLE b (id int); SELECT * FROM missing_table;'));
    // An unknown table is a schema mismatch on every dialect (it was DATABASE here, SCHEMA_MISMATCH on MariaDB).
    expect(error).toMatchObject({ code: 'SCHEMA_MISMATCH', fault: 'unknown-table', place: { table: 'missing_table' } });
    expect(error.message).toMatch(/missing_table/);
    // The script ran as one implicit transaction: b was not created.
    expect(await conn.query(`SELECT to_regclass('public.b') AS t`)).toEqual([{ t: null }]);
  });

  test('session settings hold on every pooled connection', async () => {
    const db = await createTestDatabase('postgres', 'session');
    const conn = await open(db);
    const rows = await Promise.all(
      Array.from({ length: 5 }, () =>
        conn.query(`SELECT current_setting('TimeZone') AS tz, current_setting('IntervalStyle') AS style, '2024-01-01 12:00+02'::timestamptz AS ts`),
      ),
    );
    for (const row of rows) expect(row).toEqual([{ tz: 'UTC', style: 'iso_8601', ts: '2024-01-01 10:00:00+00' }]);
    // After a transaction (DISCARD ALL on release) they still hold.
    await conn.transaction((tx) => tx.query(`SET LOCAL TimeZone = 'Europe/Paris'`));
    expect(await conn.query(`SELECT current_setting('TimeZone') AS tz`)).toEqual([{ tz: 'UTC' }]);
  });

  test('connection errors carry no password', async () => {
    const db = await createTestDatabase('postgres', 'conn');
    const settings = { ...db.settings, database: `${db.settings.database}_missing`, password: 's3cr3t-pw' };
    const error = await expectRejection(postgresDialect.connect(settings));
    opened.push({ db });
    expect(error.code).toBe('DATABASE');
    expect(error.message).toMatch(/does not exist/);
    expect(error.message).not.toMatch(/s3cr3t/);
  });

  test('bulk insert at scale: 50k rows × 5 columns in chunks, one transaction, read back identical', async () => {
    // Speed is `npm run bench`'s job; this checks the bulk path keeps every value across many chunks.
    const db = await createTestDatabase('postgres', 'bulkscale');
    await db.exec('CREATE TABLE bulk (id bigint PRIMARY KEY, title varchar(250) NOT NULL, flag boolean NOT NULL, created timestamptz NOT NULL, amount integer)');
    const conn = await open(db);
    const info = table((await conn.introspect()).tables, 'bulk');
    const rows: CanonicalValue[][] = Array.from({ length: 50_000 }, (_, i) => [
      i + 1,
      `Vidéo numéro ${i + 1} — un titre de longueur moyenne`,
      i % 2 === 0,
      `2023-05-${String((i % 28) + 1).padStart(2, '0')} 10:20:30.123456`,
      i % 7 === 0 ? null : i * 3,
    ]);
    await conn.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 10_000) await tx.insertRows(info, info.columns, rows.slice(i, i + 10_000));
    });
    let n = 0;
    const mismatches: number[] = [];
    for await (const row of conn.streamRows(info, info.columns)) {
      if (JSON.stringify(row) !== JSON.stringify(rows[n])) mismatches.push(n + 1);
      n += 1;
    }
    expect(n).toBe(50_000);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

});
