import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import {
  MeshBackend,
  component,
  startMeshBackend,
  waitFor,
} from './__testUtils__/meshBackend';

jest.setTimeout(60_000);

const CHECKOUT = '/api/istio/v1/entities/component/default/checkout';

const kindState = (cluster: any, kind: string) =>
  cluster.kinds.find((k: any) => k.kind === kind)?.state;

describe('parts of a cluster are missing', () => {
  let mesh: MeshBackend | undefined;
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
  });

  it('Pods forbidden (403): the cluster and every entity are degraded, readiness unknown, never fresh with zero pods', async () => {
    mesh = await startMeshBackend({
      server: { forbid: ['Pod'] },
      entities: [component('checkout'), component('payments')],
      waitForSync: false,
    });
    const cluster = await waitFor('a report', async () => {
      const c = await mesh!.cluster();
      return c?.computedAt && c;
    });
    expect(kindState(cluster, 'Pod')).toBe('forbidden');
    // The test permission service allows istio.clusters.read: details shown.
    expect(cluster.kinds.find((k: any) => k.kind === 'Pod')).toMatchObject({
      reason: 'forbidden',
      message: expect.stringMatching(/403/),
    });
    expect(cluster).toMatchObject({
      ready: true,
      degraded: true,
      missingKinds: [{ kind: 'Pod', state: 'forbidden', reason: 'forbidden' }],
    });
    expect(kindState(cluster, 'Service')).toBe('synced');

    const missing = [
      { cluster: 'prod', kind: 'Pod', state: 'forbidden', reason: 'forbidden' },
    ];
    const res = await mesh.get(CHECKOUT);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      degraded: true,
      missingKinds: missing,
      readiness: {
        stage: 'unverified',
        unverifiedReasons: expect.arrayContaining([
          expect.objectContaining({ code: 'partial' }),
        ]),
      },
    });
    const [prod] = res.body.clusters;
    expect(prod.missingKinds).toEqual([
      { kind: 'Pod', state: 'forbidden', reason: 'forbidden' },
    ]);
    expect(prod.readiness).toMatchObject({
      stage: 'unverified',
      unverifiedReasons: expect.arrayContaining([
        {
          code: 'partial',
          message:
            'Partial data: Pod could not be read (forbidden), so workloads, pods or policies may be missing',
        },
      ]),
    });
    // What can be seen is still served: the Deployment and its Service.
    expect(prod.workloads.map((w: any) => w.name)).toContain('checkout');
    expect(prod.services.map((s: any) => s.name)).toEqual(['checkout']);
    // Reason words only: no server text in the entity posture.
    expect(JSON.stringify(res.body)).not.toMatch(/403|kube-test-server/);

    // An entity with nothing visible in the cluster: unknown, not "no workloads".
    const payments = await mesh.get(
      '/api/istio/v1/entities/component/default/payments',
    );
    expect(payments.body).toMatchObject({
      clusters: [],
      degraded: true,
      missingKinds: missing,
      readiness: {
        stage: 'unverified',
        unverifiedReasons: expect.arrayContaining([
          expect.objectContaining({ code: 'partial' }),
        ]),
      },
    });
    // The adoption page's waves use the same verdict: no namespace is ready.
    const adoption = await mesh.get('/api/istio/v1/adoption');
    expect(adoption.status).toBe(200);
    const shop = adoption.body.byNamespace.find(
      (n: any) => n.namespace === 'shop',
    );
    expect(shop.stage).toBe('unverified');
    expect(shop.unverifiedReasons.map((r: any) => r.code)).toContain('partial');
    expect(
      adoption.body.byNamespace.filter(
        (n: any) => n.stage === 'ready-for-strict',
      ),
    ).toEqual([]);
    // Nothing about Secrets or other kinds was asked to make up for it.
    expect(mesh.server.secretRequests()).toEqual([]);
  });

  it('reports absent Istio CRDs (404) as Istio not installed: not degraded, readiness known', async () => {
    mesh = await startMeshBackend({ server: { omitIstio: true } });
    const cluster = await mesh.cluster();
    for (const kind of [
      'PeerAuthentication',
      'AuthorizationPolicy',
      'VirtualService',
      'DestinationRule',
      'Gateway',
      'Sidecar',
      'ServiceEntry',
    ]) {
      expect({ kind, state: kindState(cluster, kind) }).toEqual({
        kind,
        state: 'absent',
      });
    }
    expect(kindState(cluster, 'Pod')).toBe('synced');
    expect(cluster.degraded).toBe(false);
    expect(cluster.missingKinds).toEqual([]);

    const res = await mesh.get(CHECKOUT);
    expect(res.status).toBe(200);
    expect(res.body.stale).toBe(false);
    expect(res.body.degraded).toBe(false);
    expect(res.body.missingKinds).toEqual([]);
    // Known once all is read: whatever the stage, it rests on no partial data.
    expect(
      res.body.readiness.unverifiedReasons.map((r: any) => r.code),
    ).not.toContain('partial');
    expect(res.body.clusters[0].workloads[0].name).toBe('checkout');
    expect(res.body.clusters[0].services[0].virtualServices).toEqual([]);
  });

  it('API server unreachable at start: not ready and unknown (not "no workloads") until the first list, retried until it answers', async () => {
    mesh = await startMeshBackend({
      server: { outage: true },
      waitForSync: false,
    });
    const down = await waitFor('the kinds to fail', async () => {
      const res = await mesh!.get(CHECKOUT);
      return (
        res.body.missingKinds?.some((k: any) => k.reason === 'unreachable') &&
        res
      );
    });
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({
      clusters: [],
      pendingClusters: ['prod'],
      stale: true,
      degraded: true,
      readiness: {
        stage: 'unverified',
        unverifiedReasons: expect.arrayContaining([
          expect.objectContaining({ code: 'partial' }),
        ]),
      },
    });
    const cluster = await mesh.cluster();
    expect(cluster).toMatchObject({ ready: false, degraded: true });
    expect(cluster.computedAt).toBeUndefined();

    await mesh.server.setOutage(false);
    await waitFor('the first report', async () => {
      const c = await mesh!.cluster();
      return c.ready && c.computedAt && !c.degraded;
    });
    const up = await mesh.get(CHECKOUT);
    expect(up.body).toMatchObject({
      pendingClusters: [],
      degraded: false,
      missingKinds: [],
    });
    expect(
      up.body.readiness.unverifiedReasons.map((r: any) => r.code),
    ).not.toContain('partial');
    expect(up.body.clusters[0].workloads.map((w: any) => w.name)).toContain(
      'checkout',
    );
  });

  it('black-holed API server (accepts, never answers): marked stale within the configured timeouts, the last posture served', async () => {
    mesh = await startMeshBackend({
      apiServer: { requestTimeout: '500ms', watchIdleTimeout: '1s' },
    });
    mesh.server.setBlackHole(true);
    const silent = Date.now();
    const cluster = await waitFor('the cluster to be degraded', async () => {
      const c = await mesh!.cluster();
      return (
        c.degraded && c.kinds.some((k: any) => k.reason === 'timeout') && c
      );
    });
    // Idle watch (1 s), then no answer to its resumption (0.5 s), plus polling.
    expect(Date.now() - silent).toBeLessThan(1000 + 500 + 1500);
    expect(cluster.missingKinds).toEqual([]);

    const started = Date.now();
    const res = await mesh.get(CHECKOUT);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(200);
    expect(res.body.stale).toBe(true);
    expect(res.body.clusters[0].stale).toBe(true);
    expect(res.body.clusters[0].workloads[0].name).toBe('checkout');

    mesh.server.setBlackHole(false);
    await waitFor(
      'current again',
      async () => (await mesh!.get(CHECKOUT)).body.stale === false,
    );
  });
});

describe('Prometheus fails', () => {
  let mesh: MeshBackend | undefined;
  let silent: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
    sockets.forEach(s => s.destroy());
    await new Promise(r => (silent ? silent.close(r) : r(undefined)));
    silent = undefined;
  });

  /** A port that refuses connections: listened on once, then closed. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise(r => server.close(r));
    return port;
  }

  it('down: posture is served with telemetry marked unavailable', async () => {
    const port = await closedPort();
    mesh = await startMeshBackend({
      cluster: { prometheusUrl: `http://127.0.0.1:${port}` },
      telemetry: { timeout: { seconds: 1 } },
    });
    const res = await mesh.get(CHECKOUT);
    expect(res.status).toBe(200);
    const cluster = res.body.clusters[0];
    expect(cluster.workloads[0].name).toBe('checkout');
    expect(cluster.telemetry.available).toBe(false);
    expect(cluster.telemetry.reason).toEqual(expect.any(String));
    expect(res.body.readiness.telemetryUnknown).toBe(true);
  });

  it('slow: no request waits longer than the configured timeout', async () => {
    // Accepts connections and never answers.
    silent = createServer(socket => sockets.push(socket));
    await new Promise<void>(r => silent!.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const timeout = 500;
    mesh = await startMeshBackend({
      cluster: { prometheusUrl: `http://127.0.0.1:${port}` },
      telemetry: { timeout: `${timeout}ms` },
    });
    const paths = [
      CHECKOUT,
      '/api/istio/v1/entities/component/default/ledger',
      '/api/istio/v1/adoption',
    ];
    for (const path of paths) {
      const started = Date.now();
      const res = await mesh.get(path);
      const took = Date.now() - started;
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      // The timeout plus the time to build the answer.
      expect({ path, slow: took > timeout + 1000 }).toEqual({
        path,
        slow: false,
      });
    }
    const res = await mesh.get(CHECKOUT);
    expect(res.body.clusters[0].telemetry.available).toBe(false);
    expect(res.body.clusters[0].telemetry.reason).toMatch(/time|abort/i);
    expect(res.body.readiness.telemetryUnknown).toBe(true);
    expect(sockets.length).toBeGreaterThan(0); // Prometheus was really asked
  });
});
