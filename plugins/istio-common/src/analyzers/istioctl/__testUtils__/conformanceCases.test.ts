import {
  conformanceDescribe,
  loadConformanceSet,
  suiteTitle,
} from './conformanceCases';

describe('conformance case sets', () => {
  const missing = loadConformanceSet('no-such-set');
  const ci = process.env.CI;
  afterEach(() => {
    process.env.CI = ci;
  });

  it('looks in ../shared beside the repository root and names a missing set', () => {
    expect(missing.available).toBe(false);
    expect(missing.dir).toMatch(/[\\/]shared[\\/]conformance[\\/]no-such-set$/);
    expect(suiteTitle(missing, 'suite')).toContain(missing.dir);
  });

  it('skips a suite over a missing set, except under CI=true, where it fails naming the folder', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    process.env.CI = 'false';
    expect(conformanceDescribe(missing)).toBe(describe.skip);
    process.env.CI = 'true';
    expect(() => conformanceDescribe(missing)).toThrow(
      /no-such-set[\\/]cases\.json is missing/,
    );
    warn.mockRestore();
  });
});
