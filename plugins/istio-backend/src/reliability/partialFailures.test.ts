import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { MeshBackend, startMeshBackend } from './__testUtils__/meshBackend';

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

  it('reports a forbidden kind (403) in /v1/clusters and serves everything else', async () => {
    mesh = await startMeshBackend({ server: { forbid: ['Service'] } });
    const cluster = await mesh.cluster();
    expect(kindState(cluster, 'Service')).toBe('forbidden');
    // The test permission service allows istio.clusters.read: details shown.
    expect(cluster.kinds.find((k: any) => k.kind === 'Service')).toMatchObject({
      reason: 'forbidden',
      message: expect.stringMatching(/403/),
    });
    expect(kindState(cluster, 'Pod')).toBe('synced');
    expect(kindState(cluster, 'PeerAuthentication')).toBe('synced');

    const res = await mesh.get(CHECKOUT);
    expect(res.status).toBe(200);
    const workloads = res.body.clusters[0].workloads;
    expect(workloads.map((w: any) => w.name)).toContain('checkout');
    expect(workloads.every((w: any) => w.mtls.mode === 'PERMISSIVE')).toBe(
      true,
    );
    expect(res.body.clusters[0].services).toEqual([]);
    // Nothing about Secrets or other kinds was asked to make up for it.
    expect(mesh.server.secretRequests()).toEqual([]);
  });

  it('reports absent Istio CRDs (404) and serves the workloads without them', async () => {
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

    const res = await mesh.get(CHECKOUT);
    expect(res.status).toBe(200);
    expect(res.body.stale).toBe(false);
    expect(res.body.clusters[0].workloads[0].name).toBe('checkout');
    expect(res.body.clusters[0].services[0].virtualServices).toEqual([]);
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
