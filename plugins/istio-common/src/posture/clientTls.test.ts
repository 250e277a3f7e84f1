import { KubeObject } from '../model/resources';
import { MeshConfig } from '../model/meshConfig';
import {
  clientTlsFor,
  clientTlsUnder,
  destinationRuleFor,
  subsetsOf,
} from './clientTls';
import { computePosture } from './computePosture';
import { hostMatches, meshIndex, resolveHost } from './meshIndex';
import {
  deployment,
  meshedReviews,
  destinationRule as dr,
  namespace,
  peerAuthentication as pa,
  service,
  snapshotOf,
} from './testObjects';

const REVIEWS = 'reviews.shop.svc.cluster.local';

const meshed = meshedReviews();

function entries(objects: KubeObject[], mesh: Partial<MeshConfig> = {}) {
  return computePosture(snapshotOf(objects, mesh)).clientTls;
}

describe('hosts', () => {
  it('resolves short names relative to the namespace and keeps anything with a dot', () => {
    expect(resolveHost('reviews', 'shop')).toBe(REVIEWS);
    expect(resolveHost('reviews.shop', 'other')).toBe('reviews.shop');
    expect(resolveHost('*', 'shop')).toBe('*');
    expect(hostMatches('*.local', REVIEWS)).toBe(true);
    expect(hostMatches('*.shop.svc.cluster.local', REVIEWS)).toBe(true);
    expect(hostMatches('*.other.svc.cluster.local', REVIEWS)).toBe(false);
  });
});

describe('clientTls', () => {
  it('uses an explicit DestinationRule mode for a short host resolved to the FQDN', () => {
    const list = entries([
      ...meshed,
      dr('reviews', 'shop', 'reviews', { tls: { mode: 'DISABLE' } }),
    ]);
    expect(list).toEqual([
      {
        destinationRule: 'shop/reviews',
        host: REVIEWS,
        mode: 'DISABLE',
        source: 'destinationRule',
        ports: {},
      },
    ]);
  });

  it('falls back to auto mTLS: ISTIO_MUTUAL toward sidecars', () => {
    const [entry] = entries([
      ...meshed,
      dr('reviews', 'shop', 'reviews', {
        loadBalancer: { simple: 'ROUND_ROBIN' },
      }),
    ]);
    expect(entry).toMatchObject({ mode: 'ISTIO_MUTUAL', source: 'autoMtls' });
  });

  it('reports services without any DestinationRule with auto mTLS only, port by port', () => {
    const endpoint = (targetPort: number) => ({
      workload: 'shop/reviews',
      targetPort,
      mode: 'ISTIO_MUTUAL',
      reason: 'sidecar',
    });
    expect(entries(meshed)).toEqual([
      {
        destinationRule: null,
        host: REVIEWS,
        mode: 'ISTIO_MUTUAL',
        source: 'autoMtls',
        ports: {
          '9080': {
            mode: 'ISTIO_MUTUAL',
            source: 'autoMtls',
            endpoints: [endpoint(9080)],
          },
          '9090': {
            mode: 'ISTIO_MUTUAL',
            source: 'autoMtls',
            endpoints: [endpoint(9090)],
          },
        },
      },
    ]);
  });

  it('infers plaintext from a DISABLE namespace policy, ignoring a STRICT workload policy', () => {
    const list = entries([
      ...meshed,
      pa('ns', 'shop', { mode: 'DISABLE' }),
      pa('wl', 'shop', { selector: { app: 'reviews' }, mode: 'STRICT' }),
    ]);
    expect(list[0]).toMatchObject({ mode: 'DISABLE', source: 'autoMtls' });
  });

  it('sends plaintext with auto mTLS off or to services without sidecars', () => {
    expect(entries(meshed, { enableAutoMtls: false })[0].mode).toBe('DISABLE');
    const plain = [
      deployment('db', 'data', { app: 'db' }),
      service('db', 'data', { app: 'db' }),
    ];
    expect(entries(plain)[0].mode).toBe('DISABLE');
  });

  it('treats a tls block without mode as DISABLE (the API default)', () => {
    const [entry] = entries([
      ...meshed,
      dr('reviews', 'shop', 'reviews', { tls: { sni: 'x' } }),
    ]);
    expect(entry).toMatchObject({ mode: 'DISABLE', source: 'destinationRule' });
  });

  it('lets a port entry replace the top-level policy; its endpoints still read the top-level mode', () => {
    const [entry] = entries([
      ...meshed,
      dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'SIMPLE' },
        portLevelSettings: [
          {
            port: { number: 9080 },
            connectionPool: { tcp: { maxConnections: 10 } },
          },
          { port: { number: 9090 }, tls: { mode: 'SIMPLE' } },
        ],
      }),
    ]);
    // The cluster of 9080 has auto mTLS, but the endpoint check reads the
    // top-level SIMPLE: not ISTIO_MUTUAL, so the endpoints get plaintext.
    expect(entry).toMatchObject({ mode: 'SIMPLE', source: 'destinationRule' });
    expect(entry.ports).toEqual({
      '9080': { mode: 'DISABLE', source: 'autoMtls' },
    });
  });

  it('keeps a top-level DISABLE on the endpoints of an auto mTLS port', () => {
    // Istio's endpoint check reads the top-level mode even where the port
    // entry hides it from the cluster: the endpoints get plaintext.
    const [entry] = entries([
      ...meshed,
      dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'DISABLE' },
        portLevelSettings: [{ port: { number: 9080 }, loadBalancer: {} }],
      }),
    ]);
    expect(entry.ports).toEqual({
      '9080': { mode: 'DISABLE', source: 'autoMtls' },
    });
  });

  it('sends plaintext with auto mTLS to workloads whose own policy is DISABLE', () => {
    const list = entries([
      ...meshed,
      pa('ns', 'shop', { mode: 'STRICT' }),
      pa('wl', 'shop', { selector: { app: 'reviews' }, mode: 'DISABLE' }),
    ]);
    expect(list[0]).toMatchObject({ mode: 'DISABLE', source: 'autoMtls' });
    expect(
      clientTlsFor(
        snapshotOf([
          ...meshed,
          pa('p', 'shop', {
            selector: { app: 'reviews' },
            ports: { '9080': 'DISABLE' },
          }),
        ]),
        REVIEWS,
        9080,
        'shop',
      ).mode,
    ).toBe('DISABLE');
  });

  it('expands a wildcard host to every matching Service', () => {
    const list = entries([
      ...meshed,
      deployment('db', 'data', { app: 'db' }),
      service('db', 'data', { app: 'db' }),
      dr('mesh', 'istio-system', '*.local', { tls: { mode: 'ISTIO_MUTUAL' } }),
      dr('shop-only', 'shop', '*.shop.svc.cluster.local', {
        tls: { mode: 'DISABLE' },
      }),
    ]);
    expect(list.map(e => `${e.destinationRule} ${e.host} ${e.mode}`)).toEqual([
      'istio-system/mesh db.data.svc.cluster.local ISTIO_MUTUAL',
      `istio-system/mesh ${REVIEWS} ISTIO_MUTUAL`,
      `shop/shop-only ${REVIEWS} DISABLE`,
    ]);
  });

  it('lists a DestinationRule for a host outside the snapshot as written', () => {
    const [entry] = entries([
      dr('ext', 'shop', 'api.example.com', { tls: { mode: 'SIMPLE' } }),
    ]);
    expect(entry).toMatchObject({
      host: 'api.example.com',
      mode: 'SIMPLE',
      destinationRule: 'shop/ext',
    });
  });
});

describe('destinationRuleFor', () => {
  const rules = [
    dr('root-wide', 'istio-system', '*.local', {
      tls: { mode: 'ISTIO_MUTUAL' },
    }),
    dr('svc-ns', 'shop', 'reviews', { tls: { mode: 'DISABLE' } }),
    dr('client-wild', 'front', '*.shop.svc.cluster.local', {
      tls: { mode: 'SIMPLE' },
    }),
    dr('client-exact', 'front', REVIEWS, { tls: { mode: 'MUTUAL' } }),
  ];

  it('looks in the client namespace, then the service namespace, then the root namespace', () => {
    const snapshot = snapshotOf(rules);
    expect(destinationRuleFor(snapshot, REVIEWS, 'front')?.rules[0].name).toBe(
      'client-exact',
    );
    expect(destinationRuleFor(snapshot, REVIEWS, 'back')?.rules[0].name).toBe(
      'svc-ns',
    );
    expect(
      destinationRuleFor(snapshot, 'db.data.svc.cluster.local', 'back')
        ?.rules[0].name,
    ).toBe('root-wide');
    expect(
      destinationRuleFor(snapshot, 'api.example.com', 'back'),
    ).toBeUndefined();
  });

  it('prefers the most specific host within a namespace', () => {
    const snapshot = snapshotOf(rules);
    const applied = destinationRuleFor(
      snapshot,
      'ratings.shop.svc.cluster.local',
      'front',
    );
    expect(applied?.host).toBe('*.shop.svc.cluster.local');
  });

  it('merges rules for the same host, keeping the first top-level trafficPolicy', () => {
    const snapshot = snapshotOf([
      dr(
        'second',
        'shop',
        'reviews',
        { tls: { mode: 'DISABLE' } },
        { created: '2024-02-01T00:00:00Z', subsets: [{ name: 'v2' }] },
      ),
      dr(
        'first',
        'shop',
        'reviews',
        { tls: { mode: 'ISTIO_MUTUAL' } },
        { created: '2024-01-01T00:00:00Z', subsets: [{ name: 'v1' }] },
      ),
    ]);
    const applied = destinationRuleFor(snapshot, REVIEWS, 'shop');
    expect(applied?.rules.map(r => r.name)).toEqual(['first', 'second']);
    expect(applied?.policyRule?.name).toBe('first');
    expect(clientTlsFor(snapshot, REVIEWS, 9080, 'shop').mode).toBe(
      'ISTIO_MUTUAL',
    );
  });

  it('skips rules not exported to the client namespace', () => {
    const snapshot = snapshotOf([
      dr(
        'private',
        'shop',
        'reviews',
        { tls: { mode: 'DISABLE' } },
        { exportTo: ['.'] },
      ),
    ]);
    expect(destinationRuleFor(snapshot, REVIEWS, 'shop')?.rules[0].name).toBe(
      'private',
    );
    expect(destinationRuleFor(snapshot, REVIEWS, 'front')).toBeUndefined();
  });
});

describe('client TLS deviations fixed for issue 16', () => {
  it('sends plaintext, with a per-port entry, to an endpoint whose own port policy is DISABLE', () => {
    const [entry] = entries([
      ...meshed,
      pa('ns', 'shop', { mode: 'STRICT' }),
      pa('legacy-port', 'shop', {
        selector: { app: 'reviews' },
        ports: { '9080': 'DISABLE' },
      }),
    ]);
    expect(entry.ports['9080']).toEqual({
      mode: 'DISABLE',
      source: 'autoMtls',
      endpoints: [
        {
          workload: 'shop/reviews',
          targetPort: 9080,
          mode: 'DISABLE',
          reason: 'peerAuthenticationDisable',
          policy: 'shop/legacy-port',
        },
      ],
    });
    expect(entry.ports['9090']).toMatchObject({ mode: 'ISTIO_MUTUAL' });
  });

  it('infers DISABLE for a headless service with an endpoint lacking a sidecar', () => {
    const headless = service('reviews', 'shop', { app: 'reviews' }, [
      { name: 'http', port: 9080, targetPort: 9080 },
    ]);
    (headless.spec as any).clusterIP = 'None';
    // Opted out of injection: an endpoint without a sidecar.
    const legacy = deployment('reviews-legacy', 'shop', {
      app: 'reviews',
      'sidecar.istio.io/inject': 'false',
    });
    const base = [
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('reviews', 'shop', { app: 'reviews' }),
      pa('ns', 'shop', { mode: 'STRICT' }),
    ];
    const tls = (objects: KubeObject[]) =>
      clientTlsFor(snapshotOf(objects), REVIEWS, 9080, 'front');

    expect(tls([...base, headless, legacy])).toMatchObject({
      mode: 'DISABLE',
      cause: 'passthroughDisable',
    });
    // All endpoints with a sidecar: auto mTLS as for any service.
    expect(tls([...base, headless])).toMatchObject({
      mode: 'ISTIO_MUTUAL',
      cause: 'auto',
    });
    // No endpoints at all: DISABLE too.
    expect(tls([headless]).cause).toBe('passthroughDisable');
    // A ClusterIP service decides per endpoint...
    const clusterIp = service('reviews', 'shop', { app: 'reviews' }, [
      { name: 'http', port: 9080, targetPort: 9080 },
    ]);
    expect(tls([...base, clusterIp, legacy])).toMatchObject({
      mode: 'ISTIO_MUTUAL',
      cause: 'auto',
    });
    // ...unless a DestinationRule load balancer PASSTHROUGH makes it passthrough.
    const passthrough = dr('reviews', 'shop', 'reviews', {
      loadBalancer: { simple: 'PASSTHROUGH' },
    });
    expect(tls([...base, clusterIp, legacy, passthrough]).cause).toBe(
      'passthroughDisable',
    );
  });

  it('falls back from a subset without a mode to the top-level mode in the endpoint check', () => {
    // Port 9080's entry hides the top-level DISABLE from the cluster (auto
    // mTLS); the endpoint check of subset v1, which sets no mode, falls back
    // to the top-level DISABLE (mtls_checker.go), so its endpoints get plaintext.
    const snapshot = snapshotOf([
      ...meshed,
      dr(
        'reviews',
        'shop',
        'reviews',
        {
          tls: { mode: 'DISABLE' },
          portLevelSettings: [{ port: { number: 9080 }, loadBalancer: {} }],
        },
        {
          subsets: [
            {
              name: 'v1',
              labels: { app: 'reviews' },
              trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } },
            },
          ],
        },
      ),
    ]);
    const applied = destinationRuleFor(snapshot, REVIEWS, 'shop');
    const [v1] = subsetsOf(applied);
    const decision = clientTlsUnder(
      snapshot,
      applied,
      meshIndex(snapshot).serviceByHost.get(REVIEWS),
      9080,
      v1,
    );
    expect(decision).toMatchObject({
      mode: 'DISABLE',
      cause: 'endpointOverride',
    });
  });
});
