import type { ColumnInfo } from '../../src/dialects/dialect';
import { applyConversion, brief, fromDumpValue, toDumpValue } from '../../src/convert/dump-values';
import type { CanonicalValue, LogicalType } from '../../src/convert/logical-types';
import { PodMigrateError } from '../../src/errors';
import { columnInfo } from '../helpers/column-info';
import { thrownBy } from '../helpers/thrown';

function column(type: LogicalType, name = 'col', nativeType = type as string): ColumnInfo {
  return columnInfo(name, type, { nativeType, nullable: true, position: 1 });
}

const place = { table: 'video_video', row: 12 };

/** Asserts that converting `value` to `type` is refused with VALUE_INVALID, naming table, row and column. */
function rejects(value: unknown, type: LogicalType, message?: RegExp): PodMigrateError {
  const convert = () => fromDumpValue(value, column(type, 'is_draft', `native_${type}`), place);
  expect(convert).toThrow(PodMigrateError);
  const e = thrownBy(convert) as PodMigrateError;
  expect(e.code).toBe('VALUE_INVALID');
  expect(e.place).toEqual({ table: 'video_video', row: 12, column: 'is_draft' });
  if (message) expect(e.message).toMatch(message);
  return e;
}

describe('fromDumpValue', () => {
  it('null and a missing column are null, whatever the type', () => {
    for (const type of ['boolean', 'integer', 'text', 'json', 'datetime', 'uuid', 'binary'] as LogicalType[]) {
      expect(fromDumpValue(null, column(type), place)).toBeNull();
      expect(fromDumpValue(undefined, column(type), place)).toBeNull();
    }
  });

  it('boolean: 0/1, true/false and their texts', () => {
    const b = column('boolean');
    for (const v of [1, true, '1', 'true', 'TRUE', ' True ', 1n]) expect(fromDumpValue(v, b, place)).toBe(true);
    for (const v of [0, false, '0', 'false', 'False', 0n]) expect(fromDumpValue(v, b, place)).toBe(false);
  });

  it('boolean: 2 is refused, naming table, row, column and the value', () => {
    const e = rejects(2, 'boolean');
    expect(e.message).toBe('2 is not a valid boolean value for column is_draft (native_boolean)');
    expect(e.describe()).toBe(
      'table video_video, row 12, column is_draft: 2 is not a valid boolean value for column is_draft (native_boolean)',
    );
    for (const v of [-1, 0.5, 'yes', 't', '', [], {}, 'NULL']) rejects(v, 'boolean');
  });

  it('integer: numbers and integer texts; beyond 2^53 a decimal string', () => {
    const i = column('integer');
    expect(fromDumpValue(42, i, place)).toBe(42);
    expect(fromDumpValue(-0, i, place)).toBe(0);
    expect(Object.is(fromDumpValue(-0, i, place), 0)).toBe(true);
    expect(fromDumpValue('  -17 ', i, place)).toBe(-17);
    expect(fromDumpValue('+5', i, place)).toBe(5);
    expect(fromDumpValue('007', i, place)).toBe(7);
    expect(fromDumpValue(2147483657, i, place)).toBe(2147483657);
    expect(fromDumpValue(Number.MAX_SAFE_INTEGER, i, place)).toBe(Number.MAX_SAFE_INTEGER);
    expect(fromDumpValue(-9223372036854775808n, i, place)).toBe('-9223372036854775808');
    expect(fromDumpValue(9007199254740993n, i, place)).toBe('9007199254740993');
    expect(fromDumpValue(42n, i, place)).toBe(42);
    expect(fromDumpValue('18446744073709551615', i, place)).toBe('18446744073709551615');
    expect(fromDumpValue(2 ** 60, i, place)).toBe('1152921504606846976');
    expect(fromDumpValue(true, i, place)).toBe(1);
    for (const v of [1.5, 'abc', '1.5', '1e3', '', NaN, Infinity, {}, [1]]) rejects(v, 'integer');
  });

  it('decimal: a decimal string', () => {
    const d = column('decimal');
    expect(fromDumpValue(1.5, d, place)).toBe('1.5');
    expect(fromDumpValue('12345678901234567890.123456789', d, place)).toBe('12345678901234567890.123456789');
    expect(fromDumpValue(12345678901234567890n, d, place)).toBe('12345678901234567890');
    expect(fromDumpValue('-0.50', d, place)).toBe('-0.50');
    for (const v of ['abc', '1,5', NaN, true]) rejects(v, 'decimal');
  });

  it('float: a number', () => {
    const f = column('float');
    expect(fromDumpValue(0.1, f, place)).toBe(0.1);
    expect(fromDumpValue('2.5e-3', f, place)).toBe(0.0025);
    expect(fromDumpValue(3n, f, place)).toBe(3);
    for (const v of ['x', 'NaN', true, {}]) rejects(v, 'float');
  });

  it('text: strings as they are (the text "NULL" is not null); numbers stringified; objects refused', () => {
    const t = column('text');
    expect(fromDumpValue('NULL', t, place)).toBe('NULL');
    expect(fromDumpValue('', t, place)).toBe('');
    expect(fromDumpValue('a\u0000b😀\n', t, place)).toBe('a\u0000b😀\n');
    expect(fromDumpValue(12, t, place)).toBe('12');
    expect(fromDumpValue(-9223372036854775808n, t, place)).toBe('-9223372036854775808');
    for (const v of [{ a: 1 }, ['a'], true]) rejects(v, 'text');
  });

  it('datetime: Pod\'s "YYYY-MM-DD HH:MM:SS", ours with microseconds, ISO with T and Z or an offset', () => {
    const dt = column('datetime');
    expect(fromDumpValue('2023-06-15 08:00:00', dt, place)).toBe('2023-06-15 08:00:00.000000');
    expect(fromDumpValue('2023-06-15 08:00:00.123456', dt, place)).toBe('2023-06-15 08:00:00.123456');
    expect(fromDumpValue('2023-06-15 08:00:00.5', dt, place)).toBe('2023-06-15 08:00:00.500000');
    expect(fromDumpValue('2023-06-15T08:00:00Z', dt, place)).toBe('2023-06-15 08:00:00.000000');
    expect(fromDumpValue('2023-06-15T10:00:00.000001+02:00', dt, place)).toBe('2023-06-15 08:00:00.000001');
    expect(fromDumpValue('2024-02-29 12:34:56', dt, place)).toBe('2024-02-29 12:34:56.000000');
    rejects('0000-00-00 00:00:00', 'datetime', /"0000-00-00 00:00:00" is not a valid datetime/);
    for (const v of ['2023-02-29 00:00:00', '2023-06-15 24:00:00', '15/06/2023', 'NULL', '', 1686816000, {}]) rejects(v, 'datetime');
  });

  it('date and time', () => {
    expect(fromDumpValue('2100-01-01', column('date'), place)).toBe('2100-01-01');
    for (const v of ['0000-00-00', '2023-13-01', '2023-06-15 00:00:00', 20230615]) rejects(v, 'date');
    const t = column('time');
    expect(fromDumpValue('12:34:56', t, place)).toBe('12:34:56.000000');
    expect(fromDumpValue('23:59:59.999999', t, place)).toBe('23:59:59.999999');
    expect(fromDumpValue('00:00', t, place)).toBe('00:00:00.000000');
    for (const v of ['24:00:00', '12:60:00', 'noon', 3600]) rejects(v, 'time');
  });

  it('uuid: 32 lowercase hex, from any spelling', () => {
    const u = column('uuid');
    expect(fromDumpValue('cf31030318594e14b06ba6468106b398', u, place)).toBe('cf31030318594e14b06ba6468106b398');
    expect(fromDumpValue('CF310303-1859-4E14-B06B-A6468106B398', u, place)).toBe('cf31030318594e14b06ba6468106b398');
    expect(fromDumpValue('{cf310303-1859-4e14-b06b-a6468106b398}', u, place)).toBe('cf31030318594e14b06ba6468106b398');
    for (const v of ['cf3103031859', 'zz31030318594e14b06ba6468106b398', 123]) rejects(v, 'uuid');
  });

  it('json: a string is the JSON text (kept as is), a JSON value is stringified', () => {
    const j = column('json');
    const text = '{"Réponse A": true, "Réponse B 😀": false, "日本語": false}';
    expect(fromDumpValue(text, j, place)).toEqual({ json: text });
    expect(fromDumpValue('[1, 2.50, null]', j, place)).toEqual({ json: '[1, 2.50, null]' });
    expect(fromDumpValue('"just a string"', j, place)).toEqual({ json: '"just a string"' });
    expect(fromDumpValue({ b: 1, a: [true, null] }, j, place)).toEqual({ json: '{"b":1,"a":[true,null]}' });
    expect(fromDumpValue([1, 'x'], j, place)).toEqual({ json: '[1,"x"]' });
    expect(fromDumpValue(3, j, place)).toEqual({ json: '3' });
    expect(fromDumpValue(false, j, place)).toEqual({ json: 'false' });
    expect(fromDumpValue({ big: 9223372036854775807n }, j, place)).toEqual({ json: '{"big":9223372036854775807}' });
    rejects('not json', 'json', /is not a valid JSON text/);
    rejects('{"a": 1,}', 'json');
    rejects('', 'json');
  });

  it('interval: integer microseconds only', () => {
    const d = column('interval');
    expect(fromDumpValue(5400000000, d, place)).toBe(5400000000);
    expect(fromDumpValue('183845000006', d, place)).toBe(183845000006);
    expect(fromDumpValue(-1, d, place)).toBe(-1);
    expect(fromDumpValue(5n, d, place)).toBe(5);
    for (const v of [1.5, '01:30:00', '1 day', 'P1D', 9223372036854775807n, true]) rejects(v, 'interval', /integer number of microseconds/);
  });

  it('inet: a string', () => {
    expect(fromDumpValue('fe80::1', column('inet'), place)).toBe('fe80::1');
    rejects({}, 'inet');
  });

  it('binary: base64 → Buffer', () => {
    const b = column('binary');
    expect(fromDumpValue('AAEC/w==', b, place)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(fromDumpValue('', b, place)).toEqual(Buffer.alloc(0));
    for (const v of ['AAE', 'not base64!', 12]) rejects(v, 'binary');
  });

  it('a long value is cut short in the message', () => {
    const e = rejects('x'.repeat(10000), 'boolean');
    expect(e.message.length).toBeLessThan(200);
    expect(brief('x'.repeat(100))).toHaveLength(60);
  });
});

describe('toDumpValue', () => {
  const cases: Array<[LogicalType, CanonicalValue, unknown]> = [
    ['boolean', true, 1],
    ['boolean', false, 0],
    ['integer', 42, 42],
    ['integer', '-9223372036854775808', -9223372036854775808n],
    ['integer', '9007199254740993', 9007199254740993n],
    ['decimal', '12.50', '12.50'],
    ['float', 0.1, 0.1],
    ['text', 'NULL', 'NULL'],
    ['datetime', '2023-06-15 08:00:00.000000', '2023-06-15 08:00:00'],
    ['datetime', '2023-06-15 08:00:00.000001', '2023-06-15 08:00:00.000001'],
    ['date', '2100-01-01', '2100-01-01'],
    ['time', '12:34:56.000000', '12:34:56'],
    ['time', '12:34:56.500000', '12:34:56.500000'],
    ['uuid', 'cf31030318594e14b06ba6468106b398', 'cf31030318594e14b06ba6468106b398'],
    ['json', { json: '{"a": [1, 2]}' }, '{"a": [1, 2]}'],
    ['interval', 5400000000, 5400000000],
    ['inet', '10.0.0.1', '10.0.0.1'],
    ['binary', Buffer.from([0, 1, 2, 255]), 'AAEC/w=='],
    ['text', null, null],
  ];
  it.each(cases)('%s %p → %p', (type, canonical, dump) => {
    expect(toDumpValue(canonical, column(type))).toEqual(dump);
  });

  it('writes an integer given as safe decimal text as a number', () => {
    expect(toDumpValue('9007199254740991', column('integer'))).toBe(9007199254740991);
  });

  it('round-trips through fromDumpValue for every logical type', () => {
    for (const [type, canonical] of cases) {
      expect(fromDumpValue(toDumpValue(canonical, column(type)), column(type), place)).toEqual(canonical);
    }
  });
});

describe('applyConversion', () => {
  const c = column('text', 'x');
  it('forces the logical type the plan names', () => {
    expect(applyConversion(1, 'bool', c, place)).toBe(true);
    expect(applyConversion('0', 'bool', c, place)).toBe(false);
    expect(applyConversion('12', 'integer', c, place)).toBe(12);
    expect(applyConversion(12, 'text', c, place)).toBe('12');
    expect(applyConversion(true, 'text', c, place)).toBe('1');
    expect(applyConversion('CF310303-1859-4E14-B06B-A6468106B398', 'uuid', c, place)).toBe('cf31030318594e14b06ba6468106b398');
    expect(applyConversion('{"a":1}', 'json', c, place)).toEqual({ json: '{"a":1}' });
    expect(applyConversion({ json: '{"a":1}' }, 'json', c, place)).toEqual({ json: '{"a":1}' });
    expect(applyConversion({ json: '{"a":1}' }, 'text', c, place)).toBe('{"a":1}');
    expect(applyConversion(5400000000, 'duration', c, place)).toBe(5400000000);
    expect(applyConversion('2023-06-15 08:00:00', 'datetime', c, place)).toBe('2023-06-15 08:00:00.000000');
    expect(applyConversion('2023-06-15', 'date', c, place)).toBe('2023-06-15');
    expect(applyConversion('08:00:00', 'time', c, place)).toBe('08:00:00.000000');
    expect(applyConversion(null, 'bool', c, place)).toBeNull();
  });

  it('refuses what does not convert, naming the column', () => {
    expect(() => applyConversion(2, 'bool', c, { table: 't', row: 3 })).toThrow(PodMigrateError);
    const convert = () => applyConversion('abc', 'integer', c, { table: 't', row: 3, column: 'x' });
    expect(convert).toThrow(PodMigrateError);
    const error = thrownBy(convert) as PodMigrateError;
    expect(error.place).toEqual({ table: 't', row: 3, column: 'x' });
    expect(error.code).toBe('VALUE_INVALID');
  });
});
