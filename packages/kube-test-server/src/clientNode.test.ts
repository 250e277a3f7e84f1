/*
 * The server against the real @kubernetes/client-node: what the backend's
 * cluster reader does.
 */
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { connect } from 'node:net';
import { KubeTestServer, startKubeTestServer } from './index';

function pod(
  name: string,
  namespace: string,
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
  };
}

function clientFor(server: KubeTestServer, token?: string): KubeConfig {
  const kc = new KubeConfig();
  const opts = server.kubeConfigOptions();
  if (token !== undefined) opts.users[0].token = token;
  kc.loadFromOptions(opts);
  return kc;
}

/** Resolves with the first value `take` returns that is not undefined. */
function waitFor<T>(take: () => T | undefined, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = take();
      if (v !== undefined) resolve(v);
      else if (Date.now() - started > ms) reject(new Error('timed out'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

describe('kube-test-server with @kubernetes/client-node', () => {
  let server: KubeTestServer;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  const aborts: AbortController[] = [];

  beforeEach(async () => {
    server = await startKubeTestServer({ bookmarkIntervalMs: 100 });
    const kc = clientFor(server);
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  });

  afterEach(async () => {
    aborts.splice(0).forEach(a => a.abort());
    await server.close();
  });

  it('pages a list with limit and continue at one resourceVersion', async () => {
    server.load(['a', 'b', 'c', 'd', 'e'].map(n => pod(n, 'shop')));
    server.load([pod('z', 'other')]);

    const first = await core.listNamespacedPod({ namespace: 'shop', limit: 2 });
    expect(first.items.map(p => p.metadata?.name)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    const second = await core.listNamespacedPod({
      namespace: 'shop',
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(second.items.map(p => p.metadata?.name)).toEqual(['c', 'd']);
    expect(second.metadata?.resourceVersion).toBe(
      first.metadata?.resourceVersion,
    );
    const last = await core.listNamespacedPod({
      namespace: 'shop',
      limit: 2,
      _continue: second.metadata?._continue,
    });
    expect(last.items.map(p => p.metadata?.name)).toEqual(['e']);
    expect(last.metadata?._continue).toBeUndefined();

    const all = await core.listPodForAllNamespaces();
    expect(all.items).toHaveLength(6);
    expect(server.count({ verb: 'list', resource: 'pods' })).toBe(4);
  });

  it('answers 410 for a continue token older than the history', async () => {
    server.load(['a', 'b', 'c'].map(n => pod(n, 'shop')));
    const first = await core.listNamespacedPod({ namespace: 'shop', limit: 1 });
    server.expireHistory();
    const status = await statusOf(
      core.listNamespacedPod({
        namespace: 'shop',
        limit: 1,
        _continue: first.metadata?._continue,
      }),
    );
    expect(status).toBe(410);
  });

  it('fills in server metadata and keeps one global resourceVersion', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'settings' }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.generation).toBe(1);
    const p = await core.createNamespacedPod({
      namespace: 'shop',
      body: pod('web', 'shop') as V1Pod,
    });
    expect(Number(p.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );

    const replaced = await core.replaceNamespacedConfigMap({
      name: 'settings',
      namespace: 'shop',
      body: { ...created, data: { a: '2' } },
    });
    expect(replaced.metadata?.generation).toBe(2);
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);
    // The first version is stale now: optimistic concurrency says 409.
    expect(
      await statusOf(
        core.replaceNamespacedConfigMap({
          name: 'settings',
          namespace: 'shop',
          body: { ...created, data: { a: '3' } },
        }),
      ),
    ).toBe(409);
  });

  it('answers Status objects for 404, 409 and 401', async () => {
    server.load([pod('web', 'shop')]);
    let err: any;
    try {
      await core.readNamespacedPod({ name: 'nope', namespace: 'shop' });
    } catch (e) {
      err = e;
    }
    expect(err.code).toBe(404);
    expect(JSON.parse(err.body)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'pods "nope" not found',
    });
    expect(
      await statusOf(
        core.createNamespacedPod({
          namespace: 'shop',
          body: pod('web', 'shop') as V1Pod,
        }),
      ),
    ).toBe(409);

    const anonymous = clientFor(server, 'wrong').makeApiClient(CoreV1Api);
    expect(await statusOf(anonymous.listNamespace())).toBe(401);
  });

  it('serves Istio objects at every served version', async () => {
    server.loadYaml(`
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews, namespace: shop, labels: {app: reviews}}
spec: {hosts: [reviews]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: shop}
spec: {hosts: [ratings]}
`);
    const v1: any = await custom.listNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: 'shop',
      plural: 'virtualservices',
      labelSelector: 'app in (reviews, details)',
    });
    expect(v1.kind).toBe('VirtualServiceList');
    expect(v1.items.map((o: any) => o.metadata.name)).toEqual(['reviews']);
    const alpha: any = await custom.getNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1alpha3',
      namespace: 'shop',
      plural: 'virtualservices',
      name: 'ratings',
    });
    expect(alpha.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(alpha.spec.hosts).toEqual(['ratings']);

    await custom.patchNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: 'shop',
      plural: 'virtualservices',
      name: 'ratings',
      body: [{ op: 'replace', path: '/spec/hosts/0', value: 'ratings.shop' }],
    });
    expect(server.objects('VirtualService', 'shop')[0].spec.hosts).toEqual([
      'ratings.shop',
    ]);
  });

  it('answers 404 for Istio kinds and 403 for forbidden kinds', async () => {
    const bare = await startKubeTestServer({
      omitIstio: true,
      forbid: ['Pod'],
    });
    try {
      const kc = clientFor(bare);
      const istio = kc.makeApiClient(CustomObjectsApi);
      expect(
        await statusOf(
          istio.listClusterCustomObject({
            group: 'security.istio.io',
            version: 'v1',
            plural: 'peerauthentications',
          }),
        ),
      ).toBe(404);
      const api = kc.makeApiClient(CoreV1Api);
      expect(await statusOf(api.listPodForAllNamespaces())).toBe(403);
      expect(await statusOf(api.listNamespace())).toBe(200);
      bare.forbid('Pod', false);
      expect(await statusOf(api.listPodForAllNamespaces())).toBe(200);
    } finally {
      await bare.close();
    }
  });

  it('streams ADDED, MODIFIED, DELETED and BOOKMARK to Watch', async () => {
    server.load([pod('old', 'shop')]);
    const { resourceVersion } = (
      await core.listNamespacedPod({ namespace: 'shop' })
    ).metadata!;
    const events: string[] = [];
    aborts.push(
      await new Watch(clientFor(server)).watch(
        '/api/v1/namespaces/shop/pods',
        { resourceVersion, allowWatchBookmarks: true },
        (type, obj) => events.push(`${type} ${obj.metadata?.name ?? ''}`),
        () => undefined,
      ),
    );
    server.load([pod('web', 'shop'), pod('elsewhere', 'other')]);
    server.load([pod('web', 'shop', { v: '2' })]);
    server.remove('Pod', 'shop', 'old');
    await waitFor(() => (events.includes('BOOKMARK ') ? true : undefined));
    expect(events.filter(e => e !== 'BOOKMARK ')).toEqual([
      'ADDED web',
      'MODIFIED web',
      'DELETED old',
    ]);
  });

  it('replays history from a resourceVersion and sends 410 when it is gone', async () => {
    server.load([pod('a', 'shop')]);
    const from = server.resourceVersion();
    server.load([pod('b', 'shop')]);
    const replayed: string[] = [];
    aborts.push(
      await new Watch(clientFor(server)).watch(
        '/api/v1/pods',
        { resourceVersion: from },
        (type, obj) => replayed.push(`${type} ${obj.metadata.name}`),
        () => undefined,
      ),
    );
    await waitFor(() => (replayed.length > 0 ? true : undefined));
    expect(replayed).toEqual(['ADDED b']);

    server.expireHistory();
    const errors: any[] = [];
    let ended = false;
    await new Watch(clientFor(server)).watch(
      '/api/v1/pods',
      { resourceVersion: from },
      (type, obj) => errors.push({ type, code: obj.code, reason: obj.reason }),
      () => {
        ended = true;
      },
    );
    await waitFor(() => (ended ? true : undefined));
    expect(errors).toEqual([{ type: 'ERROR', code: 410, reason: 'Expired' }]);
  });

  it('keeps an informer in sync across dropped watches and expired history', async () => {
    server.load([pod('a', 'shop')]);
    const kc = clientFor(server);
    const informer = makeInformer(kc, '/api/v1/namespaces/shop/pods', () =>
      core.listNamespacedPod({ namespace: 'shop' }),
    );
    const seen: string[] = [];
    informer.on('add', p => seen.push(`add ${p.metadata?.name}`));
    informer.on('update', p => seen.push(`update ${p.metadata?.name}`));
    informer.on('delete', p => seen.push(`delete ${p.metadata?.name}`));
    await informer.start();
    try {
      await waitFor(() => (server.openWatches() === 1 ? true : undefined));
      server.load([pod('b', 'shop')]);
      server.load([pod('a', 'shop', { v: '2' })]);
      server.remove('Pod', 'shop', 'b');
      await waitFor(() => (seen.length === 4 ? true : undefined));
      expect(seen).toEqual(['add a', 'add b', 'update a', 'delete b']);

      // The watch ends while history is compacted: the informer's next watch
      // gets 410 and it must list again to see the pod added meanwhile.
      const listsBefore = server.count({ verb: 'list', resource: 'pods' });
      server.dropWatches();
      server.load([pod('c', 'shop')]);
      server.expireHistory();
      await waitFor(() => (seen.includes('add c') ? true : undefined));
      expect(server.count({ verb: 'list', resource: 'pods' })).toBeGreaterThan(
        listsBefore,
      );
      expect(
        informer
          .list()
          .map(p => p.metadata?.name)
          .sort(),
      ).toEqual(['a', 'c']);
      // One relist, then a watch that holds: the fresh list's
      // resourceVersion is not expired.
      await waitFor(() => (server.openWatches() === 1 ? true : undefined));
      const lists = server.count({ verb: 'list', resource: 'pods' });
      await new Promise(r => setTimeout(r, 300));
      expect(server.count({ verb: 'list', resource: 'pods' })).toBe(lists);
      expect(lists).toBe(listsBefore + 1);
    } finally {
      await informer.stop();
    }
  });

  it('goes dark during an outage and comes back on the same port', async () => {
    const url = server.url;
    await server.setOutage(true);
    await expect(core.listNamespace()).rejects.toThrow(/ECONNREFUSED/);
    await server.setOutage(false);
    expect(server.url).toBe(url);
    expect((await core.listNamespace()).items).toEqual([]);
  });

  it('starts in an outage when asked and listens on the reserved port once it ends', async () => {
    const down = await startKubeTestServer({ outage: true });
    try {
      const client = clientFor(down).makeApiClient(CoreV1Api);
      await expect(client.listNamespace()).rejects.toThrow(/ECONNREFUSED/);
      await down.setOutage(false);
      expect((await client.listNamespace()).items).toEqual([]);
    } finally {
      await down.close();
    }
  });

  it('black hole: accepts connections, never answers a request or a watch, and resets them when lifted', async () => {
    const watched: string[] = [];
    let watchEnded: unknown = 'open';
    const watch = await new Watch(clientFor(server)).watch(
      '/api/v1/pods',
      { allowWatchBookmarks: true },
      type => watched.push(type),
      err => {
        watchEnded = err ?? null;
      },
    );
    aborts.push(watch);
    await waitFor(() => (watched.includes('BOOKMARK') ? true : undefined));

    server.setBlackHole(true);
    const before = server.requests().length;
    watched.length = 0;
    // A request on a new connection: the socket is accepted, then nothing.
    const pending = core.listNamespace().then(
      () => 'answered',
      (e: Error) => `failed: ${e.message}`,
    );
    const socket = connect(server.port, '127.0.0.1');
    const accepted = await new Promise<boolean>(resolve => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    const received: Array<string | Buffer> = [];
    socket.on('data', chunk => received.push(chunk));
    socket.write('GET /version HTTP/1.1\r\nHost: x\r\n\r\n');
    server.load([pod('a', 'shop')]);
    // Ten bookmark intervals: the open watch gets neither the change nor a bookmark.
    const outcome = await Promise.race([
      pending,
      new Promise(r => setTimeout(() => r('silent'), 1000)),
    ]);
    expect(outcome).toBe('silent');
    expect(accepted).toBe(true);
    expect(received).toEqual([]);
    expect(watched).toEqual([]);
    expect(watchEnded).toBe('open');
    expect(server.requests().length).toBe(before);

    server.setBlackHole(false);
    // The held connections are reset: the request fails, the watch ends.
    expect(await pending).toMatch(/^failed/);
    await waitFor(() => (watchEnded !== 'open' ? true : undefined));
    socket.destroy();
    expect(
      (await core.listNamespace()).items.map(n => n.metadata?.name),
    ).toEqual([]);
  });

  it('delays answers by the configured latency', async () => {
    server.setLatency(150);
    const started = Date.now();
    await core.listNamespace();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('stores no secrets and records every request for them', async () => {
    server.loadYaml(`
apiVersion: v1
kind: Secret
metadata: {name: token, namespace: shop}
data: {a: Yg==}
`);
    expect((await core.listSecretForAllNamespaces()).items).toEqual([]);
    expect(
      await statusOf(
        core.readNamespacedSecret({ name: 'token', namespace: 'shop' }),
      ),
    ).toBe(404);
    expect(
      await statusOf(
        core.createNamespacedSecret({
          namespace: 'shop',
          body: { metadata: { name: 'x' } },
        }),
      ),
    ).toBe(403);
    expect(server.secretRequests().map(r => r.verb)).toEqual([
      'list',
      'get',
      'create',
    ]);
    expect(server.counters().byResource.secrets).toEqual({
      list: 1,
      get: 1,
      create: 1,
    });
  });
});
