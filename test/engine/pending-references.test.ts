import { PendingReferences } from '../../src/engine/pending-references';

describe('PendingReferences', () => {
  it('keeps each value once, with its first row key and its row count, integer or not', () => {
    const pending = new PendingReferences();
    const asked: string[] = [];
    const row = (key: string) => () => {
      asked.push(key);
      return key;
    };
    pending.add('7', row('100'));
    pending.add('7', row('101'));
    pending.add('70000', row('102'));
    pending.add('abc', row('103'));
    pending.add('abc', row('104'));
    pending.add('8', row('k-1')); // an integer value whose row key is not: kept aside
    pending.add('8', row('105'));
    pending.add('007', row('106')); // not a plain integer: kept as text
    expect(asked).toEqual(['100', '102', '103', 'k-1', '106']);
    const entries = [...pending.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    expect(entries).toEqual([
      ['007', '106', 1],
      ['7', '100', 2],
      ['70000', '102', 1],
      ['8', 'k-1', 2],
      ['abc', '103', 2],
    ]);
  });

  it('holds a million rows over 100,000 values in typed pages', () => {
    const pending = new PendingReferences();
    for (let row = 1; row <= 1_000_000; row++) pending.add(String(row % 100_000), () => String(row));
    const entries = [...pending.entries()];
    expect(entries).toHaveLength(100_000);
    expect(entries.every(([, , count]) => count === 10)).toBe(true);
    expect(entries.find(([value]) => value === '0')).toEqual(['0', '100000', 10]);
    expect(entries.find(([value]) => value === '42')).toEqual(['42', '42', 10]);
  });
});
