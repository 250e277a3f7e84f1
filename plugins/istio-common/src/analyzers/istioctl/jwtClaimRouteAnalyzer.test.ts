import { analyzeMesh } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import { isJwtClaimHeader } from './jwtClaimRouteAnalyzer';

const analyzer = 'virtualservice.JWTClaimRouteAnalyzer';

function findings(objects: KubeObject[]) {
  return analyzeMesh(objects, { analyzers: [analyzer] }).findings.filter(
    f => f.analyzer === analyzer,
  );
}

const claimRoute = (header: string, gateways = ['edge']): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    hosts: ['api.example.com'],
    gateways,
    http: [
      {
        match: [{ headers: { [header]: { exact: 'admin' } } }],
        route: [{ destination: { host: 'api' } }],
      },
    ],
  },
});

const gateway: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'edge', namespace: 'shop' },
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] },
    ],
  },
};

const gatewayPod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'ingress-1',
    namespace: 'istio-system',
    labels: { istio: 'ingressgateway' },
  },
  spec: { containers: [{ name: 'istio-proxy' }] },
};

const requestAuthentication = (
  namespace: string,
  matchLabels?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'RequestAuthentication',
  metadata: { name: 'jwt', namespace },
  spec: {
    ...(matchLabels ? { selector: { matchLabels } } : {}),
    jwtRules: [{ issuer: 'https://issuer.example.com' }],
  },
});

describe('virtualservice.JWTClaimRouteAnalyzer', () => {
  it('reports a claim route through a gateway whose pod no RequestAuthentication validates', () => {
    const result = findings([
      claimRoute('@request.auth.claims.groups'),
      gateway,
      gatewayPod,
    ]);
    expect(result.map(f => `${f.code} ${f.severity} ${f.resource}`)).toEqual([
      'IST0149 Error VirtualService shop/api',
    ]);
    expect(result[0].message).toContain('@request.auth.claims.groups');
    expect(result[0].message).toContain('shop/edge');
    expect(result[0].message).toContain('istio-system/ingress-1');
    expect(result[0].remediation).toContain('kind: RequestAuthentication');
  });

  it('is satisfied by a RequestAuthentication selecting the pod, in its namespace or the root namespace', () => {
    for (const ra of [
      requestAuthentication('istio-system', { istio: 'ingressgateway' }),
      requestAuthentication('istio-system'),
    ]) {
      expect(
        findings([
          claimRoute('@request.auth.claims.groups'),
          gateway,
          gatewayPod,
          ra,
        ]),
      ).toEqual([]);
    }
  });

  it('does not count a RequestAuthentication that selects other pods or lives elsewhere', () => {
    for (const ra of [
      requestAuthentication('istio-system', { app: 'other' }),
      requestAuthentication('shop'),
    ]) {
      expect(
        findings([
          claimRoute('@request.auth.claims.groups'),
          gateway,
          gatewayPod,
          ra,
        ]),
      ).toHaveLength(1);
    }
  });

  it('ignores ordinary headers, mesh-only routes and gateways that do not exist', () => {
    expect(findings([claimRoute('x-user'), gateway, gatewayPod])).toEqual([]);
    expect(
      findings([
        claimRoute('@request.auth.claims.groups', ['mesh']),
        gateway,
        gatewayPod,
      ]),
    ).toEqual([]);
    expect(
      findings([
        claimRoute('@request.auth.claims.groups', ['missing']),
        gateway,
        gatewayPod,
      ]),
    ).toEqual([]);
  });

  it('reads claim headers as Istio does', () => {
    expect(isJwtClaimHeader('@request.auth.claims.groups')).toBe(true);
    expect(isJwtClaimHeader('@Request.Auth.Claims.nested.key')).toBe(true);
    expect(isJwtClaimHeader('@request.auth.claims[groups][0]')).toBe(true);
    expect(isJwtClaimHeader('@request.auth.claims.')).toBe(false);
    expect(isJwtClaimHeader('@request.auth.claims[]')).toBe(false);
    expect(isJwtClaimHeader('@request.auth.claims')).toBe(false);
    expect(isJwtClaimHeader('x-request-auth-claims')).toBe(false);
  });
});
