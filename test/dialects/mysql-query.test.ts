/**
 * MySQL / MariaDB parameter binding (src/dialects/mysql/query.ts): only a `?` outside string literals, quoted
 * identifiers and comments is a placeholder; values are escaped by the driver; a count mismatch is refused.
 * Then the same through a real connection: query, streamQuery and a transaction's query.
 */
import { connect } from '../../src/dialects';
import type { DatabaseConnection } from '../../src/dialects/dialect';
import { encodeQueryParam } from '../../src/dialects/mysql/codec';
import { driverOptions } from '../../src/dialects/mysql/connection';
import { bindParams, findPlaceholders } from '../../src/dialects/mysql/query';
import { parseConnectionUrl } from '../../src/dialects/url';
import { PodMigrateError } from '../../src/errors';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/databases';

/** The placeholders' offsets, shown as the text from each `?` on (easier to read than numbers). */
const placeholdersOf = (text: string) => findPlaceholders(text).map((at) => text.slice(at, at + 6));

describe('mysql: finding placeholders', () => {
  test('a ? outside literals is one, in order', () => {
    expect(findPlaceholders('SELECT ?, ? FROM t WHERE a = ?')).toEqual([7, 10, 29]);
    expect(findPlaceholders('SELECT 1')).toEqual([]);
  });

  test("a ? inside '…' is not, whatever the regex around it", () => {
    const text = "UPDATE t SET p = REGEXP_REPLACE(p, '(?<=^|/)[0-9a-fA-F]{64}(?=/|$)', ?) WHERE id = ?";
    expect(placeholdersOf(text)).toEqual(['?) WHE', '?']);
  });

  test("escaped quotes: '' and \\' stay inside the literal, and so does \\\\ before a closing quote", () => {
    expect(placeholdersOf("SELECT 'it''s ?', ?")).toEqual(['?']);
    expect(placeholdersOf("SELECT 'it\\'s ?', ?")).toEqual(['?']);
    expect(placeholdersOf("SELECT 'a\\\\', ?, 'b?'")).toEqual(["?, 'b?"]);
    expect(placeholdersOf('SELECT "dq ? ""x?"" \\" ?", ?')).toEqual(['?']);
  });

  test('a ? in a backticked name is not one (`` doubled inside)', () => {
    expect(placeholdersOf('SELECT `why?`, `a``?b` FROM t WHERE x = ?')).toEqual(['?']);
  });

  test('comments: -- (with a space), #, /* */; but --1 is arithmetic and /*! */ is SQL', () => {
    expect(placeholdersOf('SELECT ? -- what?\n, ? # why?\n, /* ? */ ?')).toEqual(['? -- w', '? # wh', '?']);
    expect(placeholdersOf('SELECT 1--?\n')).toEqual(['?\n']);
    expect(placeholdersOf('SELECT 1 --\t?\n, ?')).toEqual(['?']);
    expect(placeholdersOf('SELECT /*!50000 ? */ 1')).toEqual(['? */ 1']);
    expect(placeholdersOf('SELECT /*M!100000 ? */ 1')).toEqual(['? */ 1']);
    expect(placeholdersOf('SELECT /*+ ? */ 1')).toEqual(['? */ 1']);
  });

  test('an unterminated literal or comment runs to the end', () => {
    expect(placeholdersOf("SELECT ?, 'open ?")).toEqual(["?, 'op"]);
    expect(placeholdersOf('SELECT ?, /* open ?')).toEqual(['?, /* ']);
  });
});

describe('mysql: binding values', () => {
  const bind = (text: string, values: unknown[]) => bindParams(text, values.map(encodeQueryParam));

  test('each placeholder gets its escaped value; literals and comments are left as written', () => {
    const text = "SELECT REGEXP_REPLACE(p, '(?<=^|/)x(?=/|$)', ?) -- ?\n, `a?`, ? /* ? */";
    expect(bind(text, ['v', 2])).toBe("SELECT REGEXP_REPLACE(p, '(?<=^|/)x(?=/|$)', 'v') -- ?\n, `a?`, 2 /* ? */");
  });

  test('quotes, backslashes, NULL, booleans, dates, buffers, lists escaped as the driver does', () => {
    expect(bind('SELECT ?', ["it's"])).toBe("SELECT 'it\\'s'");
    expect(bind('SELECT ?', ['back\\slash'])).toBe("SELECT 'back\\\\slash'");
    expect(bind('SELECT ?', ["?' OR 1=1 -- "])).toBe("SELECT '?\\' OR 1=1 -- '");
    expect(bind('SELECT ?, ?', [null, undefined])).toBe('SELECT NULL, NULL');
    expect(bind('SELECT ?, ?', [true, false])).toBe('SELECT 1, 0');
    expect(bind('SELECT ?', [new Date('2024-02-29T12:34:56.789Z')])).toBe("SELECT '2024-02-29 12:34:56.789'");
    expect(bind('SELECT ?', [12345678901234567890n])).toBe("SELECT '12345678901234567890'");
    expect(bind('SELECT ?', [Buffer.from('ab')])).toBe("SELECT X'6162'");
    expect(bind('SELECT ? IN (?)', [1, ['a', 'b']])).toBe("SELECT 1 IN ('a', 'b')");
    expect(bind('SELECT ?', [{ a: 1 }])).toBe('SELECT \'{\\"a\\":1}\'');
  });

  test('a value holding ? is not itself scanned for placeholders', () => {
    expect(bind('SELECT ?, ?', ['?', 'x'])).toBe("SELECT '?', 'x'");
  });

  test('without values the text is left alone, ? and all', () => {
    expect(bindParams("SELECT '(?=x)', ?", [])).toBe("SELECT '(?=x)', ?");
  });

  test('more or fewer placeholders than values is refused', () => {
    expect(() => bind('SELECT ?, ?', [1])).toThrow(PodMigrateError);
    expect(() => bind('SELECT ?', [1, 2])).toThrow(/1 placeholder\(s\).*2 parameter\(s\)/);
    // The ? in the literal does not count: one placeholder, two values.
    expect(() => bind("SELECT '?', ?", [1, 2])).toThrow(/1 placeholder\(s\)/);
  });
});

describe('mysql: the driver never formats', () => {
  // Values are bound by bindParams; mysql2's own formatter would still scan every statement (a bulk INSERT's whole
  // text) for placeholders. Its queryFormat hands the text over as it is, and refuses values it was never meant to get.
  const format = driverOptions(parseConnectionUrl('mysql://root@127.0.0.1:3306/x')).queryFormat as (sql: string, values: unknown) => string;

  test('the text goes as it is, ? and all', () => {
    expect(format("SELECT ?, '?' -- ?", [])).toBe("SELECT ?, '?' -- ?");
    expect(format('SELECT 1', undefined)).toBe('SELECT 1');
  });

  test('values given to the driver are refused', () => {
    expect(() => format('SELECT ?', [1])).toThrow(/binds values itself/);
    expect(() => format('SELECT :a', { a: 1 })).toThrow(/binds values itself/);
  });
});

const live = DIALECTS.includes('mysql') ? describe : describe.skip;

live('mysql: parameters through a real connection', () => {
  let db: TestDatabase;
  let conn: DatabaseConnection;
  const HEX_A = 'a'.repeat(64);
  const HEX_B = 'b'.repeat(64);

  beforeAll(async () => {
    db = await createTestDatabase('mysql', 'mysqlparams');
    await db.exec('CREATE TABLE t (id INT PRIMARY KEY, p VARCHAR(200), `why?` VARCHAR(100), at DATETIME(6) NULL)');
    await db.exec(`INSERT INTO t (id, p) VALUES (1, 'media/${HEX_A}/v.mp4'), (2, 'media/${HEX_A}/w.mp4')`);
    conn = await connect(parseConnectionUrl(db.url));
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  test('a regex literal with (?<= and (?= keeps its ? while the values are bound', async () => {
    await conn.transaction(async (tx) => {
      await tx.query(
        "UPDATE t SET p = REGEXP_REPLACE(p, '(?<=^|/)[0-9a-fA-F]{64}(?=/|$)', ?), `why?` = ?, at = ? WHERE id = ? -- the id?",
        [HEX_B, "it's a \\ back?slash", new Date('2024-02-29T12:34:56.789Z'), 2],
      );
    });
    const rows = await conn.query('SELECT id, p, `why?` AS why, at FROM t WHERE p REGEXP ? ORDER BY id', ['(?<=/)b{64}(?=/)']);
    expect(rows).toEqual([{ id: 2, p: `media/${HEX_B}/w.mp4`, why: "it's a \\ back?slash", at: '2024-02-29 12:34:56.789000' }]);
    const streamed: unknown[] = [];
    for await (const row of conn.streamQuery("SELECT id, '(?=x)' AS lit FROM t WHERE id IN (?) AND `why?` IS NULL", [[1, 2]]))
      streamed.push(row);
    expect(streamed).toEqual([{ id: 1, lit: '(?=x)' }]);
  });

  test('NULL binds as NULL', async () => {
    const [row] = await conn.query('SELECT ? IS NULL AS n, ? AS s', [null, '?']);
    expect(row).toEqual({ n: 1, s: '?' });
  });

  test('a count mismatch is refused before anything runs', async () => {
    await expect(conn.query('SELECT ?, ?', [1])).rejects.toThrow(/2 placeholder\(s\) .* but 1 parameter\(s\)/);
    await expect(
      conn.transaction(async (tx) => {
        await tx.query("UPDATE t SET p = 'x' WHERE p = '?'", [1]);
      }),
    ).rejects.toThrow(PodMigrateError);
    const iterate = async () => {
      for await (const _row of conn.streamQuery('SELECT 1', [1])) void _row;
    };
    await expect(iterate()).rejects.toThrow(/0 placeholder\(s\)/);
    const [{ n }] = await conn.query("SELECT COUNT(*) AS n FROM t WHERE p = 'x'");
    expect(Number(n)).toBe(0);
  });
});
