import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  KubeTestServer,
  startKubeTestServer,
} from '@meshportal/kube-test-server';
import { KubeClusterSource } from '../clusters/KubeClusterSource';
import { SnapshotFileSource } from '../clusters/SnapshotFileSource';
import { ClusterSyncStatus } from '@meshportal/plugin-istio-common';
import { ClusterSource, SourcedObject } from '../clusters/types';
import { PrometheusClient } from '../telemetry/PrometheusClient';
import { TelemetryService } from '../telemetry/TelemetryService';
import { MeshPostureService } from './MeshPostureService';

const logger = mockServices.logger.mock();
const execFileAsync = promisify(execFile);
const FIXTURE = join(__dirname, '../__fixtures__/demo');

function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
  };
}

const prometheusServers: http.Server[] = [];
afterAll(() =>
  Promise.all(
    prometheusServers.map(
      server =>
        new Promise(resolve => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  ),
);

/** A local Prometheus answering every request-count query with these callers. */
async function prometheusWith(
  callers: Array<Record<string, string> & { value: string }>,
) {
  const queries: string[] = [];
  const server = http.createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('query')!;
    queries.push(query);
    const result = query.includes('istio_requests_total')
      ? callers.map(({ value, ...metric }) => ({ metric, value: [0, value] }))
      : [];
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result },
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  prometheusServers.push(server);
  const { port } = server.address() as AddressInfo;
  return {
    queries,
    client: new PrometheusClient(`http://127.0.0.1:${port}`, 1000),
  };
}

/** Prometheus' row for ledger calling checkout without mTLS. */
const LEDGER_PLAINTEXT = {
  destination_workload_namespace: 'shop',
  destination_workload: 'checkout',
  source_workload_namespace: 'legacy',
  source_workload: 'ledger',
  connection_security_policy: 'none',
  value: '42',
};

async function serviceFor(prometheus?: PrometheusClient, now?: () => number) {
  const clusters = [
    {
      name: 'demo',
      skipTLSVerify: false,
      grafanaDashboards: {},
      meshRootNamespace: 'istio-system',
      kialiUrl: 'https://kiali.example.com',
      snapshotPaths: [FIXTURE],
    },
  ];
  const source = new SnapshotFileSource('demo', [FIXTURE], logger);
  const telemetry = new TelemetryService(
    new Map(prometheus ? [['demo', prometheus]] : []),
    '1h',
    logger,
  );
  const service = new MeshPostureService({
    clusters,
    sources: [source],
    telemetry,
    logger,
    now,
  });
  await service.start();
  return service;
}

describe('MeshPostureService', () => {
  let service: MeshPostureService;
  afterEach(async () => {
    await service?.stop();
  });

  it('builds the posture of an entity from a file source', async () => {
    service = await serviceFor();
    const posture = await service.entityPosture(component('checkout'));
    expect(posture.selector.labelSelector).toBe(
      'backstage.io/kubernetes-id=checkout',
    );
    expect(posture.clusters).toHaveLength(1);
    const [cluster] = posture.clusters;

    expect(
      cluster.workloads.map(w => [
        w.kind,
        w.namespace,
        w.name,
        w.dataplane,
        w.mtls.mode,
      ]),
    ).toEqual([['Deployment', 'shop', 'checkout', 'sidecar', 'PERMISSIVE']]);
    expect(cluster.workloads[0].links.kiali).toBe(
      'https://kiali.example.com/console/namespaces/shop/workloads/checkout?tab=info',
    );

    const [svc] = cluster.services;
    expect(svc.name).toBe('checkout');
    const [vs] = svc.virtualServices;
    expect(vs.name).toBe('checkout');
    const defaultRoute = vs.rules.find(r => r.name === 'default')!;
    expect(defaultRoute.destinations.map(d => [d.subset, d.weight])).toEqual([
      ['v1', 90],
      ['v2', 10],
    ]);
    expect(defaultRoute).toMatchObject({
      timeout: '2s',
      retries: { attempts: 3 },
      mirrors: [
        { host: 'checkout-shadow.shop.svc.cluster.local', percentage: 5 },
      ],
    });
    expect(vs.rules.find(r => r.name === 'canary')!.match).toEqual([
      { headers: { 'x-canary': { exact: 'true' } } },
    ]);
    expect(svc.destinationRules).toEqual([
      expect.objectContaining({
        name: 'checkout',
        tls: { mode: 'ISTIO_MUTUAL' },
        connectionPool: { tcp: { maxConnections: 100 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: '30s' },
        subsets: [
          expect.objectContaining({ name: 'v1' }),
          expect.objectContaining({ name: 'v2' }),
        ],
      }),
    ]);
    expect(svc.clientTls.map(t => t.mode)).toEqual(['ISTIO_MUTUAL']);

    // Only the policy selecting checkout, not the one for payments.
    expect(cluster.authorizationPolicies.map(p => [p.name, p.scope])).toEqual([
      ['checkout-allow-frontend', 'workload'],
    ]);
    // Findings about its objects, none about other workloads' objects.
    const refs = cluster.findings.map(f => `${f.ref.kind} ${f.ref.name}`);
    expect(refs).toEqual(
      expect.arrayContaining([
        'DestinationRule checkout',
        'VirtualService checkout',
      ]),
    );
    expect(refs).not.toContain('AuthorizationPolicy payments-only');
    expect(refs.some(r => r.includes('ledger'))).toBe(false);

    // The manifests of the Istio objects that apply, ready to copy; never
    // another workload's policy, never a Kubernetes object.
    const objects = (cluster.objects ?? []).map(
      o => `${o.kind} ${o.metadata.name}`,
    );
    expect(objects).toEqual(
      expect.arrayContaining([
        'AuthorizationPolicy checkout-allow-frontend',
        'DestinationRule checkout',
        'VirtualService checkout',
      ]),
    );
    expect(objects).not.toContain('AuthorizationPolicy payments-only');
    expect(
      objects.some(o => o.startsWith('Deployment') || o.startsWith('Pod')),
    ).toBe(false);
    const dr = cluster.objects!.find(o => o.kind === 'DestinationRule')!;
    expect(dr.apiVersion).toMatch(/^networking\.istio\.io\//);
    expect(dr.spec).toMatchObject({
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });

    expect(cluster.telemetry.available).toBe(false);
    // Nothing known blocks it; without telemetry nothing proves it either.
    expect(posture.readiness).toMatchObject({
      stage: 'unverified',
      unverifiedReasons: [expect.objectContaining({ code: 'no-telemetry' })],
      blockers: [],
      telemetryUnknown: true,
    });
    expect(posture.stale).toBe(false);
    expect(posture.pendingClusters).toEqual([]);
  });

  it('blocks STRICT when plaintext or out-of-mesh callers are observed', async () => {
    const { client, queries } = await prometheusWith([
      LEDGER_PLAINTEXT,
      {
        destination_workload_namespace: 'shop',
        destination_workload: 'checkout',
        source_workload_namespace: 'unknown',
        source_workload: 'unknown',
        connection_security_policy: 'none',
        value: '7',
      },
      {
        destination_workload_namespace: 'shop',
        destination_workload: 'checkout',
        source_workload_namespace: 'shop',
        source_workload: 'frontend',
        connection_security_policy: 'mutual_tls',
        value: '1000',
      },
    ]);
    service = await serviceFor(client);
    const posture = await service.entityPosture(component('checkout'));
    expect(posture.readiness.stage).toBe('permissive');
    expect(posture.readiness.blockers).toEqual([
      {
        type: 'plaintext-callers',
        namespace: 'shop',
        workload: 'checkout',
        callers: ['legacy/ledger'],
      },
      {
        type: 'callers-outside-mesh',
        namespace: 'shop',
        workload: 'checkout',
        requests: 7,
      },
    ]);
    const query = queries[0];
    expect(query).toContain('reporter="destination"');
    expect(query).toContain('destination_workload_namespace="shop"');
    expect(query).toContain('destination_workload="checkout"');
    expect(query).toContain('[1h]');
  });

  it('answers the same posture as JSON, with age and telemetry fresh on every view', async () => {
    const { client } = await prometheusWith([LEDGER_PLAINTEXT]);
    let now = Date.now();
    service = await serviceFor(client, () => now);
    const checkout = component('checkout');

    const first = JSON.parse(await service.entityPostureJson(checkout));
    expect(first).toEqual(await service.entityPosture(checkout));
    expect(first.clusters[0].ageSeconds).toBe(0);
    expect(first.clusters[0].telemetry.callers).toHaveLength(1);
    expect(first.readiness.blockers[0].type).toBe('plaintext-callers');

    // Ninety seconds on, from the same report: only the age moved.
    now += 90_000;
    const later = JSON.parse(await service.entityPostureJson(checkout));
    expect(later.ageSeconds).toBe(90);
    expect(later.clusters[0].ageSeconds).toBe(90);
    expect({ ...later, ageSeconds: 0, clusters: [] }).toEqual({
      ...first,
      ageSeconds: 0,
      clusters: [],
    });
    expect({ ...later.clusters[0], ageSeconds: 0 }).toEqual(first.clusters[0]);

    // An entity with nothing in the cluster has no cluster part.
    const nothing = component('nothing-here');
    const empty = JSON.parse(await service.entityPostureJson(nothing));
    expect(empty.clusters).toEqual([]);
    expect(empty).toEqual(await service.entityPosture(nothing));
  });

  it('reports a workload without a proxy as not enrolled', async () => {
    service = await serviceFor();
    const posture = await service.entityPosture(component('ledger'));
    expect(posture.clusters[0].workloads.map(w => w.name)).toEqual(['ledger']);
    expect(posture.readiness.stage).toBe('not-enrolled');
    expect(posture.readiness.blockers).toEqual([
      {
        type: 'pods-without-proxy',
        namespace: 'legacy',
        workload: 'ledger',
        pods: 1,
      },
    ]);
  });

  it('follows the Kubernetes plugin annotations', async () => {
    service = await serviceFor();
    const byId = await service.entityPosture(
      component('shop-checkout', { 'backstage.io/kubernetes-id': 'checkout' }),
    );
    expect(byId.clusters[0].workloads.map(w => w.name)).toEqual(['checkout']);

    const bySelector = await service.entityPosture(
      component('anything', {
        'backstage.io/kubernetes-label-selector': 'app in (checkout,ledger)',
      }),
    );
    expect(bySelector.clusters[0].workloads.map(w => w.name).sort()).toEqual([
      'checkout',
      'ledger',
    ]);

    const otherNamespace = await service.entityPosture(
      component('checkout', { 'backstage.io/kubernetes-namespace': 'legacy' }),
    );
    expect(otherNamespace.clusters).toEqual([]);
    expect(otherNamespace.readiness.stage).toBe('not-enrolled');

    const otherCluster = await service.entityPosture(
      component('checkout', { 'backstage.io/kubernetes-cluster': 'elsewhere' }),
    );
    expect(otherCluster.clusters).toEqual([]);
  });

  it('rejects an unparsable selector annotation with an InputError', async () => {
    service = await serviceFor();
    await expect(
      service.entityPosture(
        component('broken', {
          'backstage.io/kubernetes-label-selector': 'app in (a',
        }),
      ),
    ).rejects.toThrow(InputError);
  });

  it('reports cluster sync state without credentials', async () => {
    service = await serviceFor();
    const [status] = service.clusterStatuses();
    expect(status).toMatchObject({
      cluster: 'demo',
      source: 'files',
      ready: true,
      degraded: false,
      telemetryConfigured: false,
    });
    expect(status.workloadCount).toBe(2);
    // The Secret in the dump is dropped before anything else sees it.
    expect(status.kinds.map(k => k.kind)).not.toContain('Secret');
  });
});

describe('MeshPostureService recomputation', () => {
  /** A source whose objects the test sets; listeners hear every change. */
  class MemorySource implements ClusterSource {
    readonly cluster = 'mem';
    private items: SourcedObject[] = [];
    private listeners = new Set<() => void>();
    async start() {}
    async stop() {}
    objects() {
      return this.items;
    }
    status(): ClusterSyncStatus {
      return {
        cluster: 'mem',
        source: 'files',
        ready: true,
        degraded: false,
        missingKinds: [],
        kinds: [],
      };
    }
    subscribe(listener: () => void) {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    }
    set(objects: any[]) {
      this.items = objects.map(object => ({ object }));
      this.listeners.forEach(l => l());
    }
  }

  const ns = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('recomputes once after changes settle, and at least every maxWait under churn', async () => {
    jest.useFakeTimers();
    const source = new MemorySource();
    const service = new MeshPostureService({
      clusters: [],
      sources: [source],
      telemetry: new TelemetryService(new Map(), '1h', logger),
      logger,
      debounceMs: 1000,
      maxWaitMs: 5000,
    });
    await service.start();
    const computedAt = () => service.clusterReport('mem')!.computedAt.getTime();
    const first = computedAt();

    // Three quick changes: one recomputation, after the quiet second.
    source.set([ns('a')]);
    jest.advanceTimersByTime(500);
    source.set([ns('a'), ns('b')]);
    jest.advanceTimersByTime(500);
    source.set([ns('a'), ns('b'), ns('c')]);
    jest.advanceTimersByTime(900);
    expect(service.clusterReport('mem')!.objectCount).toBe(0);
    jest.advanceTimersByTime(200);
    expect(service.clusterReport('mem')!.objectCount).toBe(3);
    expect(computedAt()).toBeGreaterThan(first);

    // A change every 500 ms never lets the debounce expire; maxWait does.
    let count = 3;
    for (let i = 0; i < 10; i++) {
      source.set(Array.from({ length: ++count }, (_, k) => ns(`n${k}`)));
      jest.advanceTimersByTime(500);
    }
    expect(service.clusterReport('mem')!.objectCount).toBeGreaterThan(3);
    await service.stop();
  });
});

describe('MeshPostureService report listeners', () => {
  it('tells listeners of each served report, whatever one of them throws', async () => {
    const source = new SnapshotFileSource('demo', [FIXTURE], logger);
    const errors = mockServices.logger.mock();
    const service = new MeshPostureService({
      clusters: [],
      sources: [source],
      telemetry: new TelemetryService(new Map(), '1h', errors),
      logger: errors,
    });
    const heard: unknown[] = [];
    service.onReport(() => {
      throw new Error('listener bug');
    });
    const stop = service.onReport(report => heard.push(report));
    await service.start();
    expect(heard).toEqual([service.clusterReport('demo')]);

    const before = service.clusterReport('demo');
    service.recompute(source);
    const after = service.clusterReport('demo');
    expect(after).not.toBe(before);
    expect(heard).toEqual([before, after]);
    expect(errors.error).toHaveBeenCalledWith(
      expect.stringContaining('listener bug'),
    );

    stop();
    service.recompute(source);
    expect(heard).toHaveLength(2);
    await service.stop();
  });
});

describe('MeshPostureService over a Kubernetes API', () => {
  let server: KubeTestServer;
  const clusterOf = (kube: KubeTestServer) => ({
    name: 'kube',
    url: kube.url,
    authProvider: 'serviceAccount' as const,
    serviceAccountToken: kube.token,
    caData: Buffer.from(kube.caData).toString('base64'),
    skipTLSVerify: false,
    grafanaDashboards: {},
    meshRootNamespace: 'istio-system',
  });
  afterEach(async () => {
    await server?.close();
  });

  it('recomputes the posture when the cluster changes', async () => {
    server = await startKubeTestServer();
    server.loadFiles(join(FIXTURE, 'mesh.yaml'));
    const cluster = clusterOf(server);
    const service = new MeshPostureService({
      clusters: [cluster],
      sources: [new KubeClusterSource(cluster, logger)],
      telemetry: new TelemetryService(new Map(), '1h', logger),
      logger,
      debounceMs: 50,
    });
    await service.start();
    try {
      const mode = async () =>
        (await service.entityPosture(component('checkout'))).clusters[0]
          ?.workloads[0]?.mtls.mode;
      await waitFor(async () => (await mode()) === 'PERMISSIVE');
      server.load([
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'default', namespace: 'shop' },
          spec: { mtls: { mode: 'STRICT' } },
        },
      ]);
      await waitFor(async () => (await mode()) === 'STRICT');
      const posture = await service.entityPosture(component('checkout'));
      expect(posture.readiness.stage).toBe('strict');
      expect(posture.stale).toBe(false);
      expect(server.secretRequests()).toEqual([]);
    } finally {
      await service.stop();
    }
  });

  it('rebuilds nothing for status-only churn, and rebuilds for a label change', async () => {
    server = await startKubeTestServer();
    server.loadFiles(join(FIXTURE, 'mesh.yaml'));
    const dir = await mkdtemp(join(tmpdir(), 'churn-'));
    const kubeconfig = join(dir, 'kubeconfig');
    server.writeKubeconfig(kubeconfig);
    const kubectl = (...args: string[]) =>
      execFileAsync('kubectl', ['--kubeconfig', kubeconfig, ...args]);
    const cluster = clusterOf(server);
    const source = new KubeClusterSource(cluster, logger);
    const service = new MeshPostureService({
      clusters: [cluster],
      sources: [source],
      telemetry: new TelemetryService(new Map(), '1h', logger),
      logger,
      debounceMs: 50,
    });
    const built = jest.fn();
    service.onReport(built);
    await service.start();
    try {
      // Every kind listed and watched, and the rebuilds of the first sync done.
      await waitFor(
        async () => server.openWatches() === source.status().kinds.length,
      );
      await new Promise(r => setTimeout(r, 300));
      const before = service.clusterReport('kube');
      built.mockClear();
      const origin = async () => {
        const [c] = (await service.entityPosture(component('checkout')))
          .clusters;
        return { reportGeneration: c.reportGeneration, at: c.generatedAt };
      };
      const first = await origin();
      expect(first.reportGeneration).toBe(before!.generation);
      const cachedVersion = () =>
        source
          .objects()
          .find(o => o.object.metadata?.name === 'checkout-7d9f-abcde')?.object
          .metadata?.resourceVersion;

      // podIP and conditions are dropped by the projection.
      await kubectl(
        'patch',
        'pod',
        'checkout-7d9f-abcde',
        '-n',
        'shop',
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"podIP":"10.1.2.3","conditions":[{"type":"Ready","status":"True"}]}}',
      );
      await waitFor(async () => cachedVersion() === server.resourceVersion());
      // Well past the 50 ms debounce.
      await new Promise(r => setTimeout(r, 400));
      expect(built).not.toHaveBeenCalled();
      expect(service.clusterReport('kube')).toBe(before);
      expect(await origin()).toEqual(first);

      await kubectl(
        'label',
        'pod',
        'checkout-7d9f-abcde',
        '-n',
        'shop',
        'churn=label',
      );
      await waitFor(async () => service.clusterReport('kube') !== before);
      expect(built).toHaveBeenCalledTimes(1);
      const second = await origin();
      expect(second.reportGeneration).toBe(first.reportGeneration! + 1);
      expect(second.at >= first.at).toBe(true);
      const [status] = service.clusterStatuses();
      expect(status.reportGeneration).toBe(second.reportGeneration);
      const pod = service
        .clusterReport('kube')!
        .snapshot.get('Pod', 'shop', 'checkout-7d9f-abcde');
      expect(pod?.labels.churn).toBe('label');
    } finally {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 25));
  }
}
