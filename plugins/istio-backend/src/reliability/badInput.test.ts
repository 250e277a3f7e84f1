import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  component,
  MeshBackend,
  peerAuthentication,
  pod,
  startMeshBackend,
  waitFor,
} from './__testUtils__/meshBackend';

jest.setTimeout(60_000);

const ENTITY = '/api/istio/v1/entities/component/default';

/** Every http(s) URL in a JSON body. */
const urlsIn = (body: unknown) =>
  JSON.stringify(body).match(/https?:\/\/[^"\\\s]+/g) ?? [];

describe('credentials and permissions', () => {
  let mesh: MeshBackend | undefined;
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
  });

  it('answers 401 on every route without credentials', async () => {
    mesh = await startMeshBackend();
    const routes = [
      '/api/istio/v1/clusters',
      `${ENTITY}/checkout`,
      `${ENTITY}/nope`,
      '/api/istio/v1/adoption',
      '/api/istio/v1/adoption?owner=team-shop',
      '/api/istio/v1/adoption/history',
      '/api/istio/v1/adoption/history?entity=component:default/checkout',
    ];
    for (const path of routes) {
      const res = await request(mesh.httpServer).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(JSON.stringify(res.body)).not.toContain('checkout-0');
    }
    const bad = await request(mesh.httpServer)
      .get(`${ENTITY}/checkout`)
      .set('authorization', 'Bearer not-a-valid-token');
    expect(bad.status).toBe(401);
  });

  it('answers an entity the user may not read exactly like a missing one', async () => {
    mesh = await startMeshBackend({
      entities: [component('checkout'), component('ledger')],
      hiddenFrom: { 'user:default/mallory': ['ledger'] },
    });
    const hidden = await mesh.get(`${ENTITY}/ledger`, 'user:default/mallory');
    // A catalog where ledger never existed gives the missing-entity answer.
    const missing = await mesh.get(`${ENTITY}/ledger2`, 'user:default/mallory');
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const normalize = (res: request.Response) =>
      JSON.stringify(res.body).replace(/ledger2?/g, 'NAME');
    expect(normalize(hidden)).toBe(normalize(missing));
    expect(Object.keys(hidden.headers).sort()).toEqual(
      Object.keys(missing.headers).sort(),
    );
    // Nor does the history of the entity leak it.
    const history = await mesh.get(
      '/api/istio/v1/adoption/history?entity=component:default/ledger',
      'user:default/mallory',
    );
    expect(history.status).toBe(404);
    // Other users see it.
    expect(
      (await mesh.get(`${ENTITY}/ledger`, 'user:default/alice')).status,
    ).toBe(200);
  });

  it('answers 403 on adoption when the permission is denied', async () => {
    mesh = await startMeshBackend({ permission: AuthorizeResult.DENY });
    for (const path of [
      '/api/istio/v1/adoption',
      '/api/istio/v1/adoption/history',
      '/api/istio/v1/adoption/history?entity=component:default/checkout',
    ]) {
      const res = await mesh.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body.error.name).toBe('NotAllowedError');
    }
    // Entity posture is governed by catalog read access, not by this permission.
    expect((await mesh.get(`${ENTITY}/checkout`)).status).toBe(200);
  });
});

describe('entity annotations', () => {
  let mesh: MeshBackend | undefined;
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
  });

  const SELECTOR = 'backstage.io/kubernetes-label-selector';
  const ID = 'backstage.io/kubernetes-id';
  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['unbalanced', { [SELECTOR]: 'app in (checkout' }, /unbalanced/],
    ['bad-operator', { [SELECTOR]: 'app =~ checkout' }, /invalid label/],
    ['blank', { [SELECTOR]: '   ' }, /blank/],
    ['huge-id', { [ID]: 'x'.repeat(200_000) }, /invalid label value/],
    ['huge-selector', { [SELECTOR]: 'a,'.repeat(50_000) }, /selector/],
    [
      'url-selector',
      { [SELECTOR]: 'app=https://evil.example.com/x' },
      /invalid label/,
    ],
    ['url-id', { [ID]: 'https://evil.example.com' }, /invalid label value/],
    // Valid Kubernetes selectors that would claim every workload of the cluster.
    ['negations-only', { [SELECTOR]: '!nonexistent' }, /no equality/],
    ['inequality-only', { [SELECTOR]: 'app!=nope,!legacy' }, /no equality/],
    ['bare-key', { [SELECTOR]: 'app' }, /no equality/],
  ];

  it('answers a clear 400 for each malformed annotation, and serves the rest', async () => {
    mesh = await startMeshBackend({
      entities: [
        component('checkout'),
        ...bad.map(([name, annotations]) => component(name, annotations)),
      ],
    });
    for (const [name, , message] of bad) {
      const started = Date.now();
      const res = await mesh.get(`${ENTITY}/${name}`);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(message);
      // A clear message, not the whole 200 kB value echoed back.
      expect(JSON.stringify(res.body).length).toBeLessThan(5_000);
      expect(Date.now() - started).toBeLessThan(2_000);
      // The error quotes the annotation as text; the body carries no links.
      expect(res.body.clusters).toBeUndefined();
    }
    const ok = await mesh.get(`${ENTITY}/checkout`);
    expect(ok.status).toBe(200);

    // Adoption lists them as unmapped and counts everything else.
    const adoption = await mesh.get('/api/istio/v1/adoption');
    expect(adoption.status).toBe(200);
    expect(
      adoption.body.unmappedEntities.map((e: any) => e.entityRef).sort(),
    ).toEqual(bad.map(([name]) => `component:default/${name}`).sort());
    expect(adoption.body.totals.workloads).toBeGreaterThan(0);
  });

  it('never puts a URL from an annotation into a link', async () => {
    const evil = 'https://evil.example.com/phish';
    mesh = await startMeshBackend({
      entities: [
        component('checkout', {
          [ID]: 'checkout',
          'backstage.io/kubernetes-namespace': 'shop',
          'kiali.io/url': evil,
          'grafana/dashboard-selector': evil,
          'backstage.io/view-url': evil,
          'backstage.io/source-location': `url:${evil}`,
          'istio.io/kiali-url': evil,
        }),
      ],
    });
    for (const path of [
      `${ENTITY}/checkout`,
      '/api/istio/v1/adoption',
      '/api/istio/v1/clusters',
    ]) {
      const res = await mesh.get(path);
      expect(res.status).toBe(200);
      expect(
        urlsIn(res.body).filter(
          u => !u.startsWith('https://kiali.example.com/'),
        ),
      ).toEqual([]);
    }
    const res = await mesh.get(`${ENTITY}/checkout`);
    // Links are there, built from the configured Kiali only.
    expect(urlsIn(res.body).length).toBeGreaterThan(0);
  });
});

describe('what the plugin asks of the API server', () => {
  it('only gets, lists and watches, and never asks for Secrets, through sync, churn, drops and expiry', async () => {
    const mesh = await startMeshBackend();
    try {
      const { server } = mesh;
      server.load([pod('checkout', 5), peerAuthentication('STRICT')]);
      server.dropWatches({ abrupt: true });
      server.remove('Pod', 'shop', 'checkout-5');
      server.expireHistory();
      server.dropWatches();
      server.load([pod('checkout', 6)]);
      await waitFor('the new pod to be cached', async () => {
        const c = await mesh.cluster();
        return c.kinds.find((k: any) => k.kind === 'Pod').count === 5;
      });
      await mesh.get(`${ENTITY}/checkout`);
      await mesh.get('/api/istio/v1/adoption');

      const log = server.requests();
      expect(log.length).toBeGreaterThan(16);
      expect(server.secretRequests()).toEqual([]);
      expect(log.filter(r => r.path.includes('secrets'))).toEqual([]);
      expect(new Set(log.map(r => r.verb))).toEqual(new Set(['list', 'watch']));
      expect(log.filter(r => r.method !== 'GET')).toEqual([]);
      // ConfigMaps only in the mesh root namespace.
      expect(
        log
          .filter(r => r.resource === 'configmaps')
          .every(r => r.namespace === 'istio-system'),
      ).toBe(true);
    } finally {
      await mesh.stop();
    }
  });
});
