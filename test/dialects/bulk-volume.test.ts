/**
 * Correctness at volume, not speed: through each bulk path (PostgreSQL COPY, MariaDB multi-row INSERT and LOAD DATA),
 * one transaction of a 1,000,000-row table and of 100 MB of text (64 KiB values with every character class COPY and
 * LOAD DATA escape), handed over in chunks as the engine does, read back identical row by row. Rows are regenerated
 * from their index on both sides, so the test holds no copy of the data.
 */
import { connect } from '../../src/dialects';
import type { CanonicalValue } from '../../src/convert/logical-types';
import { DIALECTS, createTestDatabase } from '../helpers/databases';

const MANY_ROWS = 1_000_000;
const TEXT_BYTES = 100 * 1024 * 1024;
const TEXT_ROW = 64 * 1024;
const CHUNK = 5_000; // rows per insertRows call (the engine hands over at most BATCH_ROWS, 500: more here, fewer calls)

/** A narrow row (kept narrow: the suite's time): id and a short text with the delimiters COPY / LOAD DATA escape, or NULL. */
function narrowRow(i: number): CanonicalValue[] {
  return [i, i % 1000 === 0 ? null : `r${i}\t\\${i % 7 === 0 ? '\n' : ''}é`];
}

/** A 64 KiB text (ASCII, Latin-1, astral, tabs, newlines, backslashes), different per row. */
function wideRow(i: number): CanonicalValue[] {
  const unit = `${i}:Vidéo « cours » 😀\t\\N\r\n\\`;
  return [i, unit.repeat(Math.ceil(TEXT_ROW / unit.length)).slice(0, TEXT_ROW - 2) + (i % 2 ? ' ' : '\\')];
}

const paths: Array<{ dialect: 'mysql' | 'postgres'; bulk?: string }> = [
  ...(DIALECTS.includes('postgres') ? [{ dialect: 'postgres' as const }] : []),
  ...(DIALECTS.includes('mysql')
    ? [
        { dialect: 'mysql' as const, bulk: 'insert' },
        { dialect: 'mysql' as const, bulk: 'load-data' },
      ]
    : []),
];

describe.each(paths)('bulk path at volume: $dialect $bulk', ({ dialect, bulk }) => {
  test('1,000,000 rows and 100 MB of text, one transaction, read back identical', async () => {
    const db = await createTestDatabase(dialect, `volume_${bulk ?? 'copy'}`);
    const conn = await connect({ ...db.settings, options: { ...db.settings.options, ...(bulk ? { bulk } : {}) } });
    try {
      const text = dialect === 'mysql' ? 'longtext' : 'text';
      await db.exec(`CREATE TABLE many (id int PRIMARY KEY, label ${text})`);
      await db.exec(`CREATE TABLE wide (id int PRIMARY KEY, body ${text} NOT NULL)`);
      const schema = await conn.introspect();
      const wideRows = Math.ceil(TEXT_BYTES / TEXT_ROW);
      const tables = [
        { info: schema.tables.get('many')!, rows: MANY_ROWS, make: narrowRow },
        { info: schema.tables.get('wide')!, rows: wideRows, make: wideRow },
      ];

      const written = await conn.transaction(async (tx) => {
        const counts: number[] = [];
        for (const { info, rows, make } of tables) {
          let n = 0;
          const chunk = info.name === 'wide' ? 100 : CHUNK;
          for (let start = 1; start <= rows; start += chunk) {
            const batch: CanonicalValue[][] = [];
            for (let i = start; i < Math.min(start + chunk, rows + 1); i++) batch.push(make(i));
            n += await tx.insertRows(info, info.columns, batch);
          }
          counts.push(n);
        }
        return counts;
      });
      expect(written).toEqual([MANY_ROWS, wideRows]);

      for (const { info, rows, make } of tables) {
        let read = 0;
        const mismatches: number[] = [];
        for await (const row of conn.streamRows(info, info.columns)) {
          read += 1;
          const expected = make(read);
          if (row.length !== expected.length || row.some((v, c) => v !== expected[c])) mismatches.push(read);
        }
        expect({ table: info.name, read, mismatches: mismatches.slice(0, 5) }).toEqual({ table: info.name, read: rows, mismatches: [] });
      }
    } finally {
      await conn.close();
      await db.drop();
    }
  }, 300_000);
});
