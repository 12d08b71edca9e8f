/**
 * DatabaseConnection.snapshot on each dialect: every read of the reader sees one consistent snapshot (a row
 * committed by another connection meanwhile is not seen), an error ends it and leaves the connection usable,
 * and one stream at a time.
 */
import { connect } from '../../src/dialects';
import type { DatabaseConnection, SchemaInfo, SnapshotReader, TableInfo } from '../../src/dialects/dialect';
import { parseConnectionUrl } from '../../src/dialects/url';
import { PodMigrateError } from '../../src/errors';
import { collect, rejectionOf } from '../helpers/async';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/databases';

function table(schema: SchemaInfo, name: string): TableInfo {
  const info = schema.tables.get(name);
  if (!info) throw new Error(`no table ${name}`);
  return info;
}

/** More rows than one PostgreSQL FETCH: a stream stopped midway still has a cursor and unread rows. */
const BIG = 7000;

describe.each(DIALECTS)('snapshot on %s', (dialect) => {
  let db: TestDatabase;
  let conn: DatabaseConnection;
  let schema: SchemaInfo;
  const ph = (n: number) => (dialect === 'mysql' ? '?' : `$${n}`);

  beforeAll(async () => {
    db = await createTestDatabase(dialect, `snapshot${dialect}`);
    const text = dialect === 'mysql' ? 'VARCHAR(20)' : 'TEXT';
    await db.exec(
      `CREATE TABLE video (id INTEGER PRIMARY KEY, title ${text} NOT NULL);` +
        `CREATE TABLE comment (id INTEGER PRIMARY KEY, video_id INTEGER NOT NULL, body ${text} NOT NULL);` +
        'CREATE TABLE big (id INTEGER PRIMARY KEY);' +
        `INSERT INTO big (id) VALUES ${Array.from({ length: BIG }, (_, i) => `(${i + 1})`).join(', ')};`,
    );
    // ?connectionLimit=1 / ?maximumPoolSize=1: the snapshot holds the only pooled connection.
    const url = `${db.url}?${dialect === 'mysql' ? 'connectionLimit' : 'maximumPoolSize'}=1`;
    conn = await connect(parseConnectionUrl(url));
  });
  beforeEach(async () => {
    await db.exec('DELETE FROM comment; DELETE FROM video;');
    await db.query(`INSERT INTO video (id, title) VALUES (1, ${ph(1)}), (2, ${ph(2)})`, ['one', 'two']);
    await db.query(`INSERT INTO comment (id, video_id, body) VALUES (10, 1, ${ph(1)})`, ['first']);
    schema = await conn.introspect();
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  test('a row committed by another connection during the snapshot is not seen by it, and is seen after', async () => {
    const video = table(schema, 'video');
    const comment = table(schema, 'comment');
    const inside = await conn.snapshot(async (reader) => {
      const videos = await collect(reader.streamRows(video, video.columns));
      // Another connection, autocommit: a video and a comment on it, written after video was read.
      await db.query(`INSERT INTO video (id, title) VALUES (3, ${ph(1)})`, ['three']);
      await db.query(`INSERT INTO comment (id, video_id, body) VALUES (11, 3, ${ph(1)})`, ['late']);
      const comments = await collect(reader.streamRows(comment, comment.columns));
      const counted = await collect(reader.streamQuery(`SELECT COUNT(*) AS n FROM video`));
      return { videos, comments, count: Number(counted[0].n) };
    });
    expect(inside.videos.map((r) => Number(r[0]))).toEqual([1, 2]);
    expect(inside.comments.map((r) => Number(r[0]))).toEqual([10]);
    expect(inside.count).toBe(2);
    expect((await collect(conn.streamRows(comment, comment.columns))).map((r) => Number(r[0]))).toEqual([10, 11]);
    const again = await conn.snapshot(async (reader) => collect(reader.streamRows(video, video.columns)));
    expect(again.map((r) => Number(r[0]))).toEqual([1, 2, 3]);
  });

  test('a row committed after the snapshot began but before its first read is not seen (default pool: PostgreSQL reads tables by COPY on clients importing the snapshot)', async () => {
    const pooled = await connect(parseConnectionUrl(db.url));
    try {
      const video = table(await pooled.introspect(), 'video');
      const inside = await pooled.snapshot(async (reader) => {
        await db.query(`INSERT INTO video (id, title) VALUES (4, ${ph(1)})`, ['four']);
        const first = await collect(reader.streamRows(video, video.columns));
        const counted = await collect(reader.streamQuery('SELECT COUNT(*) AS n FROM video'));
        return { first, count: Number(counted[0].n) };
      });
      expect(inside.first.map((r) => Number(r[0]))).toEqual([1, 2]);
      expect(inside.count).toBe(2);
      expect((await collect(pooled.streamRows(video, video.columns))).map((r) => Number(r[0]))).toEqual([1, 2, 4]);
    } finally {
      await pooled.close();
    }
  });

  test('PostgreSQL: a server that will not export the snapshot is read by cursors, in one snapshot all the same', async () => {
    if (dialect !== 'postgres') return;
    // pg_export_snapshot shadowed, for new sessions, by one that refuses (pg_catalog after a schema of the test's in
    // the database's search_path), as a server that cannot export snapshots would.
    await db.exec(
      'CREATE SCHEMA shadow;' +
        ' CREATE FUNCTION shadow.pg_export_snapshot() RETURNS text LANGUAGE plpgsql AS' +
        " $$ BEGIN RAISE EXCEPTION 'snapshots are not exported here'; END $$;" +
        ` ALTER DATABASE "${db.name}" SET search_path = shadow, pg_catalog, public;`,
    );
    const pooled = await connect(parseConnectionUrl(db.url));
    // Observed, not replaced: the snapshot is tried by COPY first, then read by cursors.
    const reads = jest.spyOn(pooled as never as { snapshotRead(work: unknown, byCopy: boolean): Promise<unknown> }, 'snapshotRead');
    try {
      const video = table(await pooled.introspect(), 'video');
      const comment = table(await pooled.introspect(), 'comment');
      const inside = await pooled.snapshot(async (reader) => {
        const videos = await collect(reader.streamRows(video, video.columns));
        await db.query(`INSERT INTO comment (id, video_id, body) VALUES (11, 1, ${ph(1)})`, ['late']);
        const comments = await collect(reader.streamRows(comment, comment.columns));
        return { videos: videos.map((r) => Number(r[0])), comments: comments.map((r) => Number(r[0])) };
      });
      expect(inside).toEqual({ videos: [1, 2], comments: [10] });
      expect(reads.mock.calls.map(([, byCopy]) => byCopy)).toEqual([true, false]);
    } finally {
      await pooled.close();
      await db.exec(`ALTER DATABASE "${db.name}" RESET search_path; DROP SCHEMA shadow CASCADE;`);
    }
  });

  test('streamQueryBatches: the rows of streamQuery, in order, in arrays (connection and snapshot)', async () => {
    const sqlText = `SELECT id FROM big WHERE id > ${ph(1)} ORDER BY id`;
    const expected = Array.from({ length: BIG - 1 }, (_, i) => i + 2);
    const rows = (await collect(conn.streamQuery(sqlText, [1]))).map((r) => Number(r.id));
    const batches = await collect(conn.streamQueryBatches(sqlText, [1]));
    const inside = await conn.snapshot(async (reader) => collect(reader.streamQueryBatches(sqlText, [1])));
    expect(rows).toEqual(expected);
    // How many arrays is the driver's buffering (mysql2 may hand over 7,000 short rows at once): not checked.
    for (const read of [batches, inside]) {
      expect(read.every((batch) => Array.isArray(batch) && batch.length > 0)).toBe(true);
      expect(read.flat().map((r) => Number(r.id))).toEqual(expected);
    }
  });

  test('streamQuery with parameters, and an early stop, inside a snapshot', async () => {
    const big = table(schema, 'big');
    const video = table(schema, 'video');
    const { picked, first, after } = await conn.snapshot(async (reader) => {
      const sqlText = `SELECT id, title FROM video WHERE id > ${ph(1)} ORDER BY id`;
      const picked = await collect(reader.streamQuery(sqlText, [1]));
      let first: unknown;
      for await (const row of reader.streamRows(big, big.columns)) {
        first = row[0];
        break; // stopped early, rows left unread
      }
      // PostgreSQL: the cursor's savepoint is rolled back, the snapshot reads on. MySQL: the connection holds
      // unread rows, so the snapshot refuses further reads (and its connection is destroyed at the end).
      const after = await collect(reader.streamRows(video, video.columns)).then(
        (rows) => rows.length,
        (error: unknown) => error,
      );
      return { picked, first, after };
    });
    expect(picked.map((r) => [Number(r.id), r.title])).toEqual([[2, 'two']]);
    expect(Number(first)).toBe(1);
    if (dialect === 'postgres') expect(after).toBe(2);
    else {
      expect(after).toBeInstanceOf(PodMigrateError);
      expect((after as Error).message).toMatch(/stopped before its end/);
    }
    for (let i = 0; i < 3; i += 1) {
      expect(Number((await conn.query('SELECT COUNT(*) AS n FROM big'))[0].n)).toBe(BIG);
      expect((await conn.snapshot(async (reader) => collect(reader.streamRows(big, big.columns)))).length).toBe(BIG);
    }
  });

  test('wide rows (long texts) and narrow ones come whole and in order through a snapshot (PostgreSQL: FETCH sized by bytes)', async () => {
    const text = dialect === 'mysql' ? 'LONGTEXT' : 'TEXT';
    await db.exec(`CREATE TABLE wide (id INTEGER PRIMARY KEY, body ${text} NOT NULL)`);
    try {
      const body = (i: number) => `${i} ${'é\t'.repeat(4500 + (i % 7))}`;
      for (let start = 1; start <= 250; start += 50) {
        const ids = Array.from({ length: 50 }, (_, k) => start + k);
        await db.query(
          `INSERT INTO wide (id, body) VALUES ${ids.map((_, k) => `(${ph(2 * k + 1)}, ${ph(2 * k + 2)})`).join(', ')}`,
          ids.flatMap((i) => [i, body(i)]),
        );
      }
      const wide = table(await conn.introspect(), 'wide');
      const big = table(schema, 'big');
      const { wideRows, bigIds } = await conn.snapshot(async (reader) => ({
        wideRows: await collect(reader.streamRows(wide, wide.columns)),
        bigIds: (await collect(reader.streamRows(big, big.columns))).map((r) => Number(r[0])),
      }));
      expect(wideRows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 250 }, (_, k) => k + 1));
      expect(wideRows.every((r) => r[1] === body(Number(r[0])))).toBe(true);
      expect(bigIds).toEqual(Array.from({ length: BIG }, (_, k) => k + 1));
    } finally {
      await db.exec('DROP TABLE wide');
    }
  });

  test('an error thrown by the work ends the snapshot; the connection goes on working', async () => {
    const video = table(schema, 'video');
    const boom = new Error('boom');
    let kept: SnapshotReader | undefined;
    const error = await rejectionOf(
      conn.snapshot(async (reader) => {
        kept = reader;
        await collect(reader.streamRows(video, video.columns));
        throw boom;
      }),
    );
    expect(error).toBe(boom);
    // The reader is over.
    const late = await rejectionOf(collect(kept!.streamQuery('SELECT 1 AS x')));
    expect(late).toBeInstanceOf(PodMigrateError);
    // The pool still works, several times over (a connection left in a transaction would show here).
    for (let i = 0; i < 4; i += 1) {
      expect((await collect(conn.streamRows(video, video.columns))).length).toBe(2);
      expect(await conn.snapshot(async (reader) => (await collect(reader.streamRows(video, video.columns))).length)).toBe(2);
    }
    await db.query(`INSERT INTO video (id, title) VALUES (4, ${ph(1)})`, ['four']);
    expect(Number((await conn.query('SELECT COUNT(*) AS n FROM video'))[0].n)).toBe(3);
  });

  test('a database error inside the snapshot is a PodMigrateError; the connection goes on working', async () => {
    const error = await rejectionOf(conn.snapshot(async (reader) => collect(reader.streamQuery('SELECT no_such_column FROM video'))));
    expect(error).toBeInstanceOf(PodMigrateError);
    expect(Number((await conn.query('SELECT COUNT(*) AS n FROM video'))[0].n)).toBe(2);
  });

  test('two streams open at once: a clear error', async () => {
    const video = table(schema, 'video');
    const error = await rejectionOf(
      conn.snapshot(async (reader) => {
        const first = reader.streamRows(video, video.columns)[Symbol.asyncIterator]();
        await first.next();
        try {
          const second = reader.streamQuery('SELECT id FROM video')[Symbol.asyncIterator]();
          await second.next();
        } finally {
          await first.return?.();
        }
      }),
    );
    expect(error).toBeInstanceOf(PodMigrateError);
    expect((error as Error).message).toMatch(/one stream at a time/);
    expect(Number((await conn.query('SELECT COUNT(*) AS n FROM video'))[0].n)).toBe(2);
  });

  test('a stream left open when the work resolves: an error, and the connection goes on working', async () => {
    const big = table(schema, 'big');
    const error = await rejectionOf(
      conn.snapshot(async (reader) => {
        const open = reader.streamRows(big, big.columns)[Symbol.asyncIterator]();
        await open.next();
        return 'done';
      }),
    );
    expect(error).toBeInstanceOf(PodMigrateError);
    expect((error as Error).message).toMatch(/still open/);
    for (let i = 0; i < 3; i += 1) {
      expect(Number((await conn.query('SELECT COUNT(*) AS n FROM video'))[0].n)).toBe(2);
      expect((await conn.snapshot(async (reader) => collect(reader.streamRows(big, big.columns)))).length).toBe(BIG);
    }
  });
});
