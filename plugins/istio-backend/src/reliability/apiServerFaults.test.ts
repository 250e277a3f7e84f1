import { mockServices } from '@backstage/backend-test-utils';
import {
  KubeTestServer,
  startKubeTestServer,
} from '@meshportal/kube-test-server';
import { KubeClusterSource } from '../clusters/KubeClusterSource';
import {
  MeshBackend,
  peerAuthentication,
  pod,
  smallMesh,
  startMeshBackend,
  waitFor,
} from './__testUtils__/meshBackend';

jest.setTimeout(60_000);

/** As long as the outage: a minute. */
const OUTAGE_MS = 60_000;

const CHECKOUT = '/api/istio/v1/entities/component/default/checkout';

const workloadMode = (body: any) =>
  body.clusters?.[0]?.workloads?.find((w: any) => w.name === 'checkout')?.mtls
    ?.mode;

describe('the Kubernetes API server fails', () => {
  let mesh: MeshBackend | undefined;
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
  });

  it(
    'serves the last known posture, marked stale with its age, through a 60 s outage and is current within 10 s of recovery',
    async () => {
      mesh = await startMeshBackend();
      const before = await mesh.get(CHECKOUT);
      expect(before.status).toBe(200);
      expect(before.body.stale).toBe(false);
      expect(workloadMode(before.body)).toBe('PERMISSIVE');

      await mesh.server.setOutage(true);
      const down = Date.now();
      await waitFor('the cluster to be marked degraded', async () => {
        const c = await mesh!.cluster();
        return c.degraded && c.kinds.some((k: any) => k.state === 'error');
      });
      // The mesh changes while the backend cannot see it.
      mesh.server.load([peerAuthentication('STRICT')]);
      // A minute down, as a cluster upgrade or a network partition lasts: the
      // reconnect backoff must stay capped, and every view meanwhile answered.
      let lastAge = -1;
      while (Date.now() - down < OUTAGE_MS) {
        await new Promise(r => setTimeout(r, 10_000));
        const during = await mesh.get(CHECKOUT);
        expect(during.status).toBe(200);
        expect(during.body.stale).toBe(true);
        expect(during.body.clusters[0].stale).toBe(true);
        expect(during.body.ageSeconds).toBeGreaterThan(lastAge);
        expect(workloadMode(during.body)).toBe('PERMISSIVE'); // last known data
        lastAge = during.body.ageSeconds;
      }
      expect(lastAge).toBeGreaterThanOrEqual(OUTAGE_MS / 1000 - 1);

      await mesh.server.setOutage(false);
      const recovered = Date.now();
      const after = await waitFor(
        'the posture to be current and not stale',
        async () => {
          const res = await mesh!.get(CHECKOUT);
          return !res.body.stale && workloadMode(res.body) === 'STRICT' && res;
        },
        10_000,
      );
      expect(Date.now() - recovered).toBeLessThan(10_000);
      expect(after.body.ageSeconds).toBeLessThan(5);
      const cluster = await mesh.cluster();
      expect(cluster.kinds.every((k: any) => k.state === 'synced')).toBe(true);
    },
    OUTAGE_MS + 60_000,
  );

  it('loses no event when watches are dropped mid-stream or their version expires (410)', async () => {
    mesh = await startMeshBackend();
    const { server } = mesh;

    // Dropped abruptly, with changes while no watch is open.
    server.dropWatches({ abrupt: true });
    server.load([pod('checkout', 2), peerAuthentication('STRICT')]);
    server.remove('Pod', 'shop', 'checkout-0');
    // Then every version handed out so far expires: resuming is 410, a relist follows.
    server.expireHistory();
    server.load([pod('ledger', 2, false)]);
    server.dropWatches();
    server.remove('Pod', 'shop', 'ledger-0');

    const expected = server.objects('Pod').length;
    await waitFor(
      'the posture to show the new PeerAuthentication',
      async () => workloadMode((await mesh!.get(CHECKOUT)).body) === 'STRICT',
    );
    await waitFor('the cached pods to equal a fresh list', async () => {
      const c = await mesh!.cluster();
      const pods = c.kinds.find((k: any) => k.kind === 'Pod');
      const cached = c.kinds.reduce((n: number, k: any) => n + k.count, 0);
      // The report is rebuilt from the cache: both must have caught up.
      return pods.count === expected && c.objectCount === cached && c;
    });
    const res = await mesh.get(CHECKOUT);
    expect(res.body.stale).toBe(false);
  });
});

describe('KubeClusterSource under dropped and expired watches', () => {
  let server: KubeTestServer;
  let source: KubeClusterSource;
  afterEach(async () => {
    await source?.stop();
    await server?.close();
  });

  const view = () =>
    new Map(
      source
        .objects()
        .map(o => [
          `${o.object.kind}/${o.object.metadata?.namespace}/${o.object.metadata?.name}`,
          o.object.metadata?.resourceVersion,
        ]),
    );
  const fresh = () =>
    new Map(
      ['Pod', 'Service', 'PeerAuthentication'].flatMap(kind =>
        server
          .objects(kind)
          .map(o => [
            `${kind}/${o.metadata.namespace}/${o.metadata.name}`,
            o.metadata.resourceVersion,
          ]),
      ),
    );

  it('ends every round of churn, drops and expiries with exactly a fresh list', async () => {
    server = await startKubeTestServer({
      objects: smallMesh(),
      historySize: 20,
      bookmarkIntervalMs: 100,
    });
    source = new KubeClusterSource(
      {
        name: 'prod',
        url: server.url,
        authProvider: 'serviceAccount',
        serviceAccountToken: server.token,
        caData: Buffer.from(server.caData).toString('base64'),
        skipTLSVerify: false,
        grafanaDashboards: {},
        meshRootNamespace: 'istio-system',
      },
      mockServices.logger.mock(),
      {
        kinds: ['Pod', 'Service', 'PeerAuthentication'],
        initialBackoffMs: 20,
        maxBackoffMs: 200,
      },
    );
    await source.start();
    await waitFor('first sync', () => source.status().ready);
    for (let round = 0; round < 6; round++) {
      // More changes than the history holds (20) in some rounds: only a relist recovers them.
      const changes = round % 2 ? 30 : 5;
      for (let i = 0; i < changes; i++) {
        server.load([pod('checkout', 10 + ((round * 7 + i) % 12))]);
        if (i % 4 === 0)
          server.remove('Pod', 'shop', `checkout-${10 + (i % 12)}`);
      }
      server.load([peerAuthentication(round % 2 ? 'STRICT' : 'DISABLE')]);
      if (round % 3 === 0) server.dropWatches({ abrupt: true });
      else if (round % 3 === 1) server.expireHistory();
      else server.dropWatches();
      const expected = fresh();
      await waitFor(`round ${round}: the view to equal a fresh list`, () => {
        const seen = view();
        return (
          seen.size === expected.size &&
          [...expected].every(([k, v]) => seen.get(k) === v)
        );
      });
      expect(view()).toEqual(expected);
    }
  });
});
