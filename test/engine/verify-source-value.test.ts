/**
 * Verify models a v3 value as export + import would carry it: its dump spelling (toDumpValue), read back by the
 * column's mapping (mapValue). For the canonical values keptAsIs names, that round trip is the identity, which lets
 * verify skip it; this holds the identity, values at the edges included, and keptAsIs's refusals.
 */
import { toDumpValue } from '../../src/convert/dump-values';
import type { CanonicalValue, LogicalType } from '../../src/convert/logical-types';
import { mapValue } from '../../src/engine/mapping';
import { keptAsIs } from '../../src/engine/verify';
import { columnInfo } from '../helpers/column-info';

const kept: Array<[LogicalType, CanonicalValue]> = [
  ['datetime', '2024-01-02 03:04:05.000000'],
  ['datetime', '2024-01-02 03:04:05.123456'],
  ['datetime', '2024-01-02 03:04:05.100000'],
  ['datetime', '2024-02-29 23:59:59.999999'],
  ['datetime', '0001-01-01 00:00:00.000001'],
  ['datetime', '9999-12-31 23:59:59.000000'],
  ['text', ''],
  ['text', ' trailing '],
  ['text', '\\N'],
  ['text', 'null'],
  ['text', '0'],
  ['text', '2024-01-02 03:04:05'],
  ['text', 'Machine learning, é 日本 🎬'],
  ['integer', 1],
  ['integer', -42],
  ['integer', Number.MAX_SAFE_INTEGER],
  ['integer', Number.MIN_SAFE_INTEGER],
  ['boolean', true],
  ['boolean', false],
];

test.each(kept)('a canonical %s %j is itself after its dump spelling and the import reading', (type, canonical) => {
  expect(keptAsIs(type, canonical)).toBe(true);
  const column = columnInfo('c', type, { nullable: true });
  expect(mapValue({ target: column, source: 'c', rule: null }, toDumpValue(canonical, column), {})).toStrictEqual(canonical);
});

test.each<[LogicalType | undefined, CanonicalValue]>([
  ['text', null],
  ['integer', null],
  ['integer', -0],
  ['integer', 2 ** 53],
  ['integer', '9007199254740993'],
  ['integer', 1.5],
  ['boolean', 1],
  ['datetime', '2024-01-02 03:04:05'],
  ['json', { json: '{}' }],
  ['decimal', '1.50'],
  [undefined, 'text'],
])('%s %j goes through the round trip', (type, value) => {
  expect(keptAsIs(type, value)).toBe(false);
});
