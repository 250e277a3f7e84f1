import { requireRealPart } from './requireRealPart';

describe('requireRealPart', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    jest.restoreAllMocks();
  });

  it('runs the suite when the part is present, in CI or not', () => {
    process.env.CI = 'true';
    expect(requireRealPart('kubectl', true, 'install it')).toBe(describe);
    delete process.env.CI;
    expect(requireRealPart('kubectl', true, 'install it')).toBe(describe);
  });

  it('fails under CI=true when the part is missing, naming the part', () => {
    process.env.CI = 'true';
    expect(() =>
      requireRealPart(
        'kubectl (/usr/bin/kubectl)',
        false,
        "install Debian's kubernetes-client",
      ),
    ).toThrow(
      "kubectl (/usr/bin/kubectl) is missing: install Debian's kubernetes-client",
    );
  });

  it.each([[undefined], ['false'], ['0']])(
    'skips with the reason when CI is %p',
    value => {
      if (value === undefined) delete process.env.CI;
      else process.env.CI = value;
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
      expect(
        requireRealPart('Prometheus', false, 'apt-get install prometheus'),
      ).toBe(describe.skip);
      expect(warn).toHaveBeenCalledWith(
        'Prometheus is missing: apt-get install prometheus. Its tests are skipped.',
      );
    },
  );
});
