import { rebalanceWeights } from './weights';

const sum = (w: number[]) => w.reduce((a, b) => a + b, 0);

describe('rebalanceWeights', () => {
  it('gives the other version of a two-way split what is left', () => {
    expect(rebalanceWeights([90, 10], 1, 25)).toEqual([75, 25]);
    expect(rebalanceWeights([90, 10], 0, 100)).toEqual([100, 0]);
  });

  it('keeps the proportions of the others and a total of 100', () => {
    expect(rebalanceWeights([50, 30, 20], 0, 80)).toEqual([80, 12, 8]);
    for (const [weights, index, value] of [
      [[34, 33, 33], 1, 50],
      [[1, 1, 98], 2, 3],
      [[70, 20, 5, 5], 3, 41],
    ] as const) {
      const out = rebalanceWeights(weights, index, value);
      expect(out[index]).toBe(value);
      expect(sum(out)).toBe(100);
    }
  });

  it('shares equally when the others had nothing', () => {
    expect(rebalanceWeights([100, 0, 0], 0, 40)).toEqual([40, 30, 30]);
  });

  it('clamps to whole percents between 0 and 100', () => {
    expect(rebalanceWeights([50, 50], 0, 140)).toEqual([100, 0]);
    expect(rebalanceWeights([50, 50], 0, 12.6)).toEqual([13, 87]);
  });
});
