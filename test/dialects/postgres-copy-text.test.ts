/** Pure logic of the COPY TO reader: how its text is cut before decoding, and how its fields are decoded. */
import { decodeCopyText, linePieces } from '../../src/dialects/postgres/copy-out';
import { makeDecoder } from '../../src/dialects/postgres/codec';

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
