import { analyzeMesh } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import { unusedRouteRules } from './virtualServiceValidation';

const analyzer = 'schema.ValidationAnalyzer.VirtualService';
const route = [{ destination: { host: 'reviews' } }];
const prefix = (p: string, extra: Record<string, unknown> = {}) => ({
  uri: { prefix: p },
  ...extra,
});

describe('unusedRouteRules', () => {
  it('flags every rule after one without matches', () => {
    expect(
      unusedRouteRules(
        [{ route }, { route }, { match: [prefix('/a')], route }],
        'http',
      ),
    ).toEqual([
      {
        kind: 'unreachable',
        rule: '#1',
        reason: 'only the last rule can have no matches',
      },
      {
        kind: 'unreachable',
        rule: '#2',
        reason: 'route without matches defined before',
      },
    ]);
  });

  it('ignores match names when comparing, and names rules as Istio does', () => {
    expect(
      unusedRouteRules(
        [
          { name: 'first', match: [{ name: 'm', ...prefix('/a') }], route },
          { name: 'second', match: [prefix('/a')], route },
        ],
        'http',
      ),
    ).toEqual([
      {
        kind: 'duplicate',
        rule: '"second"',
        match: '#0',
        earlierRule: '"first"',
      },
      {
        kind: 'unreachable',
        rule: '"second"',
        reason: 'all matches used by prior rules',
      },
    ]);
  });

  it('keeps a rule with one new match reachable', () => {
    const problems = unusedRouteRules(
      [
        { match: [{ port: 31400 }], route },
        { match: [{ port: 31400 }, { port: 31401 }], route },
      ],
      'tcp',
    );
    expect(problems.map(p => p.kind)).toEqual(['duplicate']);
  });

  it('treats different field order and unset defaults as the same match', () => {
    expect(
      unusedRouteRules(
        [
          { match: [{ port: 443, sniHosts: ['a.example.com'] }], route },
          {
            match: [
              {
                sniHosts: ['a.example.com'],
                port: 443,
                destinationSubnets: [],
              },
            ],
            route,
          },
        ],
        'tls',
      ).map(p => p.kind),
    ).toEqual(['duplicate', 'unreachable']);
  });

  it('finds a longer prefix that an earlier prefix match covers', () => {
    expect(
      unusedRouteRules(
        [
          { match: [prefix('/api/v1/prod')], route },
          {
            match: [prefix('/api/v1/products', { method: { exact: 'GET' } })],
            route,
          },
        ],
        'http',
      ),
    ).toEqual([
      {
        kind: 'covered',
        rule: '#1',
        match: '#0',
        prefix: '/api/v1/products',
        earlierRule: '#0',
        earlierMatch: '#0',
        earlierPrefix: '/api/v1/prod',
      },
    ]);
  });

  it('does not call a match covered when its method, port or headers differ, or the URI is exact', () => {
    const covered = (later: unknown) =>
      unusedRouteRules(
        [
          { match: [prefix('/api')], route },
          { match: [later], route },
        ],
        'http',
      );
    expect(covered(prefix('/api/x', { method: { exact: 'POST' } }))).toEqual(
      [],
    );
    expect(covered(prefix('/api/x', { port: 8080 }))).toEqual([]);
    expect(
      covered(prefix('/api/x', { headers: { 'x-user': { exact: 'a' } } })),
    ).toEqual([]);
    expect(covered({ uri: { exact: '/api/x' } })).toEqual([]);
    expect(covered(prefix('/other'))).toEqual([]);
  });
});

describe('schema.ValidationAnalyzer.VirtualService', () => {
  const vs = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: { hosts: ['reviews'], ...spec },
  });
  const run = (object: KubeObject) =>
    analyzeMesh([object], { analyzers: [analyzer] }).findings.filter(
      f => f.analyzer === analyzer,
    );

  it('reports unreachable rules as warnings and ineffective matches as info', () => {
    const findings = run(
      vs({
        tcp: [
          { match: [{ port: 9000 }], route },
          { match: [{ port: 9000 }], route },
        ],
      }),
    );
    expect(findings.map(f => `${f.code} ${f.severity} ${f.resource}`)).toEqual([
      'IST0130 Warning VirtualService shop/reviews',
      'IST0131 Info VirtualService shop/reviews',
    ]);
    expect(findings[0].message).toContain('tcp rule #1');
  });

  it('reports a rule after a catch-all once, however many matches it has', () => {
    expect(
      run(
        vs({
          http: [{ route }, { match: [prefix('/a'), prefix('/b')], route }],
        }),
      ).map(f => f.code),
    ).toEqual(['IST0130']);
  });

  it('has nothing to say about distinct rules ending in a catch-all', () => {
    expect(
      run(vs({ http: [{ match: [prefix('/a')], route }, { route }] })),
    ).toEqual([]);
  });
});
