import { Writable } from 'node:stream';
import { drained, sameTarget } from '../../src/dialects/bulk-statement';
import type { ColumnInfo, TableInfo } from '../../src/dialects/dialect';

/** A writable that never takes its buffered bytes (no 'drain' until `release`). */
function stuckWritable() {
  let release: (() => void) | undefined;
  const stream = new Writable({
    highWaterMark: 4,
    write(_chunk, _encoding, callback) {
      release = () => callback();
    },
  });
  return { stream, release: () => release?.() };
}

const listeners = (stream: Writable) => ['drain', 'close', 'error'].map((event) => stream.listenerCount(event));

describe('drained', () => {
  it('resolves on drain and removes its listeners', async () => {
    const { stream, release } = stuckWritable();
    const before = listeners(stream);
    expect(stream.write('12345')).toBe(false);
    const waiting = drained(stream);
    release();
    await waiting;
    expect(listeners(stream)).toEqual(before);
  });

  it('resolves once the statement ends when no drain comes, and removes its listeners (a socket waited on again and again)', async () => {
    const { stream } = stuckWritable();
    const before = listeners(stream);
    stream.write('12345');
    for (let k = 0; k < 20; k++) {
      await drained(stream, Promise.reject(new Error('the server refused the statement')));
      await drained(stream, Promise.resolve());
    }
    expect(listeners(stream)).toEqual(before);
  });
});

describe('sameTarget', () => {
  const column = (name: string) => ({ name }) as unknown as ColumnInfo;
  const a = column('a');
  const b = column('b');
  const table = { name: 't' } as unknown as TableInfo;
  const open = { table, columns: [a, b] };

  it('takes the same table with the same columns, in the same order', () => {
    expect(sameTarget(open, table, [a, b])).toBe(true);
  });

  it('refuses another table, another column list, or the same columns in another order', () => {
    expect(sameTarget(open, { name: 't' } as unknown as TableInfo, [a, b])).toBe(false);
    expect(sameTarget(open, table, [a])).toBe(false);
    expect(sameTarget(open, table, [b, a])).toBe(false);
    expect(sameTarget(open, table, [a, column('b')])).toBe(false);
  });
});
