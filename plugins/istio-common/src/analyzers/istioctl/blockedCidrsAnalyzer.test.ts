import { AnalyzeOptions } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import { findingsOf } from './__testUtils__/analyzerFindings';

function findings(objects: KubeObject[], options?: AnalyzeOptions) {
  return findingsOf('authn.BlockedCIDRsAnalyzer', objects, options);
}

const requestAuthentication = (name: string): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'RequestAuthentication',
  metadata: { name, namespace: 'shop' },
  spec: {
    jwtRules: [
      {
        issuer: 'https://id.example.com',
        jwksUri: 'https://id.example.com/jwks',
      },
    ],
  },
});

const istiod = (env: Array<{ name: string; value?: string }>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'istiod',
    namespace: 'istio-system',
    labels: { app: 'istiod' },
  },
  spec: {
    selector: { matchLabels: { app: 'istiod' } },
    template: {
      metadata: { labels: { app: 'istiod' } },
      spec: { containers: [{ name: 'discovery', env }] },
    },
  },
});

describe('authn.BlockedCIDRsAnalyzer', () => {
  it('warns on istiod without BLOCKED_CIDRS_IN_JWKS_URIS when RequestAuthentications exist', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const result = findings([
      ...names.map(requestAuthentication),
      istiod([{ name: 'PILOT_ENABLE_ANALYSIS', value: 'true' }]),
    ]);
    expect(result.map(f => [f.code, f.resource])).toEqual([
      ['IST0175', 'Deployment istio-system/istiod'],
    ]);
    expect(result[0].message).toContain(
      '7 RequestAuthentication(s) (shop/a, shop/b, shop/c, shop/d, shop/e, and 2 more)',
    );
  });

  it('accepts istiod with the variable set, and treats an empty value as unset', () => {
    const ra = requestAuthentication('jwt');
    expect(
      findings([
        ra,
        istiod([{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '10.0.0.0/8' }]),
      ]),
    ).toEqual([]);
    expect(
      findings([
        ra,
        istiod([{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '' }]),
      ]),
    ).toHaveLength(1);
  });

  it('says nothing without RequestAuthentications, or when they were not read', () => {
    expect(findings([istiod([])])).toEqual([]);
    expect(
      findings([requestAuthentication('jwt'), istiod([])], {
        observedKinds: ['Deployment', 'Pod'],
      }),
    ).toEqual([]);
  });
});
