import { mockServices } from '@backstage/backend-test-utils';
import {
  KubeTestServer,
  startKubeTestServer,
} from '@meshportal/kube-test-server';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IstioClusterConfig } from './config';
import {
  KubeClusterSource,
  KubeClusterSourceOptions,
} from './KubeClusterSource';

jest.setTimeout(30_000);

const logger = mockServices.logger.mock();

function namespace(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function pod(ns: string, name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { app: name },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}',
        'sidecar.istio.io/status': '{"revision":"default"}',
      },
    },
    spec: {
      serviceAccountName: 'default',
      containers: [
        {
          name: 'app',
          image: 'shop/app:1',
          env: [{ name: 'DB_PASSWORD', value: 'hunter2' }],
          ports: [{ containerPort: 8080, name: 'http' }],
        },
        { name: 'istio-proxy', image: 'istio/proxyv2', args: ['proxy'] },
      ],
      initContainers: [
        { name: 'istio-init', image: 'istio/proxyv2', command: ['x'] },
      ],
    },
  };
}

const peerAuthentication = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: 'shop' },
  spec: { mtls: { mode: 'STRICT' } },
};

async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs = 10_000,
) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('KubeClusterSource', () => {
  let server: KubeTestServer;
  let source: KubeClusterSource | undefined;

  function sourceFor(
    options: KubeClusterSourceOptions = {},
    overrides: Partial<IstioClusterConfig> = {},
  ) {
    const config: IstioClusterConfig = {
      name: 'test',
      url: server.url,
      authProvider: 'serviceAccount',
      serviceAccountToken: server.token,
      caData: Buffer.from(server.caData).toString('base64'),
      skipTLSVerify: false,
      grafanaDashboards: {},
      meshRootNamespace: 'istio-system',
      ...overrides,
    };
    source = new KubeClusterSource(config, logger, {
      initialBackoffMs: 20,
      maxBackoffMs: 200,
      missingRetryMs: 200,
      ...options,
    });
    return source;
  }

  const names = (kind: string) =>
    source!
      .objects()
      .filter(o => o.object.kind === kind)
      .map(o => o.object.metadata?.name)
      .sort();

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await server?.close();
  });

  it('lists every kind in pages, keeps slim objects and never asks for Secrets', async () => {
    server = await startKubeTestServer({
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        namespace('legacy'),
        ...['a', 'b', 'c', 'd', 'e'].map(n => pod('shop', n)),
        peerAuthentication,
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'db', namespace: 'shop' },
          data: { password: 'aHVudGVyMg==' },
        },
      ],
    });
    const s = sourceFor({ pageSize: 2 });
    await s.start();
    await waitFor('ready', () => s.status().ready);

    expect(s.status().degraded).toBe(false);
    expect(names('Pod')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(names('Namespace')).toEqual(['legacy', 'shop']);
    expect(names('PeerAuthentication')).toEqual(['default']);

    const a = s.objects().find(o => o.object.metadata?.name === 'a')!;
    expect(a.origin).toEqual({ cluster: 'test' });
    expect(a.object.apiVersion).toBe('v1');
    expect(a.object.metadata?.annotations).toEqual({
      'sidecar.istio.io/status': '{"revision":"default"}',
    });
    expect(a.object.spec).toEqual({
      containers: [
        {
          name: 'app',
          ports: [{ name: 'http', containerPort: 8080, protocol: undefined }],
        },
        // The proxy's image is kept, to compare with istiod's; the app's is not.
        { name: 'istio-proxy', image: 'istio/proxyv2', ports: undefined },
      ],
      initContainers: [{ name: 'istio-init', restartPolicy: undefined }],
    });
    expect(JSON.stringify(s.objects())).not.toContain('hunter2');
    expect(JSON.stringify(s.objects())).not.toContain('shop/app:1');

    // 5 pods in pages of 2: three list requests for pods.
    expect(server.count({ resource: 'pods', verb: 'list' })).toBe(3);
    expect(
      server
        .requests()
        .filter(r => r.verb === 'list')
        .every(r => r.query.limit === '2'),
    ).toBe(true);
    expect(server.secretRequests()).toEqual([]);
    expect(server.requests().some(r => r.resource === 'secrets')).toBe(false);
  });

  it('follows changes through the watch and resumes from the last resourceVersion', async () => {
    server = await startKubeTestServer({
      objects: [namespace('shop'), pod('shop', 'a')],
    });
    const s = sourceFor({ kinds: ['Pod'] });
    const changed = jest.fn();
    s.subscribe(changed);
    await s.start();
    await waitFor('ready', () => s.status().ready);
    await waitFor('watch', () => server.openWatches() === 1);

    server.load([pod('shop', 'b')]);
    await waitFor('pod b', () => names('Pod').includes('b'));
    server.remove('Pod', 'shop', 'a');
    await waitFor('pod a gone', () => !names('Pod').includes('a'));
    expect(changed).toHaveBeenCalled();
    expect(s.status().kinds[0].lastEventTime).toBeDefined();

    const lastVersion = server.resourceVersion();
    const listsBefore = server.count({ resource: 'pods', verb: 'list' });
    server.dropWatches();
    await waitFor(
      'rewatch',
      () => server.count({ resource: 'pods', verb: 'watch' }) === 2,
    );
    const rewatch = server
      .requests()
      .filter(r => r.resource === 'pods' && r.verb === 'watch')[1];
    expect(rewatch.query.resourceVersion).toBe(lastVersion);
    expect(server.count({ resource: 'pods', verb: 'list' })).toBe(listsBefore);
  });

  it('relists on 410 Gone and swaps the cache only when the list is complete', async () => {
    server = await startKubeTestServer({
      objects: [
        namespace('shop'),
        ...['a', 'b', 'c', 'd'].map(n => pod('shop', n)),
      ],
    });
    const s = sourceFor({ kinds: ['Pod'], pageSize: 1 });
    await s.start();
    await waitFor('ready', () => s.status().ready);
    await waitFor('watch', () => server.openWatches() === 1);

    // Changes made while no watch is open, then the history is compacted:
    // resuming from the old version must fail with 410.
    server.setLatency(40);
    server.dropWatches();
    server.load([pod('shop', 'e')]);
    server.expireHistory();

    const seen = new Set<number>();
    const poll = setInterval(() => seen.add(names('Pod').length), 5);
    try {
      await waitFor('relisted', () => names('Pod').length === 5);
    } finally {
      clearInterval(poll);
    }
    // Never a half-built list: either the old 4 pods or the new 5.
    expect([...seen].every(n => n === 4 || n === 5)).toBe(true);
    // The resumed watch was refused (410 in the stream), then a fresh list
    // followed, bounded: no relist storm.
    const pods = server.requests().filter(r => r.resource === 'pods');
    const resumed = pods.findIndex(
      (r, i) => r.verb === 'watch' && i > 0 && pods[i - 1].verb === 'watch',
    );
    expect(resumed).toBeGreaterThan(0);
    const relists = pods.slice(resumed + 1).filter(r => r.verb === 'list');
    expect(relists.length).toBeGreaterThanOrEqual(1);
    expect(relists.length).toBeLessThan(10);
    expect(s.status().kinds[0].state).toBe('synced');
  });

  it('marks a forbidden kind missing and the cluster degraded; absent Istio CRDs are not missing', async () => {
    server = await startKubeTestServer({
      omitIstio: true,
      forbid: ['Pod'],
      objects: [namespace('shop')],
    });
    const s = sourceFor();
    await s.start();
    await waitFor('ready', () => s.status().ready);
    const state = Object.fromEntries(
      s.status().kinds.map(k => [k.kind, k.state]),
    );
    expect(state).toMatchObject({
      Namespace: 'synced',
      Pod: 'forbidden',
      PeerAuthentication: 'absent',
      VirtualService: 'absent',
    });
    // Pods unseen: the cluster is partial. No Istio CRDs: Istio is not installed.
    expect(s.status().degraded).toBe(true);
    expect(s.status().missingKinds).toEqual([
      { kind: 'Pod', state: 'forbidden', reason: 'forbidden' },
    ]);
    expect(names('Namespace')).toEqual(['shop']);
    // Both Istio API versions were tried before giving up.
    const tried = new Set(
      server
        .requests()
        .filter(r => r.path.includes('/peerauthentications'))
        .map(r => r.path.split('/')[3]),
    );
    expect(tried).toEqual(new Set(['v1', 'v1beta1']));

    // Access granted later: picked up on the next retry.
    server.forbid('Pod', false);
    await waitFor(
      'pods allowed',
      () => s.status().kinds.find(k => k.kind === 'Pod')!.state === 'synced',
    );
    expect(s.status()).toMatchObject({ degraded: false, missingKinds: [] });
  });

  it('is not ready while the API server is unreachable at start, and syncs once it answers', async () => {
    server = await startKubeTestServer({
      outage: true,
      objects: [namespace('shop'), pod('shop', 'a')],
    });
    const s = sourceFor({ kinds: ['Namespace', 'Pod'] });
    const changed = jest.fn();
    s.subscribe(changed);
    await s.start();
    await waitFor('every kind to fail once', () =>
      s.status().kinds.every(k => k.state === 'error'),
    );
    // Several retries later, still not ready: an empty cache is not an empty cluster.
    await new Promise(r => setTimeout(r, 300));
    expect(s.status()).toMatchObject({
      ready: false,
      degraded: true,
      missingKinds: [
        { kind: 'Namespace', state: 'error', reason: 'unreachable' },
        { kind: 'Pod', state: 'error', reason: 'unreachable' },
      ],
    });

    await server.setOutage(false);
    await waitFor('every kind synced', () => !s.status().degraded);
    expect(s.status()).toMatchObject({ ready: true, missingKinds: [] });
    expect(names('Pod')).toEqual(['a']);
    expect(changed).toHaveBeenCalled();
  });

  it('retries settings that cannot be used at start (a kubeconfig not mounted yet)', async () => {
    server = await startKubeTestServer({ objects: [namespace('shop')] });
    const dir = await mkdtemp(join(tmpdir(), 'istio-kubeconfig-'));
    try {
      const path = join(dir, 'config');
      const s = sourceFor(
        { kinds: ['Namespace'] },
        {
          url: undefined,
          authProvider: 'kubeconfig',
          serviceAccountToken: undefined,
          caData: undefined,
          kubeconfigPath: path,
        },
      );
      await s.start();
      expect(s.status()).toMatchObject({
        ready: false,
        degraded: true,
        missingKinds: [{ kind: '*', state: 'error', reason: 'configuration' }],
      });
      server.writeKubeconfig(path);
      await waitFor('ready', () => s.status().ready);
      expect(names('Namespace')).toEqual(['shop']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('marks an outage as an error with backoff, and recovers with current data', async () => {
    server = await startKubeTestServer({
      objects: [namespace('shop'), pod('shop', 'a')],
    });
    const s = sourceFor({ kinds: ['Pod'] });
    await s.start();
    await waitFor('ready', () => s.status().ready);
    await waitFor('watch', () => server.openWatches() === 1);

    await server.setOutage(true);
    await waitFor('error state', () => s.status().kinds[0].state === 'error');
    expect(s.status().degraded).toBe(true);
    expect(s.status().kinds[0].message).toBeTruthy();
    // The last good data is still served.
    expect(names('Pod')).toEqual(['a']);

    server.load([pod('shop', 'b')]);
    await server.setOutage(false);
    await waitFor('recovered', () => names('Pod').includes('b'));
    expect(s.status().kinds[0].state).toBe('synced');
    expect(s.status().degraded).toBe(false);
  });

  it('backs a 401 off to its own ceiling, logs it once and is never ready', async () => {
    server = await startKubeTestServer({ objects: [namespace('shop')] });
    const log = mockServices.logger.mock();
    log.child.mockReturnValue(log);
    const s = new KubeClusterSource(
      {
        name: 'test',
        url: server.url,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'wrong',
        caData: Buffer.from(server.caData).toString('base64'),
        skipTLSVerify: false,
        grafanaDashboards: {},
        meshRootNamespace: 'istio-system',
      },
      log,
      {
        kinds: ['Namespace'],
        initialBackoffMs: 20,
        // Other failures would be retried every 20 ms.
        maxBackoffMs: 20,
        unauthorizedMaxBackoffMs: 400,
      },
    );
    source = s;
    await s.start();
    await waitFor('error', () => s.status().kinds[0]?.state === 'error');
    await new Promise(r => setTimeout(r, 2500));
    expect(s.status().kinds[0]).toMatchObject({
      state: 'error',
      reason: 'unauthorized',
      message: expect.stringMatching(/401/),
    });
    expect(s.status()).toMatchObject({ ready: false, degraded: true });
    expect(JSON.stringify(s.status())).not.toContain(server.token);
    // 20, 40, 80, 160, 320 then 400 ms (±25%): about 9 tries in 2.5 s, not 100.
    const tries = server.count({ resource: 'namespaces', verb: 'list' });
    expect(tries).toBeGreaterThanOrEqual(4);
    expect(tries).toBeLessThanOrEqual(12);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatch(
      /Namespace error \(unauthorized\)/,
    );
  });

  it('notices a black-holed API server within the idle and request timeouts, serving the last data', async () => {
    server = await startKubeTestServer({
      bookmarkIntervalMs: 100,
      objects: [namespace('shop'), pod('shop', 'a')],
    });
    const s = sourceFor({
      kinds: ['Pod'],
      requestTimeoutMs: 300,
      watchIdleTimeoutMs: 600,
    });
    await s.start();
    await waitFor('ready', () => s.status().ready);
    await waitFor('watch', () => server.openWatches() === 1);

    server.setBlackHole(true);
    const silent = Date.now();
    await waitFor('timeout', () => s.status().kinds[0].state === 'error');
    const noticed = Date.now() - silent;
    // The open watch idles out (600 ms), its resumption gets no answer (300 ms).
    expect(noticed).toBeLessThan(600 + 300 + 700);
    expect(s.status().kinds[0].reason).toBe('timeout');
    expect(s.status()).toMatchObject({ degraded: true, missingKinds: [] });
    expect(names('Pod')).toEqual(['a']);

    server.load([pod('shop', 'b')]);
    server.setBlackHole(false);
    await waitFor('recovered', () => names('Pod').includes('b'));
    expect(s.status().kinds[0].state).toBe('synced');
  });

  it('resumes a quiet, healthy watch after the idle timeout without marking the kind', async () => {
    server = await startKubeTestServer({
      // No bookmark within the idle timeout.
      bookmarkIntervalMs: 60_000,
      objects: [namespace('shop'), pod('shop', 'a')],
    });
    const s = sourceFor({
      kinds: ['Pod'],
      requestTimeoutMs: 300,
      watchIdleTimeoutMs: 300,
    });
    await s.start();
    await waitFor('ready', () => s.status().ready);
    const states = new Set<string>();
    const poll = setInterval(() => states.add(s.status().kinds[0].state), 5);
    try {
      await waitFor(
        'three resumed watches',
        () => server.count({ resource: 'pods', verb: 'watch' }) >= 4,
      );
    } finally {
      clearInterval(poll);
    }
    expect([...states]).toEqual(['synced']);
    expect(server.count({ resource: 'pods', verb: 'list' })).toBe(1);
  });

  it('connects through a kubeconfig file and context', async () => {
    server = await startKubeTestServer({ objects: [namespace('shop')] });
    const dir = await mkdtemp(join(tmpdir(), 'istio-kubeconfig-'));
    try {
      const path = join(dir, 'config');
      server.writeKubeconfig(path);
      const s = sourceFor(
        { kinds: ['Namespace'] },
        {
          url: undefined,
          authProvider: 'kubeconfig',
          serviceAccountToken: undefined,
          caData: undefined,
          kubeconfigPath: path,
          kubeconfigContext: server.kubeConfigOptions().currentContext,
        },
      );
      await s.start();
      await waitFor('ready', () => s.status().ready);
      expect(s.status().kinds[0]).toMatchObject({
        kind: 'Namespace',
        state: 'synced',
        message: undefined,
      });
      expect(names('Namespace')).toEqual(['shop']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
