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

/** Findings for a claim route through gateway `edge`, with more objects. */
function claimRouteFindings(
  extra: KubeObject[],
  header = '@request.auth.claims.groups',
  gateways = ['edge'],
) {
  return findings([claimRoute(header, gateways), gateway, ...extra]);
}

const podIn = (namespace: string): KubeObject => ({
  ...gatewayPod,
  metadata: { ...gatewayPod.metadata, namespace },
});

describe('virtualservice.JWTClaimRouteAnalyzer', () => {
  it('reports a claim route through a gateway whose pod no RequestAuthentication validates', () => {
    const result = claimRouteFindings([gatewayPod]);
    expect(result.map(f => `${f.code} ${f.severity} ${f.resource}`)).toEqual([
      'IST0149 Error VirtualService shop/api',
    ]);
    expect(result[0].message).toContain('@request.auth.claims.groups');
    expect(result[0].message).toContain('shop/edge');
    expect(result[0].message).toContain('istio-system/ingress-1');
    expect(result[0].remediation).toContain('kind: RequestAuthentication');
  });

  it('reports each pod once, however often the route names the gateway', () => {
    expect(
      claimRouteFindings(
        [gatewayPod, podIn('ingress')],
        '@request.auth.claims.groups',
        ['edge', 'edge'],
      ).map(f => f.message.match(/pod (\S+);/)?.[1]),
    ).toEqual(['istio-system/ingress-1', 'ingress/ingress-1']);
  });

  it('is satisfied by a RequestAuthentication selecting the pod, in its namespace or the root namespace', () => {
    const cases: Array<[KubeObject, KubeObject]> = [
      [
        gatewayPod,
        requestAuthentication('istio-system', { istio: 'ingressgateway' }),
      ],
      [gatewayPod, requestAuthentication('istio-system')],
      [podIn('ingress'), requestAuthentication('ingress')],
      [podIn('ingress'), requestAuthentication('istio-system')],
    ];
    for (const [pod, ra] of cases) {
      expect(claimRouteFindings([pod, ra])).toEqual([]);
    }
  });

  it('does not count a RequestAuthentication that selects other pods or lives elsewhere', () => {
    for (const ra of [
      requestAuthentication('istio-system', { app: 'other' }),
      requestAuthentication('shop'),
    ]) {
      expect(claimRouteFindings([gatewayPod, ra])).toHaveLength(1);
    }
  });

  it('ignores ordinary headers, mesh-only routes and gateways that do not exist', () => {
    expect(claimRouteFindings([gatewayPod], 'x-user')).toEqual([]);
    for (const gateways of [['mesh'], ['missing']]) {
      expect(
        claimRouteFindings(
          [gatewayPod],
          '@request.auth.claims.groups',
          gateways,
        ),
      ).toEqual([]);
    }
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
