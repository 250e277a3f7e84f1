/*
 * The server against the real kubectl, through a kubeconfig written by
 * writeKubeconfig: discovery, server-side printing (Table), watch, create.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireRealPart } from '@meshportal/test-parts';
import { parse } from 'yaml';
import {
  KubeTestServer,
  KubeTestServerOptions,
  startKubeTestServer,
} from './index';

const KUBECTL = '/usr/bin/kubectl';
const describeKubectl = requireRealPart(
  `kubectl (${KUBECTL})`,
  existsSync(KUBECTL),
  "install Debian's kubernetes-client (scripts/env.sh does)",
);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describeKubectl('kube-test-server with kubectl', () => {
  let dir: string;
  const servers: KubeTestServer[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-test-server-kubectl-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  /** Starts a server and returns kubectl arguments that point at it. */
  async function cluster(opts: KubeTestServerOptions = {}) {
    const server = await startKubeTestServer(opts);
    servers.push(server);
    const config = join(dir, `kubeconfig-${server.port}`);
    server.writeKubeconfig(config);
    // A cache per server: kubectl keys its discovery cache by host:port,
    // and a reused port may serve other groups.
    const args = [
      '--kubeconfig',
      config,
      '--cache-dir',
      join(dir, `cache-${server.port}-${servers.length}`),
    ];
    return { server, args, config };
  }

  function kubectl(args: string[]): Promise<Result> {
    return new Promise(resolve => {
      execFile(KUBECTL, args, { timeout: 20000 }, (err, stdout, stderr) => {
        let code = 0;
        if (err) code = typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      });
    });
  }

  function pod(name: string, namespace: string, app: string) {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { app } },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
    };
  }

  it('lists pods in all namespaces as a table', async () => {
    const { server, args } = await cluster();
    server.load([pod('web', 'shop', 'web'), pod('db', 'data', 'db')]);
    const r = await kubectl([...args, 'get', 'pods', '-A']);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['NAMESPACE', 'NAME', 'AGE']);
    expect(lines.slice(1).map(l => l.split(/\s+/).slice(0, 2))).toEqual([
      ['data', 'db'],
      ['shop', 'web'],
    ]);
    // kubectl asked for server-side printing and used aggregated discovery.
    expect(
      server.count({ verb: 'list', resource: 'pods', path: '/api/v1/pods' }),
    ).toBe(1);
  });

  it('prints Istio objects as YAML', async () => {
    const { server, args } = await cluster();
    server.loadYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: x}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
`);
    const r = await kubectl([
      ...args,
      'get',
      'virtualservices.networking.istio.io',
      '-n',
      'x',
      '-o',
      'yaml',
    ]);
    expect(r.code).toBe(0);
    const list = parse(r.stdout);
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'x' },
      spec: { hosts: ['reviews'] },
    });
  });

  it('falls back to legacy discovery on a server without aggregation', async () => {
    const { server, args } = await cluster({ aggregatedDiscovery: false });
    server.load([pod('web', 'shop', 'web')]);
    const r = await kubectl([
      ...args,
      'get',
      'pods,sidecars',
      '-n',
      'shop',
      '-o',
      'name',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('pod/web');
    // Legacy discovery reads each group version's resource list.
    expect(server.count({ path: '/apis/networking.istio.io/v1' })).toBe(1);
  });

  it('filters by label selector', async () => {
    const { server, args } = await cluster();
    server.load([
      pod('web-1', 'x', 'web'),
      pod('web-2', 'x', 'web'),
      pod('db-1', 'x', 'db'),
    ]);
    const r = await kubectl([
      ...args,
      'get',
      'pods',
      '-n',
      'x',
      '-l',
      'app=web',
      '-o',
      'name',
    ]);
    expect(r.stdout.trim().split('\n')).toEqual(['pod/web-1', 'pod/web-2']);
  });

  it('creates objects from a file', async () => {
    const { server, args } = await cluster();
    const file = join(dir, 'create.yaml');
    writeFileSync(
      file,
      `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews, namespace: x}
spec: {host: reviews}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: x}
data: {a: b}
`,
    );
    const dry = await kubectl([
      ...args,
      'create',
      '-f',
      file,
      '--dry-run=server',
    ]);
    expect(dry.stdout).toContain('configmap/settings created (server dry run)');
    expect(server.objects('ConfigMap', 'x')).toEqual([]);
    const created = await kubectl([...args, 'create', '-f', file]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain(
      'destinationrule.networking.istio.io/reviews created',
    );
    expect(server.objects('DestinationRule', 'x')).toHaveLength(1);
    const listed = await kubectl([
      ...args,
      'get',
      'destinationrules,configmaps',
      '-n',
      'x',
      '-o',
      'name',
    ]);
    expect(listed.stdout.trim().split('\n')).toEqual([
      'destinationrule.networking.istio.io/reviews',
      'configmap/settings',
    ]);
    const again = await kubectl([...args, 'create', '-f', file]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('AlreadyExists');
  });

  it('streams changes to kubectl get -w', async () => {
    const { server, args } = await cluster();
    server.load([pod('first', 'x', 'web')]);
    const child = spawn(KUBECTL, [...args, 'get', 'pods', '-n', 'x', '-w']);
    let out = '';
    child.stdout.on('data', d => {
      out += d;
    });
    try {
      const waitFor = (text: string) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no "${text}" in: ${out}`)),
            10000,
          );
          const check = () => {
            if (out.includes(text)) {
              clearTimeout(timer);
              child.stdout.off('data', check);
              resolve();
            }
          };
          child.stdout.on('data', check);
          check();
        });
      await waitFor('first');
      await new Promise<void>(resolve => {
        const tick = () =>
          server.openWatches() > 0 ? resolve() : setTimeout(tick, 20);
        tick();
      });
      server.load([pod('second', 'x', 'web')]);
      await waitFor('second');
      expect(out.trim().split('\n')[0].split(/\s+/)).toEqual(['NAME', 'AGE']);
    } finally {
      child.kill();
    }
  });

  it('is refused without the token', async () => {
    const { server, config } = await cluster();
    const anonymous = join(dir, `anonymous-${server.port}`);
    writeFileSync(
      anonymous,
      server.kubeconfig().replace(`token: ${server.token}`, 'token: wrong'),
    );
    expect(anonymous).not.toBe(config);
    const r = await kubectl([
      '--kubeconfig',
      anonymous,
      '--cache-dir',
      join(dir, `cache-anonymous-${server.port}`),
      'get',
      'pods',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('You must be logged in to the server');
    expect(server.count({ status: 401 })).toBeGreaterThan(0);
    expect(server.count({ status: 200 })).toBe(0);
  });

  it('is forbidden a forbidden kind', async () => {
    const { args } = await cluster({ forbid: ['pods'] });
    const r = await kubectl([...args, 'get', 'pods', '-n', 'x']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'pods is forbidden: User "kube-test-server" cannot list resource "pods"',
    );
    const ok = await kubectl([...args, 'get', 'services', '-n', 'x']);
    expect(ok.code).toBe(0);
  });

  it('knows no Istio kinds when the CRDs are omitted', async () => {
    const { server, args } = await cluster({ omitIstio: true });
    const r = await kubectl([
      ...args,
      'get',
      'virtualservices.networking.istio.io',
      '-A',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `the server doesn't have a resource type "virtualservices"`,
    );
    // The path itself is 404 too, as on a cluster without the CRD.
    const raw = await kubectl([
      ...args,
      'get',
      '--raw',
      '/apis/networking.istio.io/v1/virtualservices',
    ]);
    expect(raw.stderr).toContain('NotFound');
    expect(
      server.count({ path: '/apis/networking.istio.io/v1/virtualservices' }),
    ).toBe(1);
  });
});
