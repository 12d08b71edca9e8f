/** numberText: String(n)'s text, without V8's number-string cache (src/convert/integer-text.ts). */
import { numberText } from '../../src/convert/integer-text';

test('gives the text String gives, for integers of every length, negatives and the safe limits', () => {
  const values = [0, -0, 1, 9, 10, 99, 100, 999, 1000, 1001, 10_000, 100_007, 999_999, 1_000_000, 1_000_001, 2 ** 31 - 1, 2 ** 31];
  values.push(2 ** 32, 10 ** 15, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -1, -999, -1000, -1_000_000_001);
  for (let n = 1; n < Number.MAX_SAFE_INTEGER / 7; n = n * 7 + 3) values.push(n, -n, n * 1000, n + 1000);
  for (const n of values) expect(numberText(n)).toBe(String(n));
});

test('leaves numbers that are not safe integers to String', () => {
  for (const n of [0.5, -1.25, 1e21, 2 ** 53, -(2 ** 60), Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-7]) {
    expect(numberText(n)).toBe(String(n));
  }
});
