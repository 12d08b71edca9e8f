/**
 * Verify's row-by-row comparison of an ordered table (against the v3 database): the same verdict as the ordered
 * digests it replaced there, whatever the batches' sizes, with each side's row count, and a side's failure reported
 * once (never an unhandled rejection).
 */
import type { CanonicalValue, LogicalType } from '../../src/convert/logical-types';
import { OrderedDigest } from '../../src/convert/verify-key';
import { compareInOrder, RowByRow } from '../../src/engine/verify';

const TYPES: LogicalType[] = ['integer', 'text', 'float', 'boolean', 'datetime'];

/** The rows as batches of the given sizes (cycled), yielded asynchronously. */
async function* batches(rows: CanonicalValue[][], sizes: number[], failAfter?: number): AsyncGenerator<CanonicalValue[][]> {
  let at = 0;
  let turn = 0;
  while (at < rows.length) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('side failed');
    const size = sizes[turn++ % sizes.length]!;
    await new Promise((resolve) => setImmediate(resolve));
    yield rows.slice(at, at + size).map((row) => [...row]);
    at += size;
  }
  if (failAfter !== undefined && at >= failAfter) throw new Error('side failed');
}

function digest(rows: CanonicalValue[][]): string {
  const d = new OrderedDigest();
  for (const row of rows) d.add(row, TYPES);
  return d.finish();
}

async function compare(source: CanonicalValue[][], target: CanonicalValue[][], sizes: [number[], number[]] = [[7], [3, 11]]) {
  const sides = new RowByRow();
  await compareInOrder(batches(source, sizes[0]), batches(target, sizes[1]), TYPES, sides);
  return sides;
}

const rows: CanonicalValue[][] = Array.from({ length: 100 }, (_, i) => [
  i + 1,
  i % 9 === 0 ? null : `title ${i} é`,
  i % 5 === 0 ? 0 : i / 3,
  i % 2 === 0,
  `2024-03-0${1 + (i % 9)} 10:00:00.${String(i).padStart(6, '0')}`,
]);

describe('compareInOrder', () => {
  test('equal rows in any batch sizes: equal, every row counted', async () => {
    for (const sizes of [
      [[1], [100]],
      [[7], [3, 11]],
      [[50], [50]],
      [
        [0, 13],
        [0, 0, 29],
      ],
    ] as [number[], number[]][]) {
      const sides = await compare(rows, rows, sizes);
      expect([sides.equal, sides.sourceRows, sides.targetRows]).toEqual([true, 100, 100]);
    }
  });

  test('equal canonical keys in other spellings are equal, as for the ordered digest', async () => {
    const spelled = rows.map(([id, title, x, flag, date]) => [
      String(id),
      title,
      x,
      flag ? 1 : 0,
      `${String(date).replace(' ', 'T')}+00:00`,
    ]);
    expect(digest(spelled)).toBe(digest(rows));
    expect((await compare(rows, spelled)).equal).toBe(true);
  });

  test("the ordered digest's verdict on every change, counts still complete", async () => {
    const set = (row: number, column: number, value: (old: CanonicalValue) => CanonicalValue) => (r: CanonicalValue[][]) => {
      r[row]![column] = value(r[row]![column]!);
    };
    const changes: Array<(r: CanonicalValue[][]) => unknown> = [
      set(40, 1, (old) => `${old} `), // trailing space
      set(41, 4, (old) => String(old).replace(/\.\d+/, '')), // microseconds dropped
      set(42, 3, (old) => !old), // boolean flipped
      set(9, 1, () => ''), // NULL turned into ''
      set(6, 2, () => Number.NaN), // a float turned into NaN
      (r) => r.splice(60, 1), // row deleted
      (r) => r.push([101, 'added', 1, true, '2024-03-01 10:00:00.000000']), // row added
      (r) => r.reverse(), // same rows, other order
    ];
    for (const change of changes) {
      const target = rows.map((row) => [...row]);
      change(target);
      expect(digest(target)).not.toBe(digest(rows));
      const sides = await compare(rows, target);
      expect([sides.equal, sides.sourceRows, sides.targetRows]).toEqual([false, rows.length, target.length]);
    }
    // Zero and minus zero: whatever the digest says (one key), the comparison says.
    const signed = rows.map((row, i) => (i === 5 ? [row[0]!, row[1]!, -0, row[3]!, row[4]!] : row));
    expect((await compare(rows, signed)).equal).toBe(digest(signed) === digest(rows));
  });

  test("a side's failure rejects the comparison once, with that side's error", async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      for (const [failing, other] of [
        [batches(rows, [10], 30), batches(rows, [10])],
        [batches(rows, [10]), batches(rows, [10], 30)],
        [batches(rows, [10], 0), batches(rows, [10], 0)],
      ]) {
        await expect(compareInOrder(failing!, other!, TYPES, new RowByRow())).rejects.toThrow('side failed');
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
