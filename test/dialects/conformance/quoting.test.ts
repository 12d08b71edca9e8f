import { getDialect } from '../../../src/dialects';
import type { DialectName } from '../../../src/dialects/dialect';
import { flavorFor } from '../../../src/plan';
import { ALL_DIALECTS } from '../../helpers/databases';
import { refusal } from '../../helpers/thrown';

/** What differs per dialect in the quoting rule: its quote character, its limit, its placeholders. */
const QUOTING: Record<DialectName, { quote: string; longest: string[]; tooLong: string[]; placeholders: [number, string][] }> = {
  // 64 characters, whatever their bytes.
  mysql: {
    quote: '`',
    longest: ['x'.repeat(64), 'é'.repeat(64)],
    tooLong: ['x'.repeat(65), 'é'.repeat(65)],
    placeholders: [
      [1, '?'],
      [7, '?'],
    ],
  },
  // 63 bytes (NAMEDATALEN - 1): 'é' is two.
  postgres: {
    quote: '"',
    longest: ['x'.repeat(63), 'é'.repeat(31)],
    tooLong: ['x'.repeat(64), 'é'.repeat(32)],
    placeholders: [
      [1, '$1'],
      [3, '$3'],
      [7, '$7'],
    ],
  },
};

describe.each(ALL_DIALECTS)('%s dialect: quoting (no server needed)', (name) => {
  const dialect = getDialect(name);
  const rule = QUOTING[name];
  const other = rule.quote === '`' ? '"' : '`';

  test('quoteIdent quotes, doubles its own quote character and leaves the other alone', () => {
    expect(dialect.quoteIdent('order')).toBe(`${rule.quote}order${rule.quote}`);
    expect(dialect.quoteIdent('markerTime')).toBe(`${rule.quote}markerTime${rule.quote}`);
    expect(dialect.quoteIdent(`we${rule.quote}ird`)).toBe(`${rule.quote}we${rule.quote}${rule.quote}ird${rule.quote}`);
    expect(dialect.quoteIdent(`a${other}b`)).toBe(`${rule.quote}a${other}b${rule.quote}`);
    for (const longest of rule.longest) expect(dialect.quoteIdent(longest)).toBe(`${rule.quote}${longest}${rule.quote}`);
  });

  test('quoteIdent refuses empty names, NUL characters and names over the limit, as SCHEMA_MISMATCH', () => {
    for (const bad of ['', 'a\u0000b', ...rule.tooLong]) {
      expect(refusal(() => dialect.quoteIdent(bad)).code).toBe('SCHEMA_MISMATCH');
    }
    expect(refusal(() => dialect.quoteIdent('')).message).toMatch(/empty/);
    expect(refusal(() => dialect.quoteIdent('a\u0000b')).message).toMatch(/NUL/);
    expect(refusal(() => dialect.quoteIdent(rule.tooLong[0])).message).toMatch(/longer than/);
  });

  test('placeholders', () => {
    for (const [index, text] of rule.placeholders) expect(dialect.placeholder(index)).toBe(text);
  });

  test('plan explain quotes with the same rule: same text, same refusals', () => {
    const flavor = flavorFor(name);
    expect(flavor.quoteIdent).toBe(dialect.quoteIdent);
    expect(flavor.placeholder).toBe(dialect.placeholder);
    for (const bad of ['', 'a\u0000b', ...rule.tooLong]) expect(refusal(() => flavor.quoteIdent(bad)).code).toBe('SCHEMA_MISMATCH');
  });
});
