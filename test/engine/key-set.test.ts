import { KeySet } from '../../src/engine/key-set';

describe('KeySet', () => {
  it('keeps integer ids exactly, across pages and far apart', () => {
    const set = new KeySet();
    const ids = [0, 1, 31, 32, 65535, 65536, 1_000_000, 2 ** 52, 999_999_999_999_999];
    for (const id of ids) expect(set.add(String(id))).toBe(true);
    for (const id of ids) expect(set.add(String(id))).toBe(false);
    for (const id of ids) expect(set.has(String(id))).toBe(true);
    for (const id of [2, 30, 33, 65534, 65537, 999_999]) expect(set.has(String(id))).toBe(false);
    expect(set.size).toBe(ids.length);
  });

  it('tells apart keys that only look like the same integer', () => {
    const set = new KeySet();
    for (const key of ['42', '042', '-42', '42.0', ' 42', '1000000000000000000000']) expect(set.add(key)).toBe(true);
    expect(set.size).toBe(6);
    expect(set.add('042')).toBe(false);
    expect(set.add('1000000000000000000000')).toBe(false);
  });

  it('keeps 300,000 composite keys without a false duplicate, and finds every real one', () => {
    const set = new KeySet();
    let added = 0;
    for (let video = 0; video < 300; video++) {
      for (let day = 0; day < 1000; day++) if (set.add(`${video}\u00002024-01-${day}`)) added += 1;
    }
    expect(added).toBe(300_000);
    expect(set.size).toBe(300_000);
    let refused = 0;
    for (let video = 0; video < 300; video += 7) if (!set.add(`${video}\u00002024-01-${video % 1000}`)) refused += 1;
    expect(refused).toBe(43);
    expect(set.has('1000\u00002024-01-0')).toBe(false);
  });

  it('keeps text keys apart by case and accents (folding is the caller’s business)', () => {
    const set = new KeySet();
    for (const key of ['Élodie.M', 'elodie.m', 'élodie.m', '', '\u0000']) expect(set.add(key)).toBe(true);
    expect(set.add('elodie.m')).toBe(false);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.has('elodie.m')).toBe(false);
  });
});
