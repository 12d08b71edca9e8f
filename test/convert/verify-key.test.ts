import { canonicalKey, NULL_KEY, OrderedDigest, rowDigest, RowHasher, TableChecksum } from '../../src/convert/verify-key';
import { fromDumpValue } from '../../src/convert/dump-values';
import type { LogicalType } from '../../src/convert/logical-types';

describe('canonicalKey', () => {
  it('booleans are 1/0, however spelled', () => {
    expect(canonicalKey(true, 'boolean')).toBe('1');
    expect(canonicalKey(false, 'boolean')).toBe('0');
    expect(canonicalKey(1, 'boolean')).toBe('1');
    expect(canonicalKey('false', 'boolean')).toBe('0');
  });

  it('NULL has its own key: not the text "NULL", not "", not "\\u0000"', () => {
    const keys = [
      canonicalKey(null, 'text'),
      canonicalKey('NULL', 'text'),
      canonicalKey('', 'text'),
      canonicalKey('\u0000', 'text'),
      canonicalKey('\u0000\u0000', 'text'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(canonicalKey(null, 'text')).toBe(NULL_KEY);
    expect(canonicalKey(undefined, 'integer')).toBe(NULL_KEY);
    expect(canonicalKey('NULL', 'text')).toBe('NULL');
  });

  it('integers exactly, whether number, bigint or decimal text', () => {
    expect(canonicalKey(42, 'integer')).toBe('42');
    expect(canonicalKey('42', 'integer')).toBe('42');
    expect(canonicalKey(-0, 'integer')).toBe('0');
    expect(canonicalKey('-9223372036854775808', 'integer')).toBe('-9223372036854775808');
    expect(canonicalKey(-9223372036854775808n, 'integer')).toBe('-9223372036854775808');
    expect(canonicalKey(1e21, 'integer')).toBe('1000000000000000000000');
    expect(canonicalKey('007', 'integer')).toBe('7');
  });

  it('decimals without insignificant zeros; floats at a fixed precision', () => {
    expect(canonicalKey('1.50', 'decimal')).toBe('1.5');
    expect(canonicalKey('001.500', 'decimal')).toBe('1.5');
    expect(canonicalKey('-0.0', 'decimal')).toBe('0');
    expect(canonicalKey('1e3', 'decimal')).toBe('1000');
    expect(canonicalKey('0.00012', 'decimal')).toBe('0.00012');
    expect(canonicalKey(1.5, 'decimal')).toBe('1.5');
    expect(canonicalKey(0.1 + 0.2, 'float')).toBe(canonicalKey(0.3, 'float'));
    expect(canonicalKey(1 / 3, 'float')).toBe('0.333333333333333');
    expect(canonicalKey(-0, 'float')).toBe('0');
  });

  it('datetimes canonical, with or without microseconds', () => {
    expect(canonicalKey('2023-06-15 08:00:00', 'datetime')).toBe('2023-06-15 08:00:00.000000');
    expect(canonicalKey('2023-06-15T10:00:00+02:00', 'datetime')).toBe('2023-06-15 08:00:00.000000');
    expect(canonicalKey(new Date('2023-06-15T08:00:00.123Z'), 'datetime')).toBe('2023-06-15 08:00:00.123000');
    expect(canonicalKey('2023-06-15 08:00:00.123456', 'datetime')).not.toBe(canonicalKey('2023-06-15 08:00:00', 'datetime'));
    expect(canonicalKey('2023-06-15 08:00:00.123456', 'datetime', { dropMicroseconds: true })).toBe(
      canonicalKey('2023-06-15 08:00:00', 'datetime'),
    );
    expect(canonicalKey('12:34:56.5', 'time')).toBe('12:34:56.500000');
    expect(canonicalKey('12:34:56.5', 'time', { dropMicroseconds: true })).toBe('12:34:56.000000');
    expect(canonicalKey('2100-01-01', 'date')).toBe('2100-01-01');
  });

  it('uuids as 32 hex digits, with or without dashes', () => {
    expect(canonicalKey('CF310303-1859-4E14-B06B-A6468106B398', 'uuid')).toBe('cf31030318594e14b06ba6468106b398');
    expect(canonicalKey('cf31030318594e14b06ba6468106b398', 'uuid')).toBe('cf31030318594e14b06ba6468106b398');
  });

  it('JSON text and JSON value give the same key; spacing, key order and escapes vanish', () => {
    const keys = [
      canonicalKey({ json: '{"b": [1, 2.0, null], "a": "é"}' }, 'json'),
      canonicalKey({ json: '{"a":"\\u00e9","b":[1,2,null]}' }, 'json'),
      canonicalKey('{ "a" : "é" , "b" : [ 1 , 2 , null ] }', 'json'),
      canonicalKey(fromDumpValue({ b: [1, 2, null], a: 'é' }, { name: 'c', type: 'json' }), 'json'),
    ];
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe('{"a":"é","b":[1,2,null]}');
    expect(canonicalKey({ json: '[1, 2]' }, 'json')).not.toBe(canonicalKey({ json: '[2, 1]' }, 'json'));
    expect(canonicalKey({ json: '"NULL"' }, 'json')).not.toBe(canonicalKey(null, 'json'));
    expect(canonicalKey({ json: 'null' }, 'json')).not.toBe(canonicalKey(null, 'json'));
  });

  it('intervals as integer microseconds, inet as PostgreSQL prints it, binary as base64', () => {
    expect(canonicalKey(5400000000, 'interval')).toBe('5400000000');
    expect(canonicalKey('FE80:0:0:0:0:0:0:1', 'inet')).toBe('fe80::1');
    expect(canonicalKey('fe80::1/128', 'inet')).toBe('fe80::1');
    expect(canonicalKey('10.0.0.1/32', 'inet')).toBe('10.0.0.1');
    expect(canonicalKey('10.0.0.0/8', 'inet')).toBe('10.0.0.0/8');
    expect(canonicalKey(Buffer.from([0, 255]), 'binary')).toBe('AP8=');
  });
});

describe('TableChecksum', () => {
  const types: LogicalType[] = ['integer', 'text', 'boolean', 'datetime', 'json'];
  const rows = [
    [1, 'a', true, '2023-06-15 08:00:00.000000', { json: '{"x": 1}' }],
    [2, 'NULL', false, '2023-06-15 08:00:00.123456', { json: '[]' }],
    [3, null, null, null, null],
    [4, '', true, '1970-01-01 00:00:00.000000', { json: '{"y": [1, 2]}' }],
  ];

  function checksum(list: unknown[][], options = {}): TableChecksum {
    const c = new TableChecksum(options);
    for (const r of list) c.add(r, types, String(r[0]));
    return c;
  }

  it('does not depend on row order', () => {
    const a = checksum(rows);
    const b = checksum([rows[2], rows[0], rows[3], rows[1]]);
    expect(a.count).toBe(4);
    expect(a.digest).toMatch(/^[0-9a-f]{32}$/);
    expect(b.digest).toBe(a.digest);
    expect(b.signature).toBe(a.signature);
    expect(a.equals(b)).toBe(true);
  });

  it('counts duplicates, and notices a missing, changed or extra row', () => {
    const base = checksum(rows);
    const dup = checksum([...rows, rows[1]]);
    expect(dup.count).toBe(5);
    expect(dup.digest).not.toBe(base.digest);
    // the same multiset of rows with one row doubled and another dropped differs too
    expect(checksum([rows[0], rows[0], rows[2], rows[3]]).digest).not.toBe(base.digest);
    expect(checksum(rows.slice(1)).digest).not.toBe(base.digest);
    const changed = rows.map((r) => [...r]);
    changed[1][1] = null; // the text "NULL" becoming NULL is a difference
    expect(checksum(changed).digest).not.toBe(base.digest);
  });

  it('sees a spelling difference as no difference (json text, uuid dashes, datetime T/Z)', () => {
    const t: LogicalType[] = ['json', 'uuid', 'datetime'];
    const a = new TableChecksum();
    a.add([{ json: '{"b": 1, "a": 2}' }, 'CF310303-1859-4E14-B06B-A6468106B398', '2023-06-15T08:00:00Z'], t);
    const b = new TableChecksum();
    b.add([{ json: '{"a":2,"b":1}' }, 'cf31030318594e14b06ba6468106b398', '2023-06-15 08:00:00.000000'], t);
    expect(a.digest).toBe(b.digest);
  });

  it('length-prefixes the values: ["a","bc"] differs from ["ab","c"]', () => {
    const t: LogicalType[] = ['text', 'text'];
    expect(rowDigest(['a', 'bc'], t).equals(rowDigest(['ab', 'c'], t))).toBe(false);
    expect(rowDigest(['1:a', ''], t).equals(rowDigest(['', '1:a'], t))).toBe(false);
    expect(rowDigest([null, 'x'], t).equals(rowDigest(['\u0000', 'x'], t))).toBe(false);
    expect(rowDigest(['\ud800'], ['text']).equals(rowDigest(['\ufffd'], ['text']))).toBe(false); // lone surrogates
  });

  it('drops microseconds when asked (tells Pod exporter loss from corruption)', () => {
    const exact = rows.map((r) => [...r]);
    const podExported = rows.map((r) => [r[0], r[1], r[2], typeof r[3] === 'string' ? `${r[3].slice(0, 19)}.000000` : r[3], r[4]]);
    expect(checksum(exact).digest).not.toBe(checksum(podExported).digest);
    expect(checksum(exact, { dropMicroseconds: true }).digest).toBe(checksum(podExported, { dropMicroseconds: true }).digest);
  });

  it('keeps per-row digests by key when asked, to name the rows that differ', () => {
    const a = checksum(rows, { keepRows: true });
    const changed = rows.map((r) => [...r]);
    changed[3][1] = 'changed';
    const b = checksum(changed, { keepRows: true });
    expect(a.rows!.size).toBe(4);
    const differing = [...a.rows!].filter(([k, d]) => b.rows!.get(k) !== d).map(([k]) => k);
    expect(differing).toEqual(['4']);
    expect(checksum(rows).rows).toBeUndefined();
    // rows sharing a key are summed, order-independently
    const c = new TableChecksum({ keepRows: true });
    const d = new TableChecksum({ keepRows: true });
    c.add(rows[0], types, 'k');
    c.add(rows[1], types, 'k');
    d.add(rows[1], types, 'k');
    d.add(rows[0], types, 'k');
    expect(c.rows!.get('k')).toBe(d.rows!.get('k'));
  });

  it('merges partial checksums', () => {
    const whole = checksum(rows, { keepRows: true });
    const a = checksum(rows.slice(0, 2), { keepRows: true });
    a.merge(checksum(rows.slice(2), { keepRows: true }));
    expect(a.signature).toBe(whole.signature);
    expect(a.rows).toEqual(whole.rows);
  });

  it('is also exported as RowHasher, and counts every row', () => {
    expect(RowHasher).toBe(TableChecksum);
    const c = new TableChecksum();
    for (let i = 0; i < 100_000; i++) c.add([i, `title ${i}`, i % 2 === 0, '2023-06-15 08:00:00.000000', { json: '{"a": 1}' }], types);
    expect(c.count).toBe(100_000);
  });
});

describe('OrderedDigest', () => {
  const types = ['integer', 'text', 'datetime'] as const;
  function digest(rows: unknown[][]): string {
    const d = new OrderedDigest();
    for (const row of rows) d.add(row, [...types]);
    return d.finish();
  }
  /** Two text columns of one row. */
  function two(a: string, b: string): string {
    const d = new OrderedDigest();
    d.add([a, b], ['text', 'text']);
    return d.finish();
  }
  // Enough rows for several 64 Ki-character chunks.
  const rows = Array.from({ length: 20_000 }, (_, i) => [i, `title ${i} ${'x'.repeat(i % 50)}`, '2023-06-15 08:00:00.000000']);

  it('is equal for the same rows in the same order, whatever their spelling', () => {
    const respelled = rows.map(([id, title]) => [String(id), title, '2023-06-15T08:00:00Z']);
    expect(digest(respelled)).toBe(digest(rows));
    expect(digest(rows)).toMatch(/^20000:[0-9a-f]{64}$/);
  });

  it('differs for a changed value, a row moved, missing or added, and for a lone surrogate against U+FFFD', () => {
    const whole = digest(rows);
    const changed = rows.map((r, i) => (i === 12_345 ? [r[0], `${r[1]} `, r[2]] : r));
    expect(digest(changed)).not.toBe(whole);
    expect(digest([rows[1], rows[0], ...rows.slice(2)])).not.toBe(whole);
    expect(digest(rows.slice(1))).not.toBe(whole);
    expect(digest([...rows, rows[0]])).not.toBe(whole);
    expect(digest([[1, '\ud800', null]])).not.toBe(digest([[1, '\ufffd', null]]));
    expect(digest([[1, 'é', null]])).not.toBe(digest([[1, 'Ã©', null]]));
    expect(digest([[1, '\u00ff', null]])).not.toBe(digest([[1, '\u0100', null]]));
    expect(
      digest([
        [1, 'a', null],
        [2, 'bc', null],
      ]),
    ).not.toBe(
      digest([
        [1, 'ab', null],
        [2, 'c', null],
      ]),
    );
  });

  it('hashes an integer read as a number as its decimal text, wherever a chunk ends', () => {
    const edges = [0, -0, 7, 9, 10, 99, 100, -1, -10, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 1e15, 2 ** 53 - 1, -(2 ** 53 - 1)];
    // Sizes that end a chunk inside a row, a length or an integer's digits.
    const ids = [...edges, ...Array.from({ length: 120_000 }, (_, i) => i * 7919 - 300_000_000)];
    const asNumbers = ids.map((id) => [id, 't', null]);
    const asTexts = ids.map((id) => [String(id), 't', null]);
    expect(digest(asNumbers)).toBe(digest(asTexts));
    expect(digest([[10, 't', null]])).not.toBe(digest([[1, 't', null]]));
    expect(digest([[-5, 't', null]])).not.toBe(digest([[5, 't', null]]));
  });

  it('hashes keys longer than its chunk, non-ASCII text and lone surrogates, wherever a chunk ends', () => {
    const long = `${'é'.repeat(150_000)}\ud800${'x'.repeat(150_000)}`;
    const many = (text: string) => Array.from({ length: 30 }, (_, i) => [i, i % 7 === 3 ? text : `row ${i}`, null]);
    expect(digest(many(long))).toBe(digest(many(long)));
    const changed = `${long.slice(0, 200_000)}y${long.slice(200_001)}`;
    expect(digest(many(changed))).not.toBe(digest(many(long)));
    expect(digest(many(long.slice(1)))).not.toBe(digest(many(long)));
  });

  it('tells keys apart around the length from which they are encoded natively (32), wherever a chunk ends', () => {
    const variants: string[] = [];
    for (const length of [16, 17, 31, 32, 33, 100, 1023]) {
      const ascii = 'abcdefghij'.repeat(103).slice(0, length);
      const at = Math.floor(length / 2);
      for (const c of ['', '\u00e9', '\u00ff', '\u0100', '\ud800', '\ufffd', '😀'.slice(0, 1)])
        variants.push(c === '' ? ascii : `${ascii.slice(0, at)}${c}${ascii.slice(at + 1)}`);
      variants.push(`${ascii.slice(0, at)}\u00e9\u00e9${ascii.slice(at + 2)}`);
    }
    const one = (text: string) => digest([[1, text, null]]);
    const digests = variants.map(one);
    expect(new Set(digests).size).toBe(new Set(variants).size);
    // Many rows of these keys (several 256 KB chunks, each key landing at other places): equal to itself, and a
    // changed code unit in any row changes it.
    const many = (change: number) =>
      digest(
        Array.from({ length: 6000 }, (_, i) => [
          i,
          i === change ? `${variants[i % variants.length]}!` : variants[i % variants.length],
          null,
        ]),
      );
    expect(many(-1)).toBe(many(-1));
    expect(many(4321)).not.toBe(many(-1));
    // A 32-character text and the same characters read as 16 + 16 in two columns differ.
    const text = 'é'.repeat(20) + 'a'.repeat(44);
    expect(two(text.slice(0, 32), text.slice(32))).not.toBe(two(text.slice(0, 16), text.slice(16)));
  });

  it('tells long keys apart by every code unit: one byte each up to 0xFF, two beyond, lone surrogates too', () => {
    const one = (text: string) => digest([[1, text, null]]);
    const ascii = 'log line\t'.repeat(400);
    const variants = [
      ascii,
      `${ascii} `,
      `${ascii.slice(0, 2000)}\u00ff${ascii.slice(2001)}`,
      `${ascii.slice(0, 2000)}\u0100${ascii.slice(2001)}`,
      `${ascii.slice(0, 2000)}\u00ff\u00ff${ascii.slice(2002)}`,
      `${ascii.slice(0, 2000)}\ud800${ascii.slice(2001)}`,
      `${ascii.slice(0, 2000)}\ufffd${ascii.slice(2001)}`,
      'x'.repeat(1023),
      'x'.repeat(1024),
      'x'.repeat(1025),
    ];
    const digests = variants.map(one);
    expect(new Set(digests).size).toBe(variants.length);
    expect(variants.map(one)).toEqual(digests);
    // A key's bytes never run into the next key's: the same text cut elsewhere differs.
    const text = 'é'.repeat(1500) + 'a'.repeat(1500);
    expect(two(text.slice(0, 1200), text.slice(1200))).not.toBe(two(text.slice(0, 1800), text.slice(1800)));
    expect(two(text.slice(0, 1200), text.slice(1200))).toBe(two(text.slice(0, 1200), text.slice(1200)));
  });
});
