import type { CanonicalValue } from '../../../src/convert/logical-types';
import type { DatabaseConnection, ImportTransaction, TableInfo } from '../../../src/dialects/dialect';
import { parseConnectionUrl } from '../../../src/dialects/url';
import { PodMigrateError, type DatabaseFault, type ErrorPlace } from '../../../src/errors';
import { createTestDatabase, serverSettings } from '../../helpers/databases';
import { caught, collect } from '../../helpers/async';
import { describeLive, deferred, liveHarness, numeric } from './harness';

describeLive('live server', (name) => {
  const { dialect, live, fresh, also, tableOf, opened } = liveHarness(name);

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
      expectFault(await inserting(conn, parent, [[3, 'one']]), 'INTEGRITY', 'unique-violation', {
        table: 'parent',
        constraint: 'parent_name_uq',
      });
      expectFault(await inserting(conn, child, [[10, 99, null, null, null]]), 'INTEGRITY', 'foreign-key-violation', {
        table: 'child',
        column: 'parent_id',
        constraint: 'child_parent_fk',
      });
      // MariaDB's bulk path (LOAD DATA LOCAL) gets the refusal as a warning, which names the row too.
      expectFault(await inserting(conn, parent, [[4, null]]), 'INTEGRITY', 'not-null-violation', {
        table: 'parent',
        column: 'name',
        ...(name === 'mysql' ? { row: 4 } : {}),
      });
      expectFault(await inserting(conn, child, [[11, 1, -5, null, null]]), 'INTEGRITY', 'check-violation', {
        table: 'child',
        constraint: 'child_qty_positive',
      });
      expect(numeric(await db.query('SELECT COUNT(*) AS n FROM child'))).toEqual([{ n: 0 }]);
    });

    test('values the column cannot hold: too long, impossible (bulk path and plain statements)', async () => {
      const { conn, child } = await faultTables();
      // On the bulk path the row is named by its key, whether the server or the dialect's own encoder refused it.
      let error = await inserting(conn, child, [[12, 1, null, 'abcdef', null]]);
      expect({ code: error.code, place: error.place }).toEqual({
        code: 'VALUE_INVALID',
        place: { table: 'child', row: 12, column: 'short' },
      });
      error = await inserting(conn, child, [[13, 1, null, null, '2023-02-29']]);
      expect({ code: error.code, place: error.place }).toEqual({
        code: 'VALUE_INVALID',
        place: { table: 'child', row: 13, column: 'day' },
      });
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
        await tx.insertRows(seqb, seqb.columns, [
          [1, 'a'],
          [7, 'b'],
        ]);
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
      await conn.transaction((tx) =>
        tx.insertRows(seqd, seqd.columns, [
          [1, 'a'],
          [3000000000, 'b'],
          [7, 'c'],
        ]),
      );
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
