import {
  LabelSelectorError,
  assertSelectsByValue,
  labelSelectorMatches,
  labelsMatch,
  parseLabelSelector,
} from './labelSelector';

describe('parseLabelSelector', () => {
  it('parses equality, inequality, set and existence terms', () => {
    expect(
      parseLabelSelector(
        'app=checkout, tier==web,env!=dev,zone in (a, b),track notin (canary),team,!legacy',
      ),
    ).toEqual([
      { key: 'app', operator: 'in', values: ['checkout'] },
      { key: 'tier', operator: 'in', values: ['web'] },
      { key: 'env', operator: 'notin', values: ['dev'] },
      { key: 'zone', operator: 'in', values: ['a', 'b'] },
      { key: 'track', operator: 'notin', values: ['canary'] },
      { key: 'team', operator: 'exists' },
      { key: 'legacy', operator: 'doesnotexist' },
    ]);
  });

  it('accepts prefixed keys such as the Backstage label', () => {
    expect(parseLabelSelector('backstage.io/kubernetes-id=checkout')).toEqual([
      {
        key: 'backstage.io/kubernetes-id',
        operator: 'in',
        values: ['checkout'],
      },
    ]);
  });

  it('accepts an empty value, as Kubernetes does (app="")', () => {
    expect(parseLabelSelector('app=')).toEqual([
      { key: 'app', operator: 'in', values: [''] },
    ]);
  });

  it.each([
    'app in (a,b',
    'app=a,,b=c',
    'bad key=x',
    'app=va lue',
    'app=-x',
    '=x',
    'app in a,b)',
  ])('rejects %p with a LabelSelectorError', selector => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
  });
});

describe('labelsMatch', () => {
  const labels = { app: 'checkout', zone: 'a', team: 'shop' };

  it('follows Kubernetes semantics for each operator', () => {
    const match = (s: string) => labelsMatch(parseLabelSelector(s), labels);
    expect(match('app=checkout')).toBe(true);
    expect(match('app=payments')).toBe(false);
    expect(match('app!=payments')).toBe(true);
    expect(match('env!=prod')).toBe(true); // absent key satisfies !=
    expect(match('zone in (a,b)')).toBe(true);
    expect(match('zone notin (a)')).toBe(false);
    expect(match('team')).toBe(true);
    expect(match('!team')).toBe(false);
    expect(match('app=checkout,zone=b')).toBe(false);
  });
});

describe('assertSelectsByValue', () => {
  const check = (selector: string) => () =>
    assertSelectsByValue(parseLabelSelector(selector), selector);

  it('refuses selectors made only of negations or bare keys', () => {
    for (const selector of [
      '!nonexistent',
      'app!=checkout',
      'tier notin (web)',
      'team',
      '!legacy,env!=dev,team',
    ]) {
      expect(check(selector)).toThrow(LabelSelectorError);
    }
    expect(check('!nonexistent')).toThrow(
      /"!nonexistent" has no equality \(a=b\) or set \(a in \(x,y\)\) requirement/,
    );
  });

  it('accepts a selector with one equality or set requirement among negations', () => {
    for (const selector of [
      'app=checkout',
      'app==checkout,!legacy',
      'zone in (a,b),env!=dev',
    ]) {
      expect(check(selector)).not.toThrow();
    }
  });

  it('leaves parsing alone: negation-only selectors still parse', () => {
    expect(parseLabelSelector('!nonexistent')).toEqual([
      { key: 'nonexistent', operator: 'doesnotexist' },
    ]);
  });
});

describe('labelSelectorMatches', () => {
  const labels = { app: 'web', tier: 'front' };

  it('matches everything without a selector or with an empty one', () => {
    expect(labelSelectorMatches(undefined, labels)).toBe(true);
    expect(labelSelectorMatches({}, {})).toBe(true);
  });

  it('applies matchLabels and every expression operator', () => {
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(
      true,
    );
    expect(labelSelectorMatches({ matchLabels: { app: 'db' } }, labels)).toBe(
      false,
    );
    const expression = (operator: string, values?: string[]) =>
      labelSelectorMatches(
        { matchExpressions: [{ key: 'tier', operator, values }] },
        labels,
      );
    expect(expression('In', ['front', 'back'])).toBe(true);
    expect(expression('NotIn', ['front'])).toBe(false);
    expect(expression('Exists')).toBe(true);
    expect(expression('DoesNotExist')).toBe(false);
  });

  it('matches nothing with an invalid selector, as the API server rejects it', () => {
    const invalid = (operator: string, values?: string[]) =>
      labelSelectorMatches(
        { matchExpressions: [{ key: 'nope', operator, values }] },
        labels,
      );
    expect(invalid('NotIn', [])).toBe(false);
    expect(invalid('DoesNotExist', ['x'])).toBe(false);
    expect(invalid('Matches', ['x'])).toBe(false);
  });
});
