import {
  MeshBackend,
  entityFindingKeys,
  ingressGatewayPod,
  smallMesh,
  startMeshBackend,
  waitFor,
} from '../reliability/__testUtils__/meshBackend';

jest.setTimeout(60_000);

const CHECKOUT = '/api/istio/v1/entities/component/default/checkout';
const LEDGER = '/api/istio/v1/entities/component/default/ledger';
const ENTITY_LABELS = { 'backstage.io/kubernetes-id': 'checkout' };

const gatewayPod = ingressGatewayPod;

/** Routes on a JWT claim through gateway shop/edge to checkout. */
const claimRoutes = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: 'shop' },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 80, name: 'http', protocol: 'HTTP' },
          hosts: ['shop.example.com'],
        },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'checkout-claims', namespace: 'shop' },
    spec: {
      hosts: ['shop.example.com'],
      gateways: ['edge'],
      http: [
        {
          match: [
            { headers: { '@request.auth.claims.tier': { exact: 'gold' } } },
          ],
          route: [{ destination: { host: 'checkout' } }],
        },
      ],
    },
  },
];

const serviceEntry = (name: string, status?: unknown) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name, namespace: 'shop', labels: ENTITY_LABELS },
  spec: {
    hosts: [`${name}.example.com`],
    ports: [{ number: 5432, name: 'tcp-db', protocol: 'TCP' }],
    resolution: 'DNS',
  },
  ...(status ? { status } : {}),
});

const sidecar = (name: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name, namespace: 'shop' },
  spec: {
    workloadSelector: { labels: { app: 'checkout' } },
    egress: [{ hosts: ['./*'] }],
  },
});

const findingsOf = entityFindingKeys;

describe('findings of any analyzer reach the entity they concern', () => {
  let mesh: MeshBackend | undefined;
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
  });

  it('attaches findings about routes, config labelled for the entity and objects selecting its workloads', async () => {
    mesh = await startMeshBackend({
      objects: [
        ...smallMesh(),
        gatewayPod,
        ...claimRoutes,
        serviceEntry('orders-db'),
        // The address Istio allocated counts as one: no IST0134.
        serviceEntry('billing-db', {
          addresses: [{ host: 'billing-db.example.com', value: '240.240.0.7' }],
        }),
        sidecar('checkout-a'),
        sidecar('checkout-b'),
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'RequestAuthentication',
          metadata: { name: 'checkout-jwt', namespace: 'shop' },
          spec: {
            selector: { matchLabels: { app: 'checkout' } },
            jwtRules: [{ issuer: 'https://issuer.example.com' }],
          },
        },
      ],
    });
    const checkout = await mesh.get(CHECKOUT);
    expect(checkout.status).toBe(200);
    // The manifests shown are those of the same objects.
    expect(
      checkout.body.clusters[0].objects.map(
        (o: any) => `${o.kind} ${o.metadata.name}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        'RequestAuthentication checkout-jwt',
        'Sidecar checkout-a',
        'ServiceEntry orders-db',
      ]),
    );
    expect(findingsOf(checkout.body)).toEqual(
      expect.arrayContaining([
        'IST0110 Sidecar shop/checkout-a',
        'IST0110 Sidecar shop/checkout-b',
        'IST0134 ServiceEntry shop/orders-db',
        'IST0149 VirtualService shop/checkout-claims',
      ]),
    );
    expect(findingsOf(checkout.body)).not.toContain(
      'IST0134 ServiceEntry shop/billing-db',
    );
    const ledger = await mesh.get(LEDGER);
    expect(
      findingsOf(ledger.body).filter((f: string) =>
        /IST0110|IST0134|IST0149/.test(f),
      ),
    ).toEqual([]);

    // The same findings count on the adoption page.
    const adoption = await mesh.get('/api/istio/v1/adoption');
    const top = adoption.body.topFindings.map((f: any) => f.code);
    expect(top).toEqual(
      expect.arrayContaining(['IST0110', 'IST0134', 'IST0149']),
    );
  });

  it('reads RequestAuthentications from the cluster: one for the gateway pods silences IST0149', async () => {
    mesh = await startMeshBackend({
      objects: [
        ...smallMesh(),
        gatewayPod,
        ...claimRoutes,
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'RequestAuthentication',
          metadata: { name: 'edge-jwt', namespace: 'istio-system' },
          spec: {
            selector: { matchLabels: { istio: 'ingressgateway' } },
            jwtRules: [{ issuer: 'https://issuer.example.com' }],
          },
        },
      ],
    });
    const cluster = await mesh.cluster();
    expect(
      cluster.kinds.find((k: any) => k.kind === 'RequestAuthentication'),
    ).toMatchObject({ state: 'synced', count: 1 });
    const checkout = await mesh.get(CHECKOUT);
    expect(checkout.status).toBe(200);
    expect(
      findingsOf(checkout.body).filter((f: string) => f.startsWith('IST0149')),
    ).toEqual([]);
  });

  it('skips the JWT route check when RequestAuthentications are forbidden, rather than guess', async () => {
    mesh = await startMeshBackend({
      objects: [
        ...smallMesh(),
        gatewayPod,
        ...claimRoutes,
        serviceEntry('orders-db'),
      ],
      server: { forbid: ['RequestAuthentication'] },
      // A forbidden kind leaves the cluster degraded: wait for the report only.
      waitForSync: false,
    });
    const cluster = await waitFor('a report', async () => {
      const c = await mesh!.cluster();
      return c?.computedAt && c;
    });
    expect(
      cluster.kinds.find((k: any) => k.kind === 'RequestAuthentication'),
    ).toMatchObject({ state: 'forbidden' });
    expect(cluster.missingKinds).toEqual([
      {
        kind: 'RequestAuthentication',
        state: 'forbidden',
        reason: 'forbidden',
      },
    ]);
    const checkout = await mesh.get(CHECKOUT);
    expect(checkout.status).toBe(200);
    const codes = findingsOf(checkout.body);
    expect(codes.filter((f: string) => f.startsWith('IST0149'))).toEqual([]);
    // Analyzers whose inputs were read still report.
    expect(codes).toContain('IST0134 ServiceEntry shop/orders-db');
  });
});
