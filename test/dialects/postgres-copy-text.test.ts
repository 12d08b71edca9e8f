/** Pure logic of COPY's text: how the COPY TO reader cuts and decodes it, and what the COPY FROM writer's encoders give. */
import { decodeCopyText, linePieces } from '../../src/dialects/postgres/copy-out';
import { makeCopyEncoder, makeDecoder } from '../../src/dialects/postgres/codec';

describe('linePieces', () => {
  const text = Buffer.from(Array.from({ length: 500 }, (_, i) => `${i}\t${'é'.repeat(i % 40)}\n`).join(''));

  it('cuts whole lines into pieces of at most the given bytes, together the whole text', () => {
    const pieces = [...linePieces(text, 256)];
    expect(pieces.length).toBeGreaterThan(10);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(256);
      expect(piece[piece.length - 1]).toBe(10);
    }
    expect(Buffer.concat(pieces).equals(text)).toBe(true);
  });

  it('gives a line longer than a piece on its own, and a short text whole', () => {
    const long = Buffer.from(`a\n${'x'.repeat(1000)}\nb\n`);
    expect([...linePieces(long, 100)].map((p) => p.toString())).toEqual(['a\n', `${'x'.repeat(1000)}\n`, 'b\n']);
    expect([...linePieces(Buffer.from('a\tb\n'), 100)].map((p) => p.toString())).toEqual(['a\tb\n']);
    expect([...linePieces(Buffer.alloc(0), 100)]).toEqual([]);
  });
});

describe('decodeCopyText', () => {
  const integer = makeDecoder({ type: 'integer', nativeType: 'bigint' });
  const text = makeDecoder({ type: 'text', nativeType: 'text' });

  it('reads integers as numbers (up to 15 digits without making their text), larger ones as the decoder does', () => {
    const lines = ['0', '-0', '7', '-42', '999999999999999', '-999999999999999', '9007199254740991', '12345678901234567890', '\\N'];
    const rows = decodeCopyText(lines.map((v) => `${v}\tx\n`).join(''), [integer, text]);
    expect(rows.map((r) => r[0])).toEqual([
      0,
      -0,
      7,
      -42,
      999999999999999,
      -999999999999999,
      9007199254740991,
      '12345678901234567890',
      null,
    ]);
    expect(rows.every((r) => r[1] === 'x')).toBe(true);
  });

  it('leaves what is not plain digits to the decoder, and unescapes text', () => {
    const rows = decodeCopyText('+5\ta\\tb\\\\c\n-\t\\N\n', [integer, text]);
    expect(rows).toEqual([
      [integer('+5'), 'a\tb\\c'],
      [integer('-'), null],
    ]);
  });
});

describe('makeCopyEncoder', () => {
  const encoder = (nativeType: string, type: 'integer' | 'text' = 'integer') => makeCopyEncoder({ type, nativeType, maxLength: null });

  it("keeps an integer column's safe integers in range as numbers (written as digits), spells or refuses the rest as the text encoder does", () => {
    const small = encoder('smallint');
    expect([small(32767), small(-32768), small(0), small(null)]).toEqual([32767, -32768, 0, null]);
    expect(() => small(32768)).toThrow(/out of range for smallint/);
    expect(() => small(1.5)).toThrow(/an integer/);
    expect(small('007')).toBe('007');
    const big = encoder('bigint');
    expect(big(2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(big(2 ** 60)).toBe(String(2 ** 60));
    expect(() => big('9223372036854775808')).toThrow(/out of range for bigint/);
    expect(encoder('text', 'text')('12')).toBe('12');
  });
});
