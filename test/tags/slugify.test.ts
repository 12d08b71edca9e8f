import { slugifyDjango, tagulousSlug, tagulousSlugCollisionBase } from '../../src/tags';
import { slugifyDjangoSteps } from '../../src/tags/slugify';

// Expected values computed with CPython 3.11 running Django's slugify body (django/utils/text.py):
//   unicodedata.normalize("NFKD", v).encode("ascii", "ignore").decode("ascii")
//   re.sub(r"[^\w\s-]", "", v.lower());  re.sub(r"[-\s]+", "-", v).strip("-_")
// The first eleven rows are Django's own test cases (utils_tests / defaultfilters tests).
const DJANGO_CASES: Array<[string, string]> = [
  [' Jack & Jill like numbers 1,2,3 and 4 and silly characters ?%.$!/', 'jack-jill-like-numbers-123-and-4-and-silly-characters'],
  ["Un \u00e9l\u00e9phant \u00e0 l'or\u00e9e du bois", 'un-elephant-a-loree-du-bois'],
  ['Hello, World!', 'hello-world'],
  ['spam & eggs', 'spam-eggs'],
  [' multiple---dash and  space ', 'multiple-dash-and-space'],
  ['\t whitespace-in-value \n', 'whitespace-in-value'],
  ['underscore_in-value', 'underscore_in-value'],
  ['__strip__underscore-value___', 'strip__underscore-value'],
  ['--strip-dash-value---', 'strip-dash-value'],
  ['__strip-mixed-value---', 'strip-mixed-value'],
  ['_ -strip-mixed-value _-', 'strip-mixed-value'],
  ['___', ''],
  ['', ''],
  ['machine learning', 'machine-learning'],
  ['c++', 'c'],
  ['c', 'c'],
  ['C#', 'c'],
  ['100%', '100'],
  ['\u65e5\u672c\u8a9e', ''],
  ['\u4e2d\u6587', ''],
  ['\u00e9l\u00e8ve', 'eleve'],
  ['\u00c9l\u00e8ve', 'eleve'],
  ['Stra\u00dfe', 'strae'],
  ['\ufb01', 'fi'],
  ['\u2460\u2461', '12'],
  ['x\u001cy', 'x-y'], // Python's \s includes U+001C..U+001F, JavaScript's does not
  ['x\u001f\u001ey', 'x-y'],
  ['a\u00a0b', 'a-b'], // NBSP → NFKD space
  ['a\u3000b', 'a-b'],
  ['a\u2028b', 'ab'], // non-ASCII, dropped before the whitespace step
  ['\u0130stanbul', 'istanbul'],
  ['\u0131\u00e7\u00fc\u015f', 'cus'],
  ['\u03a9mega', 'mega'],
  ['na\u00efve caf\u00e9', 'naive-cafe'],
  ['\u01c4', 'dz'],
  ['\u00bd cup', '12-cup'],
  ['\uff21\uff22\uff23', 'abc'],
  ['x_1', 'x_1'],
  ['tag-', 'tag'],
  ['-_-', ''],
  ['e\u0301cole', 'ecole'],
  ['\ud83d\ude00 smile', 'smile'],
  ['a--b__c', 'a-b__c'],
  ['\u00c6r\u00f8', 'r'],
  ['\u0152uvre', 'uvre'],
  ['\u0141 \u00f3d\u017a', 'odz'],
  ['\u00d0', ''],
];

describe('slugifyDjango', () => {
  test.each(DJANGO_CASES)('slugify(%j) = %j', (input, expected) => {
    expect(slugifyDjango(input)).toBe(expected);
    expect(slugifyDjangoSteps(input)).toBe(expected);
  });

  test('the shortcut for a text that is its own slug changes nothing (200,000 random texts)', () => {
    let seed = 11;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = ['a', 'z', 'q', '0', '9', '_', '-', '-', ' ', 'A', 'é', '.', '\t'];
    const differing: string[] = [];
    let ownSlugs = 0;
    for (let i = 0; i < 200_000; i++) {
      const text = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const steps = slugifyDjangoSteps(text);
      if (steps === text) ownSlugs += 1;
      if (slugifyDjango(text) !== steps) differing.push(text);
    }
    expect(differing).toEqual([]);
    expect(ownSlugs).toBeGreaterThan(10_000);
  });
});

describe('tagulousSlug', () => {
  test.each<[string, string]>([
    ['machine learning', 'machine-learning'],
    ['c++', 'c'],
    ['\u65e5\u672c\u8a9e', '_'],
    ['___', '_'],
    ['', '_'],
    ['Python', 'python'],
  ])('tagulousSlug(%j) = %j', (input, expected) => {
    expect(tagulousSlug(input)).toBe(expected);
  });

  test('cuts to 50 characters (SLUG_MAX_LENGTH)', () => {
    const name = 'abcdefghij'.repeat(6); // 60 characters
    expect(name).toHaveLength(60);
    expect(tagulousSlug(name)).toBe(name.slice(0, 50));
    // ASCII-ification can lengthen a name: ½ → "1⁄2" → "12"
    expect(tagulousSlug('\u00bd'.repeat(30))).toBe('12'.repeat(25));
  });

  test('collision base is the first 45 characters', () => {
    expect(tagulousSlugCollisionBase('x'.repeat(50))).toBe('x'.repeat(45));
    expect(tagulousSlugCollisionBase('_')).toBe('_');
  });
});
