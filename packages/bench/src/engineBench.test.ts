import { generateSnapshot, renderBenchTable } from './engineBench';
import { seededRandom } from './seededRandom';

describe('engine benchmark', () => {
  it('generates the same snapshot for the same seed', () => {
    expect(generateSnapshot(2000, 5)).toEqual(generateSnapshot(2000, 5));
    expect(generateSnapshot(2000, 5)).not.toEqual(generateSnapshot(2000, 6));
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });

  it('has the documented mix at 20k objects', () => {
    const objects = generateSnapshot(20000);
    const count = (kinds: string[]) =>
      objects.filter(o => kinds.includes(o.kind as string)).length;
    expect(objects).toHaveLength(20000);
    expect(count(['Pod'])).toBe(5000);
    expect(count(['Service'])).toBe(1000);
    expect(
      count([
        'PeerAuthentication',
        'DestinationRule',
        'VirtualService',
        'Gateway',
        'Sidecar',
        'AuthorizationPolicy',
      ]),
    ).toBe(2000);
    expect(count(['Deployment'])).toBe(1000);
    expect(count(['Namespace'])).toBe(51);
    expect(count(['ReplicaSet'])).toBeGreaterThan(9000);
  });

  it('prints a markdown table with ratios and the budget verdict', () => {
    const row = (objects: number, analyzeMs: number) => ({
      objects,
      analyzeMs,
      coldMs: analyzeMs,
      peakRssMb: 100,
      heapAfterMb: 50,
      workloads: 1,
      findings: 2,
    });
    const text = renderBenchTable([row(10000, 100), row(20000, 250)]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\| objects \| analyze \(ms, median\) \|/);
    expect(lines[3]).toMatch(
      /^\| 20000 \| 250 \| 250 \| 2\.50 \(size ×2\.0\) \| 12\.5 \|/,
    );
    expect(text).toContain('= 1.25 (1.00 is linear');
    expect(text).toContain(
      '20000 objects in 250 ms, within the 2000 ms budget',
    );
  });
});
