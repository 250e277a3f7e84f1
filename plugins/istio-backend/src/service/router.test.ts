import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { join } from 'node:path';
import request from 'supertest';
import { istioPlugin } from '../plugin';

jest.setTimeout(30_000);

const FIXTURE = join(__dirname, '../__fixtures__/demo');

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'checkout' },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-shop',
      system: 'shop',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'ledger',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'ledger' },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-finance',
      lifecycle: 'production',
    },
  },
];

const config = {
  istio: {
    clusters: [
      {
        name: 'demo',
        snapshotPaths: [FIXTURE],
        kialiUrl: 'https://kiali.example.com',
      },
    ],
  },
};

/** The catalog hides `ledger` from mallory, as a permission policy would. */
function catalogHidingLedgerFromMallory() {
  const catalog = catalogServiceMock({ entities });
  return catalogServiceMock.mock({
    queryEntities: (req, opts) => catalog.queryEntities(req, opts),
    getEntityByRef: async (ref, opts) => {
      const { credentials } = opts as { credentials: BackstageCredentials };
      const principal = credentials.principal as { userEntityRef?: string };
      const entity = await catalog.getEntityByRef(ref, opts);
      if (
        principal.userEntityRef === 'user:default/mallory' &&
        entity?.metadata.name === 'ledger'
      ) {
        return undefined;
      }
      return entity;
    },
  });
}

async function startBackend(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const backend = await startTestBackend({
    features: [
      istioPlugin,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.permissions.factory({ result: permission }),
      // Requests without a token are unauthenticated (the mock default is a user).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      catalogHidingLedgerFromMallory().factory,
    ],
  });
  // The file source loads in the background; wait for the first report.
  const started = Date.now();
  for (;;) {
    const res = await request(backend.server)
      .get('/api/istio/v1/clusters')
      .set('authorization', mockCredentials.user.header());
    if (res.body.clusters?.[0]?.computedAt) break;
    if (Date.now() - started > 10_000) throw new Error('cluster never synced');
    await new Promise(r => setTimeout(r, 50));
  }
  return backend;
}

describe('istio backend router', () => {
  let backend: Awaited<ReturnType<typeof startBackend>>;
  afterEach(async () => {
    await backend?.stop();
  });

  it('serves /health without credentials and nothing else', async () => {
    backend = await startBackend();
    const health = await request(backend.server).get('/api/istio/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    for (const path of [
      '/api/istio/v1/clusters',
      '/api/istio/v1/entities/component/default/checkout',
      '/api/istio/v1/adoption',
      '/api/istio/v1/adoption/history',
    ]) {
      const res = await request(backend.server).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
  });

  it('returns the posture of an entity the user may read', async () => {
    backend = await startBackend();
    const res = await request(backend.server)
      .get('/api/istio/v1/entities/component/default/checkout')
      .set(
        'authorization',
        mockCredentials.user.header('user:default/mallory'),
      );
    expect(res.status).toBe(200);
    expect(res.body.entityRef).toBe('component:default/checkout');
    expect(res.body.clusters[0].workloads.map((w: any) => w.name)).toEqual([
      'checkout',
    ]);
    expect(res.body.clusters[0].services[0].virtualServices[0].name).toBe(
      'checkout',
    );
    // No Prometheus in this backend: nothing known blocks, nothing proves it.
    expect(res.body.readiness).toMatchObject({
      stage: 'unverified',
      unverifiedReasons: [{ code: 'no-telemetry' }],
    });
  });

  it('answers 404 for an entity the user may not read, and for unknown ones', async () => {
    backend = await startBackend();
    const hidden = await request(backend.server)
      .get('/api/istio/v1/entities/component/default/ledger')
      .set(
        'authorization',
        mockCredentials.user.header('user:default/mallory'),
      );
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.name).toBe('NotFoundError');

    const visible = await request(backend.server)
      .get('/api/istio/v1/entities/component/default/ledger')
      .set('authorization', mockCredentials.user.header('user:default/alice'));
    expect(visible.status).toBe(200);

    const unknown = await request(backend.server)
      .get('/api/istio/v1/entities/component/default/nope')
      .set('authorization', mockCredentials.user.header());
    expect(unknown.status).toBe(404);
  });

  // That no credential reaches an answer is checked with a cluster that
  // holds real ones: reliability/realPermissions.test.ts.
  it('lists clusters with their sync state', async () => {
    backend = await startBackend();
    const res = await request(backend.server)
      .get('/api/istio/v1/clusters')
      .set('authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.clusters).toEqual([
      expect.objectContaining({
        cluster: 'demo',
        source: 'files',
        ready: true,
        degraded: false,
      }),
    ]);
  });

  it('serves adoption when the permission allows it', async () => {
    backend = await startBackend();
    const res = await request(backend.server)
      .get('/api/istio/v1/adoption')
      .set('authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({
      workloads: 2,
      enrolled: 1,
      permissive: 1,
      notInMesh: 1,
    });
    expect(res.body.byOwner.map((o: any) => o.owner)).toEqual([
      'group:default/team-finance',
      'group:default/team-shop',
    ]);
    expect(
      res.body.byNamespace.map((n: any) => [n.namespace, n.stage]),
    ).toEqual([
      ['legacy', 'not-enrolled'],
      ['shop', 'unverified'],
    ]);

    const filtered = await request(backend.server)
      .get('/api/istio/v1/adoption?owner=team-shop')
      .set('authorization', mockCredentials.user.header());
    expect(filtered.body.totals).toMatchObject({ workloads: 1, enrolled: 1 });
    expect(filtered.body.entities.map((e: any) => e.entityRef)).toEqual([
      'component:default/checkout',
    ]);

    const history = await request(backend.server)
      .get(
        '/api/istio/v1/adoption/history?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
      )
      .set('authorization', mockCredentials.user.header());
    expect(history.status).toBe(200);
    expect(history.body.points).toEqual([]);

    const bad = await request(backend.server)
      .get('/api/istio/v1/adoption/history?from=yesterday')
      .set('authorization', mockCredentials.user.header());
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
  });

  it('bounds the history range and its number of points', async () => {
    backend = await startBackend();
    const history = (query: string) =>
      request(backend.server)
        .get(`/api/istio/v1/adoption/history?${query}`)
        .set('authorization', mockCredentials.user.header());

    // Hourly periods (the default): 3000 points are 125 days, so the
    // adoption page's 90 days are served.
    const ok = await history(
      'from=2026-01-01T00:00:00Z&to=2026-04-01T00:00:00Z',
    );
    expect(ok.status).toBe(200);

    const tooManyPoints = await history(
      'from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z',
    );
    expect(tooManyPoints.status).toBe(400);
    expect(tooManyPoints.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /3624 recording periods of 60 minutes; at most 3000 points/,
      ),
    });

    const reversed = await history(
      'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toMatch(/"from" is after "to"/);

    // Both limits of a decade are named in one answer.
    const decade = await history(
      'from=2016-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(decade.status).toBe(400);
    expect(decade.body.error.message).toMatch(
      /3653 days; at most 400 days.*87672 recording periods/,
    );
    // Without "from", 30 days before "to" are read: within the bounds.
    const defaulted = await history('to=2026-02-01T00:00:00Z');
    expect(defaulted.status).toBe(200);
    expect(defaulted.body.from).toBe('2026-01-02T00:00:00.000Z');
  });

  it('answers 403 for adoption when the permission is denied', async () => {
    backend = await startBackend(AuthorizeResult.DENY);
    for (const path of [
      '/api/istio/v1/adoption',
      '/api/istio/v1/adoption/history',
    ]) {
      const res = await request(backend.server)
        .get(path)
        .set('authorization', mockCredentials.user.header());
      expect({ path, status: res.status, error: res.body.error?.name }).toEqual(
        {
          path,
          status: 403,
          error: 'NotAllowedError',
        },
      );
    }
    // The entity view does not depend on the adoption permission.
    const entity = await request(backend.server)
      .get('/api/istio/v1/entities/component/default/checkout')
      .set('authorization', mockCredentials.user.header());
    expect(entity.status).toBe(200);
  });
});
