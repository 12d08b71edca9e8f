/** Canonical datetimes: time zones to UTC, microseconds kept, nothing rounded or guessed. */
import { normalizeDate, normalizeDatetime, normalizeTime, normalizeUuid } from '../../src/convert/normalize';

test.each([
  ['2024-01-02 03:04:05', '2024-01-02 03:04:05.000000'],
  ['2024-01-02T03:04:05.5Z', '2024-01-02 03:04:05.500000'],
  ['2024-01-02 03:04:05.123456+02:00', '2024-01-02 01:04:05.123456'],
  ['0050-06-01 10:00:00+02:00', '0050-06-01 08:00:00.000000'],
  ['2000-01-01 00:30:00+01', '1999-12-31 23:30:00.000000'],
])('datetime %s → %s', (input, expected) => {
  expect(normalizeDatetime(input)).toBe(expected);
});

test.each(['0000-00-00 00:00:00', '2023-02-29 00:00:00', '2024-01-02 03:04:05.1234567', '2024-01-02 24:00:00', 'yesterday'])(
  'datetime %s is refused',
  (input) => {
    expect(normalizeDatetime(input)).toBeUndefined();
  },
);

test('dates, times, uuids', () => {
  expect(normalizeDate('2024-02-29')).toBe('2024-02-29');
  expect(normalizeDate('1900-02-29')).toBeUndefined();
  expect(normalizeDate('0000-02-29')).toBe('0000-02-29');
  expect(normalizeDate('2000-02-29')).toBe('2000-02-29');
  expect(normalizeDate('2024-02-30')).toBeUndefined();
  expect(normalizeDate('2024-04-31')).toBeUndefined();
  expect(normalizeDate('2024-12-31')).toBe('2024-12-31');
  expect(normalizeDate('2024-13-01')).toBeUndefined();
  expect(normalizeDate('2024-01-00')).toBeUndefined();
  expect(normalizeTime('12:34')).toBe('12:34:00.000000');
  expect(normalizeTime('12:34:56.7')).toBe('12:34:56.700000');
  expect(normalizeTime('12:34:56.1234567')).toBeUndefined();
  expect(normalizeUuid('{6960AACE-DD9D-4428-A847-801C17063F6E}')).toBe('6960aacedd9d4428a847801c17063f6e');
  expect(normalizeUuid('not-a-uuid')).toBeUndefined();
});
