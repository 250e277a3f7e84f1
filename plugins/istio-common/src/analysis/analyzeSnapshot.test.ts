import { buildSnapshot } from '../model/snapshot';
import { KubeObject } from '../model/resources';
import { analyzeSnapshot } from './analyzeMesh';

/** A claim route through a gateway with a pod, and no RequestAuthentication. */
const objects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'api', namespace: 'shop' },
    spec: {
      hosts: ['api.example.com'],
      gateways: ['edge', 'missing'],
      http: [
        {
          match: [{ headers: { '@request.auth.claims.tier': { exact: 'a' } } }],
          route: [{ destination: { host: 'api' } }],
        },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: 'shop' },
    spec: { selector: { istio: 'ingressgateway' } },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'ingress',
      namespace: 'istio-system',
      labels: { istio: 'ingressgateway' },
    },
  },
];

const codes = (observedKinds?: string[]) =>
  analyzeSnapshot(buildSnapshot(objects, { observedKinds }).snapshot, [
    'virtualservice.JWTClaimRouteAnalyzer',
    'virtualservice.GatewayAnalyzer',
  ])
    .findings.map(f => f.code)
    .sort();

describe('analyzeSnapshot with kinds the source could not read', () => {
  it('runs every analyzer when all kinds were read', () => {
    expect(codes()).toEqual(['IST0101', 'IST0132', 'IST0132', 'IST0149']);
  });

  it('skips analyzers reading an unread kind instead of reporting on missing objects', () => {
    // Without RequestAuthentications the JWT route check would be a guess.
    expect(codes(['VirtualService', 'Gateway', 'Pod'])).toEqual([
      'IST0101',
      'IST0132',
      'IST0132',
    ]);
  });
});
