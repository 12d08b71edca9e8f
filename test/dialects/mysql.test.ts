/**
 * What only the MySQL / MariaDB dialect does, against a real server (every test gets its own database): its types,
 * strict mode, LOAD DATA, packet sizes, its message parsing. What every dialect must do alike is in conformance/.
 */
import { readFileSync } from 'node:fs';
import { mysqlDialect } from '../../src/dialects/mysql';
import { classifyColumn } from '../../src/dialects/mysql/codec';
import {
  columnFromMessage,
  constraintFromMessage,
  errorCodeFor,
  mapMysqlError,
  mysqlErrorName,
  rowFromMessage,
  serverKindOf,
  tableFromMessage,
} from '../../src/dialects/mysql/errors';
import { jsonValidColumn } from '../../src/dialects/mysql/introspect';
import type { DriverParam } from '../../src/dialects/mysql/codec';
import { TsvPieces } from '../../src/dialects/tsv-pieces';
import { loadDataField } from '../../src/dialects/mysql/bulk-insert';
import { numberText } from '../../src/convert/integer-text';
import { Rng } from '../../src/seed/random';
import type { DatabaseConnection, TableInfo } from '../../src/dialects/dialect';
import type { CanonicalValue } from '../../src/convert/logical-types';
import type { ConnectionSettings } from '../../src/dialects/url';
import { DIALECTS, createTestDatabase, podSchemaFile, type TestDatabase } from '../helpers/databases';
import { caught, collect } from '../helpers/async';
import { parentAndChild } from '../helpers/parent-child';

const run = DIALECTS.includes('mysql') ? describe : describe.skip;

function withOptions(settings: ConnectionSettings, options: Record<string, string>): ConnectionSettings {
  return { ...settings, options: { ...settings.options, ...options } };
}

describe('mysql dialect: pure parts', () => {
  test('classification from COLUMN_TYPE / DATA_TYPE', () => {
    const c = (dataType: string, columnType: string, jsonValidCheck = false) => classifyColumn({ dataType, columnType, jsonValidCheck });
    expect(c('tinyint', 'tinyint(1)')).toBe('boolean');
    expect(c('tinyint', 'tinyint(4)')).toBe('integer');
    expect(c('tinyint', 'tinyint(3) unsigned')).toBe('integer');
    expect(c('smallint', 'smallint(5) unsigned')).toBe('integer');
    expect(c('bigint', 'bigint(20)')).toBe('integer');
    expect(c('decimal', 'decimal(10,2)')).toBe('decimal');
    expect(c('double', 'double')).toBe('float');
    expect(c('char', 'char(32)')).toBe('text');
    expect(c('char', 'char(39)')).toBe('text');
    expect(c('longtext', 'longtext', true)).toBe('json');
    expect(c('json', 'json')).toBe('json');
    expect(c('datetime', 'datetime(6)')).toBe('datetime');
    expect(c('timestamp', 'timestamp')).toBe('datetime');
    expect(c('date', 'date')).toBe('date');
    expect(c('time', 'time(6)')).toBe('time');
    expect(c('longblob', 'longblob')).toBe('binary');
    expect(c('varbinary', 'varbinary(16)')).toBe('binary');
    expect(c('uuid', 'uuid')).toBe('uuid');
  });

  test('json_valid CHECK clauses', () => {
    expect(jsonValidColumn('json_valid(`choices`)')).toBe('choices');
    expect(jsonValidColumn('(json_valid(`a``b`))')).toBe('a`b');
    expect(jsonValidColumn('`order` >= 0')).toBeUndefined();
    expect(jsonValidColumn('json_valid(`a`) and `b` > 0')).toBeUndefined();
  });

  test('error messages: column and row', () => {
    expect(columnFromMessage("Data too long for column 'title' at row 3")).toBe('title');
    expect(rowFromMessage("Data too long for column 'title' at row 3")).toBe(3);
    expect(columnFromMessage("Incorrect integer value: 'x' for column `pm_db`.`t`.`markerTime` at row 1")).toBe('markerTime');
    expect(columnFromMessage("Column 'owner_id' cannot be null")).toBe('owner_id');
    expect(
      columnFromMessage(
        'Cannot add or update a child row: a foreign key constraint fails (`db`.`video_video`, CONSTRAINT `fk` FOREIGN KEY (`type_id`) REFERENCES `video_type` (`id`))',
      ),
    ).toBe('type_id');
    const error = Object.assign(new Error("Duplicate entry 'a' for key 'slug'"), {
      errno: 1062,
      code: 'ER_DUP_ENTRY',
      sqlMessage: "Duplicate entry 'a' for key 'slug'",
    });
    const mapped = mapMysqlError(error, { place: { table: 'video_video' } });
    expect(mapped.code).toBe('INTEGRITY');
    expect(mapped.place).toEqual({ table: 'video_video', constraint: 'slug' });
    expect(mapped.cause).toBe(error);
    const check = mapMysqlError(
      Object.assign(new Error('x'), {
        errno: 4025,
        code: 'ER_CONSTRAINT_FAILED',
        sqlMessage: 'CONSTRAINT `video_video.order` failed for `db`.`video_video`',
      }),
      { place: { table: 'video_video' }, columns: ['id', 'order'] },
    );
    expect(check.code).toBe('INTEGRITY');
    expect(check.place.column).toBe('order');
    expect(mapMysqlError(Object.assign(new Error('x'), { errno: 1406, sqlMessage: "Data too long for column 'x' at row 2" })).code).toBe(
      'VALUE_INVALID',
    );
  });

  test("MariaDB's own error numbers are named from MariaDB's table, not MySQL's", () => {
    // mysql2 names every number after MySQL: 4025 is MySQL's ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE.
    const check = (server?: 'mariadb' | 'mysql') =>
      mapMysqlError(
        Object.assign(new Error('x'), {
          errno: 4025,
          code: 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE',
          sqlMessage: 'CONSTRAINT `positive` failed for `db`.`t`',
        }),
        { server },
      );
    for (const server of ['mariadb', undefined] as const) {
      expect(check(server)).toMatchObject({ code: 'INTEGRITY', fault: 'check-violation', place: { table: 't', constraint: 'positive' } });
      expect(check(server).message).toMatch(/\[ER_CONSTRAINT_FAILED 4025\]$/);
    }
    expect(check('mysql').message).toMatch(/\[ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE 4025\]$/);
    expect(check('mysql').fault).toBeUndefined();
    const killed = mapMysqlError(Object.assign(new Error('x'), { errno: 1927, sqlMessage: 'Connection was killed' }), {
      server: 'mariadb',
    });
    expect(killed).toMatchObject({ code: 'DATABASE', fault: 'connection-lost' });
    expect(killed.message).toMatch(/\[ER_CONNECTION_KILLED 1927\]$/);
    // A MariaDB number missing from the table is shown without a name rather than with MySQL's.
    const unnamed = mapMysqlError(
      Object.assign(new Error('x'), { errno: 4091, code: 'ER_SOME_MYSQL_NAME', sqlMessage: 'Unknown SEQUENCE' }),
      { server: 'mariadb' },
    );
    expect(unnamed.message).toMatch(/Unknown SEQUENCE \[4091\]$/);
    expect(errorCodeFor(4025, 'mariadb')).toBe('INTEGRITY');
    expect(errorCodeFor(3819, 'mysql')).toBe('INTEGRITY');
    expect(errorCodeFor(3819, 'mariadb')).toBe('DATABASE');
    expect(mysqlErrorName(1062, 'mariadb', 'ER_DUP_ENTRY')).toBe('ER_DUP_ENTRY');
    expect(serverKindOf('10.11.19-MariaDB-0+deb12u1')).toBe('mariadb');
    expect(serverKindOf('8.0.36')).toBe('mysql');
  });

  test('the constraint and table a message names', () => {
    expect(constraintFromMessage("Duplicate entry 'a' for key 'slug'")).toBe('slug');
    expect(constraintFromMessage("Duplicate entry 'x' for key 'uq'\nand more")).toBeUndefined();
    const fk =
      'Cannot add or update a child row: a foreign key constraint fails (`db`.`video_video`, CONSTRAINT `fk` FOREIGN KEY (`type_id`) REFERENCES `video_type` (`id`))';
    expect(constraintFromMessage(fk)).toBe('fk');
    expect(tableFromMessage(fk)).toBe('video_video');
    expect(tableFromMessage("Table 'pm_db.nope' doesn't exist")).toBe('nope');
    expect(tableFromMessage('CONSTRAINT `c` failed for `db`.`t`')).toBe('t');
    // MySQL 8 names a key after its table: the constraint is the key's own name.
    expect(
      mapMysqlError(Object.assign(new Error('x'), { errno: 1062, sqlMessage: "Duplicate entry 'a' for key 't.slug'" }), {
        place: { table: 't' },
      }).place,
    ).toEqual({
      table: 't',
      constraint: 'slug',
    });
  });

  test('TSV fields for LOAD DATA', () => {
    const text = (values: Array<[DriverParam, boolean]>) => {
      const tsv = new TsvPieces();
      values.forEach(([value, binary], i) => {
        if (i > 0) tsv.tab();
        loadDataField(tsv, value, binary);
      });
      return Buffer.concat(tsv.take()).toString('utf8');
    };
    expect(text([[null, false]])).toBe('\\N');
    expect(text([['a\tb\nc\\N\r\u0000', false]])).toBe('a\\tb\\nc\\\\N\\r\\0');
    expect(text([['\\N', false]])).toBe('\\\\N');
    expect(text([[Buffer.from([0, 9, 10, 255]), true]])).toBe('00090aff');
    expect(
      text([
        [12, false],
        [-0, false],
        [-45, false],
        [1.5, false],
        ['é', true],
      ]),
    ).toBe('12\t0\t-45\t1.5\tc3a9');
  });

  test('TSV pieces: every byte as the joined and escaped text would be, across pieces, refused batches discarded', () => {
    // The text LOAD DATA reads, written the plain way: the specification the pieces must match byte for byte.
    const field = (value: DriverParam, binary: boolean): string => {
      if (value === null) return '\\N';
      if (Buffer.isBuffer(value)) return value.toString('hex');
      const plain = typeof value === 'number' ? numberText(value) : value;
      if (binary) return Buffer.from(plain, 'utf8').toString('hex');
      return plain.replace(/[\\\t\n\r\u0000]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u0000': '\\0' })[c]!);
    };
    const rng = new Rng(11);
    const random = () => rng.next();
    const alphabet = ['a', 'Z', '0', ' ', '\\', '\t', '\n', '\r', '\u0000', 'é', '€', '🎬', 'N', '\u001f', '\u007f', '\u0080', 'ß'];
    const someText = () => {
      const length = [0, 1, 5, 63, 64, 65, 200, 70_000][Math.floor(random() * 8)];
      let out = '';
      for (let i = 0; i < Math.min(length, 200); i += 1) out += alphabet[Math.floor(random() * (random() < 0.7 ? 4 : alphabet.length))];
      return length > 200 ? out.repeat(length / 200) : out; // a text longer than a piece
    };
    const someValue = (): [DriverParam, boolean] => {
      const kind = Math.floor(random() * 7);
      if (kind === 0) return [null, false];
      if (kind === 1) return [Math.floor(random() * 2 ** 53) * (random() < 0.2 ? -1 : 1), false];
      if (kind === 2) return [[0, -0, 7, 10, 99, 1e21, 0.1, -2.5, 2 ** 53, -(2 ** 53 - 1)][Math.floor(random() * 10)], false];
      if (kind === 3) return [Buffer.from(someText().slice(0, 30), 'utf8'), true];
      if (kind === 4) return [someText().slice(0, 40), true];
      return [someText(), false];
    };
    const tsv = new TsvPieces();
    // Each row's size as the pieces count it (the max_allowed_packet check) and as its text has it.
    const sizes: Array<[number, number]> = [];
    let expected = '';
    let pieces: Buffer[] = [];
    for (let batch = 0; batch < 60; batch += 1) {
      const rows = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
        Array.from({ length: 1 + Math.floor(random() * 6) }, someValue),
      );
      let text = '';
      for (const row of rows) {
        const start = tsv.length;
        row.forEach(([value, binary], i) => {
          if (i > 0) tsv.tab();
          loadDataField(tsv, value, binary);
        });
        tsv.newline();
        const line = `${row.map(([value, binary]) => field(value, binary)).join('\t')}\n`;
        sizes.push([tsv.length - start, Buffer.byteLength(line)]);
        text += line;
      }
      if (batch % 7 === 3) {
        tsv.discard(); // a refused batch: nothing of it is handed out
      } else {
        pieces = pieces.concat(tsv.take());
        expected += text;
      }
    }
    expect(sizes.filter(([counted, real]) => counted !== real)).toEqual([]);
    expect(pieces.length).toBeGreaterThan(10);
    expect(Buffer.concat(pieces).equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });
});

run('mysql dialect: live server', () => {
  const open: Array<{ db: TestDatabase; conn?: DatabaseConnection }> = [];

  async function fresh(label: string, options: Record<string, string> = {}) {
    const db = await createTestDatabase('mysql', label);
    const entry: { db: TestDatabase; conn?: DatabaseConnection } = { db };
    open.push(entry);
    entry.conn = await mysqlDialect.connect(withOptions(db.settings, options));
    return { db, conn: entry.conn };
  }

  afterEach(async () => {
    while (open.length > 0) {
      const { db, conn } = open.pop()!;
      await conn?.close().catch(() => undefined);
      await db.drop().catch(() => undefined);
    }
  });

  const KITCHEN_SINK = `
    CREATE TABLE kitchen (
      id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`order\` smallint unsigned NULL,
      \`key\` varchar(50) NULL,
      \`markerTime\` int NULL,
      \`parentId_id\` bigint NULL,
      flag tinyint(1) NULL,
      tiny tinyint NULL,
      big bigint NULL,
      ubig bigint unsigned NULL,
      amount decimal(20,6) NULL,
      ratio double NULL,
      body longtext NULL,
      label varchar(255) NULL,
      created datetime(6) NULL,
      stamp timestamp(6) NULL DEFAULT NULL,
      day date NULL,
      at time(6) NULL,
      token char(32) NULL,
      doc longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL CHECK (json_valid(doc)),
      blob_ longblob NULL,
      bin varbinary(16) NULL,
      ip char(39) NULL,
      dur bigint NULL,
      FOREIGN KEY (\`parentId_id\`) REFERENCES kitchen (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`;

  function sinkRows(): CanonicalValue[][] {
    return [
      [
        1,
        0,
        'select',
        -2147483648,
        null,
        true,
        -128,
        '9007199254740993',
        '18446744073709551615',
        '12345678901234.123456',
        0.1,
        'Élève 😀 日本語 \\ \' " \n\t\u0000 end',
        'ñ😀',
        '2024-02-29 23:59:59.123456',
        '1970-01-01 00:00:01.000001',
        '2024-02-29',
        '23:59:59.999999',
        '0123456789abcdef0123456789abcdef',
        { json: '{"b": 1, "a": [true, null, "😀"], "n": 1.50}' },
        Buffer.from([0, 1, 2, 255, 10, 9, 92]),
        Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
        '2001:db8::1',
        86400000000,
      ],
      [
        3000000000,
        65535,
        '',
        2147483647,
        1,
        false,
        127,
        -9007199254740991,
        0,
        '-0.000001',
        -1.5e300,
        '',
        ' trailing space ',
        '0001-01-01 00:00:00.000000',
        '2038-01-19 03:14:07.999999',
        '9999-12-31',
        '00:00:00.000000',
        'ffffffffffffffffffffffffffffffff',
        { json: '[]' },
        Buffer.alloc(0),
        Buffer.from([0]),
        '192.168.0.1',
        0,
      ],
      [
        3000000001,
        null,
        null,
        null,
        3000000000,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
      ],
    ];
  }

  async function kitchen(conn: DatabaseConnection, db: TestDatabase): Promise<TableInfo> {
    await db.exec(KITCHEN_SINK);
    const schema = await conn.introspect();
    return schema.tables.get('kitchen')!;
  }

  test('kitchen-sink table is classified as expected', async () => {
    const { db, conn } = await fresh('classify');
    const table = await kitchen(conn, db);
    expect(Object.fromEntries(table.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'integer',
      order: 'integer',
      key: 'text',
      markerTime: 'integer',
      parentId_id: 'integer',
      flag: 'boolean',
      tiny: 'integer',
      big: 'integer',
      ubig: 'integer',
      amount: 'decimal',
      ratio: 'float',
      body: 'text',
      label: 'text',
      created: 'datetime',
      stamp: 'datetime',
      day: 'date',
      at: 'time',
      token: 'text',
      doc: 'json',
      blob_: 'binary',
      bin: 'binary',
      ip: 'text',
      dur: 'integer',
    });
  });

  for (const bulk of ['insert', 'load-data']) {
    test(`round trip of every logical type (${bulk})`, async () => {
      const { db, conn } = await fresh(`roundtrip_${bulk}`, { bulk });
      const table = await kitchen(conn, db);
      const rows = sinkRows();
      const written = await conn.transaction(async (tx) => {
        await tx.relaxForeignKeys();
        return tx.insertRows(table, table.columns, rows);
      });
      expect(written).toBe(3);
      const back = await collect(conn.streamRows(table, table.columns));
      // a trailing space survives in varchar; a char(32) / json / blob value comes back as written
      expect(back).toEqual(rows);
      // the stored values, seen by the raw driver
      const [raw] = await db.query('SELECT HEX(body) AS h, CHAR_LENGTH(label) AS l, created, `parentId_id` FROM kitchen WHERE id = 1');
      expect(Buffer.from(String(raw.h), 'hex').toString('utf8')).toBe(rows[0][11]);
      expect(raw.l).toBe(2); // ñ😀: two characters, one of them 4 bytes
      expect(raw.created).toBe('2024-02-29 23:59:59.123456');
      // a subset of columns in another order, ordered by another column
      const subset = [table.columns[12], table.columns[0]];
      const partial = await collect(conn.streamRows(table, subset, ['id']));
      expect(partial).toEqual(rows.map((r) => [r[12], r[0]]));
    });
  }

  test('streamQuery and query with parameters', async () => {
    const { db, conn } = await fresh('query');
    const table = await kitchen(conn, db);
    await conn.transaction((tx) => tx.insertRows(table, table.columns, sinkRows()));
    const rows = await conn.query('SELECT id, `key`, doc FROM kitchen WHERE id IN (?) AND `key` = ? ORDER BY id', [
      [1, 3000000000],
      'select',
    ]);
    expect(rows).toEqual([{ id: 1, key: 'select', doc: '{"b": 1, "a": [true, null, "😀"], "n": 1.50}' }]);
    const streamed = await collect(conn.streamQuery('SELECT id FROM kitchen WHERE id > ? ORDER BY id', [1]));
    expect(streamed).toEqual([{ id: 3000000000 }, { id: 3000000001 }]);
    // a literal '?' in the text with no parameters is left alone
    expect(await conn.query("SELECT 'what?' AS q")).toEqual([{ q: 'what?' }]);
    // JsonText and booleans as parameters
    expect(await conn.query('SELECT ? AS j, ? AS b', [{ json: '{"x":1}' }, true])).toEqual([{ j: '{"x":1}', b: 1 }]);
    // the session is UTC and strict
    const [session] = await conn.query('SELECT @@SESSION.time_zone AS tz, @@SESSION.sql_mode AS mode');
    expect(session.tz).toBe('+00:00');
    expect(String(session.mode)).toContain('STRICT_ALL_TABLES');
  });

  // The rollback itself, the orphan refused without relaxing: conformance/.
  test('foreign_key_checks is 1 again after a rollback and after a commit; duplicates under general_ci; a finished transaction refuses statements', async () => {
    // one pooled connection: the transaction's connection is the one inspected afterwards
    const { db, conn } = await fresh('rollback', { connectionLimit: '1' });
    const { parent, child } = await parentAndChild(db, conn);
    const error = await caught(
      conn.transaction(async (tx) => {
        await tx.relaxForeignKeys();
        await tx.insertRows(parent, parent.columns, [
          [5, 'five'],
          [6, 'ONE'],
        ]); // duplicate under general_ci
      }),
    );
    expect(error).toMatchObject({ code: 'INTEGRITY', place: { table: 'parent' } });
    expect(await db.query('SELECT id, name FROM parent ORDER BY id')).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
    expect(await conn.query('SELECT @@SESSION.foreign_key_checks AS fk')).toEqual([{ fk: 1 }]);
    // and after a commit too
    await conn.transaction(async (tx) => {
      await tx.relaxForeignKeys();
      await tx.insertRows(child, child.columns, [[40, 9]]); // orphan: the engine's own check is what catches it
    });
    expect(await conn.query('SELECT @@SESSION.foreign_key_checks AS fk')).toEqual([{ fk: 1 }]);
    // the transaction object cannot be used after its end
    let leaked: Parameters<Parameters<DatabaseConnection['transaction']>[0]>[0] | undefined;
    await conn.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toThrow(/transaction is over/);
  });

  test('advanceSequences has nothing to do: inside a transaction InnoDB moves AUTO_INCREMENT past explicit ids, a refill with a lower max keeps it ahead', async () => {
    const { db, conn } = await fresh('advance');
    await db.exec(
      "CREATE TABLE seqa (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(20)); INSERT INTO seqa (id, name) VALUES (90, 'old')",
    );
    const seqa = (await conn.introspect()).tables.get('seqa')!;
    // What an import does: empty, refill with lower ids, commit; nothing after COMMIT.
    await conn.transaction(async (tx) => {
      await tx.deleteAll(seqa);
      await tx.insertRows(seqa, seqa.columns, [
        [1, 'a'],
        [40, 'b'],
      ]);
      await tx.advanceSequences([seqa]);
    });
    await conn.query("INSERT INTO seqa (name) VALUES ('new')");
    expect(await conn.query("SELECT id FROM seqa WHERE name = 'new'")).toEqual([{ id: 91 }]);
    // A fresh table refilled above its counter: the counter follows the rows, already before COMMIT.
    await db.exec('CREATE TABLE seqb (id int AUTO_INCREMENT PRIMARY KEY, name varchar(20))');
    const seqb = (await conn.introspect()).tables.get('seqb')!;
    await conn.transaction((tx) => tx.insertRows(seqb, seqb.columns, [[500, 'x']]));
    await conn.query("INSERT INTO seqb (name) VALUES ('y')");
    expect(await conn.query("SELECT id FROM seqb WHERE name = 'y'")).toEqual([{ id: 501 }]);
  });

  test('values MariaDB would alter are refused, server errors name table, column and row', async () => {
    const { db, conn } = await fresh('refuse');
    await db.exec(`
      CREATE TABLE strictly (
        id int PRIMARY KEY,
        price decimal(5,2) NULL,
        qty int NULL,
        short varchar(5) NULL,
        mb3 varchar(10) CHARACTER SET utf8mb3 NULL,
        at datetime NULL,
        t time NULL,
        doc longtext NULL CHECK (json_valid(doc)),
        \`order\` smallint NULL CHECK (\`order\` >= 0),
        needed varchar(5) NOT NULL DEFAULT 'x'
      ) DEFAULT CHARSET=utf8mb4`);
    const table = (await conn.introspect()).tables.get('strictly')!;
    const cols = (...names: string[]) => names.map((n) => table.columns.find((c) => c.name === n)!);
    const attempt = (names: string[], rows: CanonicalValue[][]) =>
      caught(conn.transaction((tx) => tx.insertRows(table, cols(...names), rows)));

    // decimal rounding: MariaDB only leaves a note, the import fails on it
    let e = await attempt(
      ['id', 'price'],
      [
        [1, '1.25'],
        [2, '1.555'],
      ],
    );
    expect(e.code).toBe('VALUE_INVALID');
    expect(e.place).toMatchObject({ table: 'strictly', column: 'price', row: 2 });
    expect(e.message).toMatch(/1265|truncated/i);
    // rounded without any warning: refused before sending
    e = await attempt(['id', 'qty'], [[1, 1.5]]);
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { table: 'strictly', column: 'qty', row: 1 } });
    e = await attempt(['id', 'at'], [[1, '2024-01-01 10:00:00.500000']]);
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { column: 'at' } });
    e = await attempt(['id', 't'], [[1, '10:00:00.000001']]);
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { column: 't' } });
    // strict-mode errors
    e = await attempt(
      ['id', 'short'],
      [
        [1, 'abc'],
        [2, 'abcdef'],
      ],
    );
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { table: 'strictly', column: 'short', row: 2 } });
    e = await attempt(['id', 'mb3'], [[1, 'emoji 😀']]);
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { column: 'mb3' } });
    e = await attempt(['id', 'doc'], [[1, { json: '{not json' }]]);
    expect(e).toMatchObject({ code: 'INTEGRITY', place: { column: 'doc' } });
    e = await attempt(['id', 'order'], [[1, -1]]);
    expect(e).toMatchObject({ code: 'INTEGRITY', place: { column: 'order' } });
    e = await attempt(['id', 'needed'], [[1, null]]);
    expect(e).toMatchObject({ code: 'INTEGRITY', place: { column: 'needed' } });
    e = await attempt(['id'], [[1], [1]]);
    expect(e).toMatchObject({ code: 'INTEGRITY', place: { table: 'strictly' } });
    e = await attempt(['id', 'at'], [[1, '2024-02-30 00:00:00.000000']]);
    expect(e.code).toBe('VALUE_INVALID');
    expect(await db.query('SELECT COUNT(*) AS n FROM strictly')).toEqual([{ n: 0 }]);
  });

  test('LOAD DATA path fails on what LOCAL would silently skip', async () => {
    const { db, conn } = await fresh('loaddata', { bulk: 'load-data' });
    await db.exec('CREATE TABLE ld (id int PRIMARY KEY, name varchar(5) NOT NULL, price decimal(5,2) NULL)');
    const table = (await conn.introspect()).tables.get('ld')!;
    for (const rows of [
      [
        [1, 'a', null],
        [1, 'b', null],
      ], // duplicate: LOCAL skips it with a warning
      [[1, 'toolong', null]], // truncated with a warning
      [[1, null, null]], // NULL into NOT NULL: '' with a warning
      [[1, 'a', '1.555']], // rounded with a note
    ] as CanonicalValue[][][]) {
      const e = await caught(conn.transaction((tx) => tx.insertRows(table, table.columns, rows)));
      expect(['INTEGRITY', 'VALUE_INVALID']).toContain(e.code);
      expect(e.place.table).toBe('ld');
    }
    expect(await db.query('SELECT COUNT(*) AS n FROM ld')).toEqual([{ n: 0 }]);
    expect(
      await conn.transaction((tx) =>
        tx.insertRows(table, table.columns, [
          [1, 'a\\b', '1.50'],
          [2, '\\N', null],
        ]),
      ),
    ).toBe(2);
    expect(await db.query('SELECT id, name, price FROM ld ORDER BY id')).toEqual([
      { id: 1, name: 'a\\b', price: '1.50' },
      { id: 2, name: '\\N', price: null },
    ]);
  });

  test('LOAD DATA (the default) stays open across batches: one statement per 10,000 rows, ended by any other statement', async () => {
    const { db, conn } = await fresh('ldstream');
    await db.exec('CREATE TABLE la (id int PRIMARY KEY, v varchar(20) NOT NULL)');
    await db.exec('CREATE TABLE lb (id int PRIMARY KEY)');
    const schema = await conn.introspect();
    const [a, b] = [schema.tables.get('la')!, schema.tables.get('lb')!];
    const rows = (from: number, n: number): CanonicalValue[][] => Array.from({ length: n }, (_, i) => [from + i, `v${from + i}`]);
    const loads = async (tx: { query(sql: string): Promise<Array<Record<string, unknown>>> }) =>
      Number((await tx.query("SHOW SESSION STATUS LIKE 'Com_load'"))[0].Value);
    const counts = await conn.transaction(async (tx) => {
      const before = await loads(tx);
      for (let at = 1; at <= 6_000; at += 500) await tx.insertRows(a, a.columns, rows(at, 500));
      // The query ends the open statement: it sees the 6,000 rows, sent by one LOAD DATA.
      const [{ n }] = await tx.query('SELECT COUNT(*) AS n FROM la');
      const afterFirst = await loads(tx);
      await tx.insertRows(b, b.columns, [[1], [2]]);
      for (let at = 6_001; at <= 30_000; at += 500) await tx.insertRows(a, a.columns, rows(at, 500));
      return { n: Number(n), first: afterFirst - before, all: (await loads(tx)) - before };
    });
    // la: 6,000 rows, then lb, then 24,000 rows of la in statements of at most 10,000.
    expect(counts).toEqual({ n: 6_000, first: 1, all: 1 + 1 + 3 });
    expect(await db.query('SELECT COUNT(*) AS n, SUM(id) AS s FROM la')).toEqual([{ n: 30_000, s: String((30_000 * 30_001) / 2) }]);
    expect(await db.query('SELECT COUNT(*) AS n FROM lb')).toEqual([{ n: 2 }]);
  });

  test('LOAD DATA across batches: a warning in a later batch names its row and column, nothing is written', async () => {
    const { db, conn } = await fresh('ldlater');
    await db.exec('CREATE TABLE lw (id int PRIMARY KEY, name varchar(5) NOT NULL)');
    const table = (await conn.introspect()).tables.get('lw')!;
    const e = await caught(
      conn.transaction(async (tx) => {
        for (let at = 1; at <= 900; at += 300) {
          const batch: CanonicalValue[][] = Array.from({ length: 300 }, (_, i) => [at + i, at + i === 777 ? 'toolong' : 'ok']);
          await tx.insertRows(table, table.columns, batch);
        }
      }),
    );
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { table: 'lw', row: 777, column: 'name' } });
    expect(await db.query('SELECT COUNT(*) AS n FROM lw')).toEqual([{ n: 0 }]);
  });

  test('LOAD DATA from table to table and statement to statement: a warning names its own table, row and column; nothing is written', async () => {
    const { db, conn } = await fresh('ldtables');
    await db.exec('CREATE TABLE pa (id int PRIMARY KEY, name varchar(5) NOT NULL)');
    await db.exec('CREATE TABLE pb (id int PRIMARY KEY, name varchar(5) NOT NULL)');
    const schema = await conn.introspect();
    const [a, b] = [schema.tables.get('pa')!, schema.tables.get('pb')!];
    const rows = (from: number, n: number, bad?: number): CanonicalValue[][] =>
      Array.from({ length: n }, (_, i) => [from + i, from + i === bad ? 'toolong' : 'ok']);
    // The bad row is in pa's statement, which ends when pb's first batch comes.
    let e = await caught(
      conn.transaction(async (tx) => {
        for (let at = 1; at <= 1_500; at += 500) await tx.insertRows(a, a.columns, rows(at, 500, 1_234));
        for (let at = 1; at <= 3_000; at += 500) await tx.insertRows(b, b.columns, rows(at, 500));
      }),
    );
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { table: 'pa', row: 1_234, column: 'name' } });
    // Within one table: the bad row in the first statement of 10,000 rows, then in the second (numbered from its own
    // start by the server, named by its key here).
    for (const bad of [9_990, 10_250]) {
      e = await caught(
        conn.transaction(async (tx) => {
          for (let at = 1; at <= 12_000; at += 500) await tx.insertRows(a, a.columns, rows(at, 500, bad));
        }),
      );
      expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { table: 'pa', row: bad, column: 'name' } });
    }
    // The bad row in the next table's statement: that table named.
    e = await caught(
      conn.transaction(async (tx) => {
        await tx.insertRows(a, a.columns, rows(1, 500));
        await tx.insertRows(b, b.columns, rows(1, 500, 42));
      }),
    );
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { table: 'pb', row: 42, column: 'name' } });
    expect(await db.query('SELECT (SELECT COUNT(*) FROM pa) AS a, (SELECT COUNT(*) FROM pb) AS b')).toEqual([{ a: 0, b: 0 }]);
    // And without a fault, every row of both tables, each table its own statement.
    const loads = await conn.transaction(async (tx) => {
      const count = async () => Number((await tx.query("SHOW SESSION STATUS LIKE 'Com_load'"))[0].Value);
      const before = await count();
      for (let at = 1; at <= 1_500; at += 500) await tx.insertRows(a, a.columns, rows(at, 500));
      for (let at = 1; at <= 3_000; at += 500) await tx.insertRows(b, b.columns, rows(at, 500));
      return (await count()) - before;
    });
    expect(loads).toBe(2);
    expect(await db.query('SELECT (SELECT COUNT(*) FROM pa) AS a, (SELECT COUNT(*) FROM pb) AS b')).toEqual([{ a: 1_500, b: 3_000 }]);
  });

  test('an unknown ?bulk= is refused, naming the two paths', async () => {
    const db = await createTestDatabase('mysql', 'bulkname');
    open.push({ db });
    await expect(mysqlDialect.connect(withOptions(db.settings, { bulk: 'copy' }))).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/\?bulk=copy .*load-data or insert/),
    });
  });

  test('LOAD DATA refused by the client: falls back to INSERT inside the same transaction', async () => {
    const { db, conn } = await fresh('ldfallback', { bulk: 'load-data', localInfile: '0' });
    await db.exec('CREATE TABLE fb (id int PRIMARY KEY, name varchar(10))');
    const table = (await conn.introspect()).tables.get('fb')!;
    const written = await conn.transaction(async (tx) => {
      await tx.insertRows(table, table.columns, [[1, 'a']]);
      return tx.insertRows(table, table.columns, [[2, 'b']]);
    });
    expect(written).toBe(1);
    expect(await db.query('SELECT id, name FROM fb ORDER BY id')).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
  });

  test('insertRows batches by bytes under max_allowed_packet and refuses a row that cannot fit', async () => {
    const { db, conn } = await fresh('batches');
    await db.exec('CREATE TABLE wide (id int PRIMARY KEY, body longtext)');
    const table = (await conn.introspect()).tables.get('wide')!;
    const rows: CanonicalValue[][] = [];
    for (let i = 1; i <= 3000; i += 1) rows.push([i, `${i}:${'é'.repeat(1500)}`]); // ~3 KB each as SQL, ~9 MB in all
    expect(await conn.transaction((tx) => tx.insertRows(table, table.columns, rows))).toBe(3000);
    expect(await db.query('SELECT COUNT(*) AS n, SUM(CHAR_LENGTH(body)) AS c FROM wide')).toEqual([
      { n: 3000, c: String(rows.reduce((sum, r) => sum + (r[1] as string).length, 0)) },
    ]);
    const [packet] = await db.query('SELECT @@max_allowed_packet AS p');
    const huge = 'x'.repeat(Number(packet.p) + 10);
    const e = await caught(conn.transaction((tx) => tx.insertRows(table, table.columns, [[5000, huge]])));
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { table: 'wide', row: 5000 } });
    expect(await conn.query('SELECT COUNT(*) AS n FROM wide')).toEqual([{ n: 3000 }]);
  });

  test('executeScript runs a mariadb-dump schema on its own connection', async () => {
    const { conn } = await fresh('script', { connectionLimit: '1' });
    await conn.executeScript(readFileSync(podSchemaFile('mysql', '3.8.4'), 'utf8'));
    const schema = await conn.introspect();
    expect(schema.tables.size).toBe(138);
    // the script's SET SQL_MODE / FOREIGN_KEY_CHECKS stayed on its own connection
    const [session] = await conn.query('SELECT @@SESSION.sql_mode AS mode, @@SESSION.foreign_key_checks AS fk');
    expect(String(session.mode)).toContain('STRICT_ALL_TABLES');
    expect(session.fk).toBe(1);
    const e = await caught(conn.executeScript('CREATE TABLE ok1 (id int); THIS IS NOT SQL;'));
    expect(e.code).toBe('DATABASE');
  });

  test("MariaDB's native UUID type: uuid both ways", async () => {
    const { db, conn } = await fresh('uuid');
    await db.exec('CREATE TABLE nu (id int PRIMARY KEY, u uuid NULL)');
    const table = (await conn.introspect()).tables.get('nu')!;
    expect(table.columns[1].type).toBe('uuid');
    // (MariaDB checks the version and variant nibbles of a UUID value.)
    await conn.transaction((tx) =>
      tx.insertRows(table, table.columns, [
        [1, '0123456789ab4def8123456789abcdef'],
        [2, null],
      ]),
    );
    expect(await collect(conn.streamRows(table, table.columns))).toEqual([
      [1, '0123456789ab4def8123456789abcdef'],
      [2, null],
    ]);
    expect(await db.query('SELECT CAST(u AS CHAR) AS u FROM nu WHERE id = 1')).toEqual([{ u: '01234567-89ab-4def-8123-456789abcdef' }]);
  });

  test('decoding refuses zero dates, naming the row', async () => {
    const { db, conn } = await fresh('zerodate');
    await db.exec(
      "SET SESSION sql_mode = ''; CREATE TABLE z (id int PRIMARY KEY, d datetime NULL); INSERT INTO z VALUES (1, '2020-01-01'), (42, '0000-00-00 00:00:00');",
    );
    const table = (await conn.introspect()).tables.get('z')!;
    const e = await caught(collect(conn.streamRows(table, table.columns)));
    expect(e).toMatchObject({ code: 'VALUE_INVALID', place: { table: 'z', row: 42, column: 'd' } });
  });
});
