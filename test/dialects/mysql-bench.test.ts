/**
 * Throughput of the MySQL dialect's bulk paths on a 100k-row, 5-column table (printed, not asserted beyond a
 * floor that only catches a path gone row-by-row).
 */
import { mysqlDialect } from '../../src/dialects/mysql';
import type { CanonicalValue } from '../../src/convert/logical-types';
import { DIALECTS, createTestDatabase } from '../helpers/databases';

const run = DIALECTS.includes('mysql') ? describe : describe.skip;
const ROWS = 100_000;
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

run('mysql dialect: bulk throughput', () => {
  for (const bulk of ['insert', 'load-data']) {
    test(`100k rows × 5 columns (${bulk})`, async () => {
      const db = await createTestDatabase('mysql', `bench_${bulk}`);
      const conn = await mysqlDialect.connect({ ...db.settings, options: { ...db.settings.options, bulk } });
      try {
        await db.exec(
          'CREATE TABLE bench (id int PRIMARY KEY, title varchar(255) NOT NULL, created datetime(6) NOT NULL, amount decimal(10,2) NOT NULL, flag tinyint(1) NOT NULL)',
        );
        const table = (await conn.introspect()).tables.get('bench')!;
        const rows = makeRows();
        const started = process.hrtime.bigint();
        const written = await conn.transaction(async (tx) => {
          let n = 0;
          for (let i = 0; i < rows.length; i += CHUNK) n += await tx.insertRows(table, table.columns, rows.slice(i, i + CHUNK));
          return n;
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        expect(written).toBe(ROWS);

        const readStart = process.hrtime.bigint();
        let read = 0;
        for await (const row of conn.streamRows(table, table.columns)) {
          read += 1;
          if (read === 1) expect(row).toEqual(rows[0]);
        }
        const readSeconds = Number(process.hrtime.bigint() - readStart) / 1e9;
        expect(read).toBe(ROWS);
        // eslint-disable-next-line no-console
        console.log(
          `mysql ${bulk}: wrote ${ROWS} rows in ${seconds.toFixed(2)} s = ${Math.round(ROWS / seconds)} rows/s; ` +
            `streamRows read them back at ${Math.round(ROWS / readSeconds)} rows/s`,
        );
        expect(ROWS / seconds).toBeGreaterThan(5_000);
      } finally {
        await conn.close();
        await db.drop();
      }
    });
  }
});
