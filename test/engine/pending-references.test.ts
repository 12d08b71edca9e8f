import { PendingReferences } from '../../src/engine/pending-references';

describe('PendingReferences', () => {
  it('gives each value that is not present once, with its first row key and its row count, integer or not', () => {
    const pending = new PendingReferences();
    const row = (key: string) => () => key;
    pending.add('7', row('100'));
    pending.add('7', row('101'));
    pending.add('70000', row('102'));
    pending.add('abc', row('103'));
    pending.add('abc', 104);
    pending.add('8', row('k-1')); // an integer value whose row key is not
    pending.add(8, row('105'));
    pending.add('007', row('106')); // not a plain integer: kept as text
    pending.add('9', row('99')); // keys may go down as well as up
    pending.add('ünï', row('a,b'));
    pending.add(2 ** 50, 2 ** 49);
    expect(pending.size).toBe(11);
    const all = pending.unresolved(() => false);
    expect(all).toEqual([
      { value: '7', key: '100', count: 2 },
      { value: '70000', key: '102', count: 1 },
      { value: 'abc', key: '103', count: 2 },
      { value: '8', key: 'k-1', count: 2 },
      { value: '007', key: '106', count: 1 },
      { value: '9', key: '99', count: 1 },
      { value: 'ünï', key: 'a,b', count: 1 },
      { value: String(2 ** 50), key: String(2 ** 49), count: 1 },
    ]);
    // Read once: the log is emptied.
    expect(pending.size).toBe(0);
    expect(pending.unresolved(() => false)).toEqual([]);
  });

  it('asks isPresent about integers as numbers and about text as text', () => {
    const pending = new PendingReferences();
    pending.add('12', () => '1');
    pending.add('x', () => '2');
    pending.add('13', () => '3');
    const asked: Array<number | string> = [];
    const left = pending.unresolved((value) => {
      asked.push(value);
      return value === 12 || value === 'x';
    });
    expect(asked).toEqual([12, 'x', 13]);
    expect(left).toEqual([{ value: '13', key: '3', count: 1 }]);
  });

  it('logs a million rows over 100,000 values in a few bytes a row', () => {
    const pending = new PendingReferences();
    for (let row = 1; row <= 1_000_000; row++) pending.add(row % 100_000, row);
    expect(pending.size).toBe(1_000_000);
    expect(pending.bytes).toBeLessThan(4.5 * 1024 * 1024);
    const missing = pending.unresolved((value) => (value as number) % 1000 !== 0);
    expect(missing).toHaveLength(100);
    expect(missing.every(({ count }) => count === 10)).toBe(true);
    expect(missing[0]).toEqual({ value: '1000', key: '1000', count: 10 });
    expect(missing.find(({ value }) => value === '0')).toEqual({ value: '0', key: '100000', count: 10 });
    expect(pending.bytes).toBe(0);
  });
});
