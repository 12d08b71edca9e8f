import { median } from '../../src/bench/measure';

describe('bench figures', () => {
  it('reads rounds on their median, which one outlying round does not move', () => {
    expect(median([0.97, 0.75, 0.86])).toBe(0.86);
    expect(median([0.86, 0.97, 0.2])).toBe(0.86);
    expect(median([0.4, 0.5])).toBe(0.45);
    expect(median([0.7])).toBe(0.7);
    expect(median([])).toBeNaN();
  });
});
