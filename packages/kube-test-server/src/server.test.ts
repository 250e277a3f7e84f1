/*
 * The server's HTTP behaviour seen from a plain HTTPS client: the details
 * client libraries hide (headers, watch edges, selectors, the request log).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KubeTestServer,
  KubeTestServerOptions,
  startKubeTestServer,
} from './index';

interface Reply {
  status: number;
  contentType: string;
  body: any;
}

function call(
  server: KubeTestServer,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${server.url}${path}`,
      {
        method,
        ca: server.caData,
        headers: {
          authorization: `Bearer ${server.token}`,
          'content-type': 'application/json',
          ...opts.headers,
        },
      },
      res => {
        let text = '';
        res.on('data', d => {
          text += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type']),
            body: text ? JSON.parse(text) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(JSON.stringify(opts.body));
    req.end();
  });
}

interface Stream {
  events: { type: string; object: any }[];
  ended: Promise<'end' | 'error'>;
  close(): void;
}

function watch(server: KubeTestServer, path: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: Stream['events'] = [];
    let markEnded: (how: 'end' | 'error') => void = () => undefined;
    const ended = new Promise<'end' | 'error'>(r => {
      markEnded = r;
    });
    const req = httpsRequest(
      `${server.url}${path}`,
      {
        ca: server.caData,
        headers: { authorization: `Bearer ${server.token}` },
      },
      res => {
        let buffer = '';
        res.on('data', d => {
          buffer += d;
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const l of lines) if (l) events.push(JSON.parse(l));
        });
        res.on('end', () => markEnded('end'));
        res.on('error', () => markEnded('error'));
        resolve({ events, ended, close: () => req.destroy() });
      },
    );
    req.on('error', () => markEnded('error'));
    req.on('error', reject);
    req.end();
  });
}

async function until(test: () => boolean, ms = 3000) {
  const started = Date.now();
  while (!test()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 10));
  }
}

function deployment(name: string, namespace: string, tier: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { tier } },
    spec: { replicas: 1 },
  };
}

describe('kube-test-server over HTTPS', () => {
  let server: KubeTestServer;
  const streams: Stream[] = [];

  beforeEach(async () => {
    server = await startKubeTestServer({ token: 't0ken', historySize: 3 });
  });

  afterEach(async () => {
    streams.splice(0).forEach(s => s.close());
    await server.close();
  });

  async function restart(opts: KubeTestServerOptions) {
    await server.close();
    return startKubeTestServer({ token: 't0ken', ...opts });
  }

  async function open(path: string) {
    const s = await watch(server, path);
    streams.push(s);
    return s;
  }

  it('serves aggregated and legacy discovery', async () => {
    const aggregated = await call(server, 'GET', '/apis', {
      headers: {
        accept:
          'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      },
    });
    expect(aggregated.contentType).toContain('g=apidiscovery.k8s.io;v=v2');
    const networking = aggregated.body.items.find(
      (g: any) => g.metadata.name === 'networking.istio.io',
    );
    expect(networking.versions.map((v: any) => v.version)).toEqual([
      'v1',
      'v1beta1',
      'v1alpha3',
    ]);

    const legacy = await call(server, 'GET', '/apis/security.istio.io/v1beta1');
    expect(legacy.body.resources.map((r: any) => r.name)).toEqual([
      'peerauthentications',
      'authorizationpolicies',
      'requestauthentications',
    ]);
    const core = await call(server, 'GET', '/api/v1');
    expect(core.body.resources.map((r: any) => r.name)).toContain('secrets');
    expect((await call(server, 'GET', '/version')).body.minor).toBe('32');
    expect((await call(server, 'GET', '/openapi/v2')).status).toBe(404);
  });

  it('answers a Table when kubectl asks for one', async () => {
    server.load([deployment('web', 'shop', 'front')]);
    const r = await call(
      server,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments',
      {
        headers: {
          accept:
            'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
        },
      },
    );
    expect(r.body.kind).toBe('Table');
    expect(r.body.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Age',
    ]);
    expect(r.body.rows[0].cells[0]).toBe('web');
    expect(r.body.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'web', namespace: 'shop' },
    });
    const plain = await call(
      server,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments',
    );
    expect(plain.body.kind).toBe('DeploymentList');
  });

  it('rejects a missing token with a 401 Status', async () => {
    const r = await call(server, 'GET', '/api/v1/pods', {
      headers: { authorization: '' },
    });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({
      kind: 'Status',
      code: 401,
      reason: 'Unauthorized',
    });
  });

  it('selects with =, ==, !=, in, notin, exists and !key', async () => {
    server.load([
      deployment('a', 'x', 'front'),
      deployment('b', 'x', 'back'),
      {
        ...deployment('c', 'x', 'db'),
        metadata: { name: 'c', namespace: 'x' },
      },
    ]);
    const names = async (selector: string) => {
      const r = await call(
        server,
        'GET',
        `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(
          selector,
        )}`,
      );
      return r.body.items.map((o: any) => o.metadata.name);
    };
    expect(await names('tier=front')).toEqual(['a']);
    expect(await names('tier==back')).toEqual(['b']);
    expect(await names('tier!=front')).toEqual(['b', 'c']);
    expect(await names('tier in (front, back)')).toEqual(['a', 'b']);
    expect(await names('tier notin (front)')).toEqual(['b', 'c']);
    expect(await names('tier')).toEqual(['a', 'b']);
    expect(await names('!tier')).toEqual(['c']);
    expect(await names('tier,tier!=back')).toEqual(['a']);
    const byField = await call(
      server,
      'GET',
      '/apis/apps/v1/deployments?fieldSelector=metadata.name%3Db',
    );
    expect(byField.body.items.map((o: any) => o.metadata.name)).toEqual(['b']);
    const bad = await call(
      server,
      'GET',
      '/apis/apps/v1/deployments?fieldSelector=spec.x%3D1',
    );
    expect(bad.status).toBe(400);
  });

  it('pages through one consistent snapshot while objects change', async () => {
    server = await restart({ historySize: 100 });
    server.load(['a', 'b', 'c', 'd'].map(n => deployment(n, 'x', 'front')));
    const first = await call(
      server,
      'GET',
      '/apis/apps/v1/deployments?limit=2',
    );
    const listRv = first.body.metadata.resourceVersion;
    server.remove('Deployment', 'x', 'c');
    server.load([deployment('bb', 'x', 'front'), deployment('d', 'x', 'back')]);
    const second = await call(
      server,
      'GET',
      `/apis/apps/v1/deployments?limit=2&continue=${first.body.metadata.continue}`,
    );
    expect(second.body.metadata.resourceVersion).toBe(listRv);
    expect(
      second.body.items.map((o: any) => [
        o.metadata.name,
        o.metadata.labels.tier,
      ]),
    ).toEqual([
      ['c', 'front'],
      ['d', 'front'],
    ]);
    const exact = await call(
      server,
      'GET',
      `/apis/apps/v1/deployments?resourceVersion=${listRv}&resourceVersionMatch=Exact`,
    );
    expect(exact.body.items.map((o: any) => o.metadata.name)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    const latest = await call(
      server,
      'GET',
      `/apis/apps/v1/deployments?resourceVersion=${listRv}`,
    );
    expect(latest.body.items.map((o: any) => o.metadata.name)).toEqual([
      'a',
      'b',
      'bb',
      'd',
    ]);
    const future = await call(
      server,
      'GET',
      '/apis/apps/v1/deployments?resourceVersion=99999',
    );
    expect(future.status).toBe(504);
  });

  it('turns label changes into ADDED and DELETED for a selecting watch', async () => {
    server.load([deployment('web', 'shop', 'back')]);
    const s = await open(
      `/apis/apps/v1/namespaces/shop/deployments?watch=true&labelSelector=tier%3Dfront&resourceVersion=${server.resourceVersion()}`,
    );
    server.load([deployment('web', 'shop', 'front')]);
    server.load([
      { ...deployment('web', 'shop', 'front'), spec: { replicas: 2 } },
    ]);
    server.load([deployment('web', 'shop', 'back')]);
    await until(() => s.events.length === 3);
    expect(s.events.map(e => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(s.events[1].object.metadata.generation).toBe(2);
  });

  it('starts a watch without resourceVersion with the current state', async () => {
    server.load([deployment('a', 'x', 'front'), deployment('b', 'y', 'front')]);
    const s = await open('/apis/apps/v1/namespaces/x/deployments?watch=1');
    await until(() => s.events.length === 1);
    expect(s.events[0]).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'a' } },
    });
  });

  it('answers 410 once a resourceVersion falls out of the history window', async () => {
    const from = server.resourceVersion();
    server.load(['a', 'b', 'c'].map(n => deployment(n, 'x', 'front')));
    const inWindow = await open(
      `/apis/apps/v1/deployments?watch=1&resourceVersion=${from}`,
    );
    await until(() => inWindow.events.length === 3);
    server.load([deployment('d', 'x', 'front')]);
    const tooOld = await open(
      `/apis/apps/v1/deployments?watch=1&resourceVersion=${from}`,
    );
    expect(await tooOld.ended).toBe('end');
    expect(tooOld.events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
        }),
      },
    ]);
  });

  it('ends watches at timeoutSeconds and on dropWatches', async () => {
    const timed = await open('/api/v1/pods?watch=1&timeoutSeconds=1');
    const dropped = await open('/api/v1/pods?watch=1');
    const reset = await open('/api/v1/services?watch=1');
    await until(() => server.openWatches() === 3);
    expect(await timed.ended).toBe('end');
    expect(server.dropWatches()).toBe(2);
    expect(await dropped.ended).toBe('end');
    expect(await reset.ended).toBe('end');

    const abrupt = await open('/api/v1/pods?watch=1');
    await until(() => server.openWatches() === 1);
    server.dropWatches({ abrupt: true });
    expect(await abrupt.ended).toBe('error');
  });

  it('merge-patches, creates with generateName and cascades namespace deletion', async () => {
    await call(server, 'POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    });
    const created = await call(
      server,
      'POST',
      '/apis/apps/v1/namespaces/shop/deployments',
      {
        body: {
          ...deployment('', 'shop', 'front'),
          metadata: { generateName: 'web-' },
        },
      },
    );
    expect(created.status).toBe(201);
    const name = created.body.metadata.name;
    expect(name).toMatch(/^web-.{5}$/);
    const patched = await call(
      server,
      'PATCH',
      `/apis/apps/v1/namespaces/shop/deployments/${name}`,
      {
        headers: { 'content-type': 'application/merge-patch+json' },
        body: {
          metadata: { labels: { tier: null, team: 'a' } },
          spec: { replicas: 3 },
        },
      },
    );
    expect(patched.body.metadata.labels).toEqual({ team: 'a' });
    expect(patched.body.spec.replicas).toBe(3);
    const status = await call(
      server,
      'PUT',
      `/apis/apps/v1/namespaces/shop/deployments/${name}/status`,
      {
        body: {
          ...patched.body,
          spec: { replicas: 9 },
          status: { readyReplicas: 3 },
        },
      },
    );
    expect(status.body.status).toEqual({ readyReplicas: 3 });
    expect(status.body.spec.replicas).toBe(3);
    expect(status.body.metadata.generation).toBe(
      patched.body.metadata.generation,
    );
    const mismatch = await call(
      server,
      'POST',
      '/apis/apps/v1/namespaces/shop/deployments',
      {
        body: deployment('x', 'other', 'front'),
      },
    );
    expect(mismatch.status).toBe(400);

    const s = await open(
      `/apis/apps/v1/deployments?watch=1&resourceVersion=${server.resourceVersion()}`,
    );
    const deleted = await call(server, 'DELETE', '/api/v1/namespaces/shop');
    expect(deleted.body.status).toBe('Success');
    await until(() => s.events.length === 1);
    expect(s.events[0]).toMatchObject({
      type: 'DELETED',
      object: { metadata: { name } },
    });
    expect(server.objects('Deployment')).toEqual([]);
  });

  it('loads YAML files with several documents and Lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-test-server-load-'));
    try {
      const file = join(dir, 'mesh.yaml');
      writeFileSync(
        file,
        `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
- {apiVersion: v1, kind: Service, metadata: {name: web, namespace: shop}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: v1
kind: Secret
metadata: {name: cacerts, namespace: istio-system}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: shop}
`,
      );
      expect(server.loadFiles(file)).toEqual({
        loaded: 3,
        skipped: [
          'v1 Secret istio-system/cacerts',
          'gateway.networking.k8s.io/v1 HTTPRoute shop/r',
        ],
      });
      expect(server.objects('services').map(o => o.metadata.name)).toEqual([
        'web',
      ]);
      expect(server.objects('Namespace')[0].metadata.namespace).toBeUndefined();

      const bare = await startKubeTestServer({ omitIstio: true });
      try {
        expect(bare.loadFiles(file).loaded).toBe(2);
      } finally {
        await bare.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs every request with its verb, resource and status', async () => {
    await call(server, 'GET', '/api');
    await call(server, 'GET', '/api/v1/namespaces/x/pods?limit=5');
    await call(server, 'GET', '/api/v1/namespaces/x/pods/p');
    await call(server, 'DELETE', '/api/v1/namespaces/x/configmaps');
    const s = await open('/apis/networking.istio.io/v1/sidecars?watch=true');
    await until(() => server.openWatches() === 1);
    s.close();
    expect(
      server
        .requests()
        .map(r => [r.verb, r.resource, r.namespace, r.name, r.status]),
    ).toEqual([
      ['get', undefined, undefined, undefined, 200],
      ['list', 'pods', 'x', undefined, 200],
      ['get', 'pods', 'x', 'p', 404],
      ['deletecollection', 'configmaps', 'x', undefined, 200],
      ['watch', 'sidecars.networking.istio.io', undefined, undefined, 200],
    ]);
    expect(server.requests()[1].query).toEqual({ limit: '5' });
    expect(server.counters().byVerb).toEqual({
      get: 2,
      list: 1,
      deletecollection: 1,
      watch: 1,
    });
    server.clearRequests();
    expect(server.count()).toBe(0);
  });
});
