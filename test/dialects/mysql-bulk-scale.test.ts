/**
 * Both MySQL bulk paths (multi-row INSERT, LOAD DATA) at scale: 50k rows in chunks as the engine hands them over,
 * in one transaction, read back identical. Their speed is `npm run bench -- --mysql-bulk insert|load-data`'s job.
 */
import { mysqlDialect } from '../../src/dialects/mysql';
import type { CanonicalValue } from '../../src/convert/logical-types';
import { DIALECTS, createTestDatabase } from '../helpers/databases';

const run = DIALECTS.includes('mysql') ? describe : describe.skip;
const ROWS = 50_000;
const CHUNK = 5_000; // rows per insertRows call, as the engine hands them over

function makeRows(): CanonicalValue[][] {
  const rows: CanonicalValue[][] = [];
  for (let i = 1; i <= ROWS; i += 1) {
    rows.push([
      i,
      `Vidéo n°${i} — « cours » de l'amphi ${i % 37}`,
      `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')} 12:34:56.${String(i % 1_000_000).padStart(6, '0')}`,
      `${i % 100000}.${String(i % 100).padStart(2, '0')}`,
      i % 3 === 0,
    ]);
  }
  return rows;
}

run('mysql dialect: bulk paths at scale', () => {
  for (const bulk of ['insert', 'load-data']) {
    test(`50k rows × 5 columns (${bulk})`, async () => {
      const db = await createTestDatabase('mysql', `bulk_${bulk}`);
      const conn = await mysqlDialect.connect({ ...db.settings, options: { ...db.settings.options, bulk } });
      try {
        await db.exec(
          'CREATE TABLE bench (id int PRIMARY KEY, title varchar(255) NOT NULL, created datetime(6) NOT NULL, amount decimal(10,2) NOT NULL, flag tinyint(1) NOT NULL)',
        );
        const table = (await conn.introspect()).tables.get('bench')!;
        const rows = makeRows();
        const written = await conn.transaction(async (tx) => {
          let n = 0;
          for (let i = 0; i < rows.length; i += CHUNK) n += await tx.insertRows(table, table.columns, rows.slice(i, i + CHUNK));
          return n;
        });
        expect(written).toBe(ROWS);

        let read = 0;
        const mismatches: number[] = [];
        for await (const row of conn.streamRows(table, table.columns)) {
          if (JSON.stringify(row) !== JSON.stringify(rows[read])) mismatches.push(read + 1);
          read += 1;
        }
        expect(read).toBe(ROWS);
        expect(mismatches.slice(0, 5)).toEqual([]);
      } finally {
        await conn.close();
        await db.drop();
      }
    });
  }
});
