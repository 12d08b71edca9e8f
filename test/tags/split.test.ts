import { joinPodTagName, podTagNameLosses, splitPodTagName } from '../../src/tags';

describe('splitPodTagName', () => {
  test.each<[string | null | undefined, string[]]>([
    ['python,a,b,100%,c++', ['python', 'a', 'b', '100%', 'c++']], // MySQL GROUP_CONCAT
    ['a, b', ['a', 'b']], // PostgreSQL STRING_AGG(name, ', ')
    ['machine learning', ['machine learning']], // never split on spaces
    ['machine learning, deep learning', ['machine learning', 'deep learning']],
    [',,a,, ,b,', ['a', 'b']],
    ['  solo  ', ['solo']],
    ['a,a', ['a', 'a']], // duplicates kept: the builder deduplicates
    ['', []],
    [null, []],
    [undefined, []],
  ])('splitPodTagName(%j)', (input, expected) => {
    expect(splitPodTagName(input)).toEqual(expected);
  });
});

describe('joinPodTagName', () => {
  test('comma without space, round-trips', () => {
    const names = ['machine learning', 'python', '100%', 'c++'];
    expect(joinPodTagName(names)).toBe('machine learning,python,100%,c++');
    expect(splitPodTagName(joinPodTagName(names))).toEqual(names);
    expect(joinPodTagName([])).toBe('');
  });

  test('names that cannot round-trip are listed', () => {
    expect(podTagNameLosses(['a, b', 'ok', ' x', ''])).toEqual(['a, b', ' x', '']);
    expect(splitPodTagName(joinPodTagName(['a, b']))).toEqual(['a', 'b']);
  });
});
