/**
 * The PostgreSQL cursor's FETCH size (src/dialects/postgres/stream.ts): a first FETCH of 100 rows, then as many rows
 * as fit in the byte budget at the rows' mean width so far, between 10 and the row limit. Pure logic; the reads
 * themselves are tested through real databases (snapshot.test.ts: wide and narrow tables through a snapshot).
 */
import { RowWidth } from '../../src/dialects/postgres/stream';

const MB = 1024 * 1024;
const rows = (count: number, make: (i: number) => Record<string, unknown>) => Array.from({ length: count }, (_, i) => make(i));

describe('postgres: FETCH sized by bytes', () => {
  test('the first FETCH asks for 100 rows (or the limit, when lower)', () => {
    expect(new RowWidth(MB, 2000).rowsFor()).toBe(100);
    expect(new RowWidth(MB, 50).rowsFor()).toBe(50);
  });

  test('narrow rows: the row limit', () => {
    const width = new RowWidth(MB, 2000);
    width.observe(rows(100, (i) => ({ id: i, title: `video ${i}`, at: '2024-01-01 00:00:00' })));
    expect(width.rowsFor()).toBe(2000);
  });

  test('rows of 8 KB encoding logs: about 1 MB a FETCH; text and bytes count by their length', () => {
    const width = new RowWidth(MB, 2000);
    width.observe(rows(100, (i) => ({ id: i, log: 'x'.repeat(8184) })));
    expect(width.rowsFor()).toBe(Math.floor(MB / 8192));
    const bytes = new RowWidth(MB, 2000);
    bytes.observe(rows(10, () => ({ data: Buffer.alloc(MB / 4) })));
    expect(bytes.rowsFor()).toBe(10);
  });

  test('never fewer than 10 rows, however wide; the mean is over every row so far', () => {
    const width = new RowWidth(MB, 2000);
    const huge = 'y'.repeat(10_000_000);
    width.observe(rows(100, () => ({ body: huge })));
    expect(width.rowsFor()).toBe(10);
    width.observe(rows(1_000_000, () => ({ id: 1 })));
    expect(width.rowsFor()).toBe(Math.floor(MB / ((100 * 10_000_000 + 1_000_000 * 8) / 1_000_100)));
  });
});
