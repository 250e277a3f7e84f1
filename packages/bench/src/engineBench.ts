import { spawnSync } from 'node:child_process';
import { analyzeMesh, KubeObject } from '@meshportal/plugin-istio-common';
import { seededRandom } from './seededRandom';

/**
 * Generates a cluster-like snapshot of about `total` objects. At 20k: 5k
 * pods, 1k Services, 2k Istio objects, 50 namespaces, 1k Deployments, and
 * ReplicaSets for the rest (a current one plus up to ten old ones each, as
 * Kubernetes keeps by default). Some pods lack the proxy they should have and
 * some routes point at missing hosts, so analyzers have work to do.
 * @public
 */
export function generateSnapshot(total: number, seed = 1): KubeObject[] {
  const random = seededRandom(seed);
  const pick = <T>(values: T[]): T =>
    values[Math.floor(random() * values.length)];
  const scale = total / 20000;
  const namespaceCount = Math.max(2, Math.round(50 * scale));
  const deploymentCount = Math.max(namespaceCount, Math.round(1000 * scale));
  const serviceCount = Math.round(1000 * scale);
  const podCount = Math.round(5000 * scale);
  const istioCount = Math.round(2000 * scale);

  const objects: KubeObject[] = [];
  const meta = (name: string, namespace?: string, extra: object = {}) => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: `${namespace ?? ''}-${name}`,
    creationTimestamp: '2026-01-01T00:00:00Z',
    ...extra,
  });

  // The control plane.
  objects.push(
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta('istio-system') },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('istio', 'istio-system'),
      data: { mesh: 'rootNamespace: istio-system\nenableAutoMtls: true\n' },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('istio-sidecar-injector', 'istio-system'),
      data: { config: 'policy: enabled\n', values: '{}' },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: meta('istio-sidecar-injector'),
      webhooks: [
        {
          name: 'namespace.sidecar-injector.istio.io',
          namespaceSelector: {
            matchExpressions: [
              { key: 'istio-injection', operator: 'In', values: ['enabled'] },
            ],
          },
        },
      ],
    },
  );

  const namespaces = Array.from({ length: namespaceCount }, (_, i) => {
    const roll = random();
    let labels: Record<string, string> = {};
    if (roll < 0.6) labels = { 'istio-injection': 'enabled' };
    else if (roll < 0.75) labels = { 'istio.io/rev': 'canary' };
    else if (roll < 0.85) labels = { 'istio.io/dataplane-mode': 'ambient' };
    const name = `team-${i}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(name, undefined, { labels }),
    });
    return { name, sidecar: roll < 0.75 };
  });

  const deployments = Array.from({ length: deploymentCount }, (_, i) => {
    const namespace = namespaces[i % namespaceCount];
    const app = `svc-${i}`;
    const version = pick(['v1', 'v2']);
    const labels = { app, version };
    const hash = Math.floor(random() * 0xffffff).toString(16);
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(app, namespace.name, { labels: { app } }),
      spec: {
        replicas: 2,
        selector: { matchLabels: { app } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: app,
                image: `registry.local/${app}:1`,
                ports: [{ containerPort: 8080 }],
              },
            ],
          },
        },
      },
    });
    return { namespace, app, labels, replicaSet: `${app}-${hash}` };
  });

  for (let i = 0; i < serviceCount; i++) {
    const { namespace, app } = deployments[i % deploymentCount];
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(
        i < deploymentCount ? app : `${app}-extra-${i}`,
        namespace.name,
      ),
      spec: {
        selector: { app },
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
          ...(random() < 0.2
            ? [{ name: 'grpc', port: 9090, targetPort: 9090 }]
            : []),
        ],
      },
    });
  }

  for (let i = 0; i < podCount; i++) {
    const { namespace, app, labels, replicaSet } =
      deployments[i % deploymentCount];
    // Pods started before the namespace was labelled have no proxy yet.
    const injected = namespace.sidecar && random() > 0.05;
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(`${replicaSet}-${i}`, namespace.name, {
        labels: { ...labels, 'pod-template-hash': replicaSet.split('-').pop() },
        annotations: injected
          ? { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' }
          : {},
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: replicaSet,
            controller: true,
          },
        ],
      }),
      spec: {
        containers: [
          {
            name: app,
            image: `registry.local/${app}:1`,
            ports: [{ containerPort: 8080 }],
          },
          ...(injected ? [{ name: 'istio-proxy', image: 'proxyv2:1.28' }] : []),
        ],
      },
      status: { phase: 'Running' },
    });
  }

  // Istio objects, in the proportions a platform team tends to have.
  const host = (d: (typeof deployments)[number]) =>
    `${d.app}.${d.namespace.name}.svc.cluster.local`;
  objects.push({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: meta('default', 'istio-system'),
    spec: { mtls: { mode: 'STRICT' } },
  });
  for (let i = 1; i < istioCount; i++) {
    const d = deployments[Math.floor(random() * deploymentCount)];
    const ns = d.namespace.name;
    const roll = random();
    const name = `${d.app}-${i}`;
    if (roll < 0.05 && i <= namespaceCount) {
      objects.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: meta('default', namespaces[i - 1].name),
        spec: { mtls: { mode: pick(['STRICT', 'PERMISSIVE']) } },
      });
    } else if (roll < 0.15) {
      objects.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: meta(name, ns),
        spec: {
          selector: { matchLabels: { app: d.app } },
          mtls: { mode: pick(['STRICT', 'PERMISSIVE', 'UNSET']) },
          ...(random() < 0.5
            ? {
                portLevelMtls: {
                  '8080': { mode: pick(['DISABLE', 'PERMISSIVE']) },
                },
              }
            : {}),
        },
      });
    } else if (roll < 0.45) {
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: meta(name, ns),
        spec: {
          host: host(d),
          trafficPolicy: {
            tls: {
              mode: pick(['ISTIO_MUTUAL', 'ISTIO_MUTUAL', 'DISABLE', 'SIMPLE']),
            },
          },
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        },
      });
    } else if (roll < 0.75) {
      // One route in fifty points at a host or subset that does not exist.
      const broken = random() < 0.02;
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: meta(name, ns),
        spec: {
          hosts: [host(d)],
          http: [
            {
              route: [
                {
                  destination: {
                    host: broken ? `missing-${i}` : host(d),
                    subset: 'v1',
                  },
                  weight: 90,
                },
                {
                  destination: { host: host(d), subset: broken ? 'v9' : 'v2' },
                  weight: 10,
                },
              ],
              timeout: '5s',
              retries: { attempts: 3, perTryTimeout: '2s' },
            },
          ],
        },
      });
    } else if (roll < 0.78) {
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: meta(name, ns),
        spec: {
          selector: { istio: 'ingressgateway' },
          servers: [
            {
              port: { number: 443, name: 'https', protocol: 'HTTPS' },
              hosts: [`${d.app}.example.com`],
              tls: { mode: 'SIMPLE', credentialName: `${d.app}-cert` },
            },
          ],
        },
      });
    } else if (roll < 0.83) {
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: meta(name, ns),
        spec: {
          workloadSelector: { labels: { app: d.app } },
          egress: [{ hosts: ['./*', 'istio-system/*'] }],
        },
      });
    } else {
      objects.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: meta(name, ns),
        spec: {
          selector: { matchLabels: { app: d.app } },
          action: 'ALLOW',
          rules: [
            {
              from: [
                {
                  source: {
                    principals: [`cluster.local/ns/${ns}/sa/${d.app}`],
                  },
                },
              ],
              to: [{ operation: { methods: ['GET'] } }],
            },
          ],
        },
      });
    }
  }

  // ReplicaSets fill the rest: the current one per Deployment, then history.
  for (let i = 0; objects.length < total; i++) {
    const d = deployments[i % deploymentCount];
    const current = i < deploymentCount;
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta(
        current
          ? d.replicaSet
          : `${d.app}-old${Math.floor(i / deploymentCount)}`,
        d.namespace.name,
        {
          labels: d.labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: d.app,
              controller: true,
            },
          ],
        },
      ),
      spec: {
        replicas: current ? 2 : 0,
        selector: { matchLabels: { app: d.app } },
        template: { metadata: { labels: d.labels } },
      },
    });
  }
  return objects;
}

/** One size's measurement. @public */
export interface BenchResult {
  objects: number;
  /** Median of the timed runs, after one warm-up run. */
  analyzeMs: number;
  /** The first (cold) run, JIT warm-up included. */
  coldMs: number;
  /** Peak resident set size of the whole process (generation included). */
  peakRssMb: number;
  /** Heap in use right after an analysis, before collection. */
  heapAfterMb: number;
  workloads: number;
  findings: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * Measures analyzeMesh on one generated snapshot in this process: one cold
 * run, then the median of `runs` more.
 * @public
 */
export function measureSize(total: number, seed = 1, runs = 5): BenchResult {
  const objects = generateSnapshot(total, seed);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let started = performance.now();
  let report = analyzeMesh(objects);
  const coldMs = performance.now() - started;
  const heapAfter = process.memoryUsage().heapUsed;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    started = performance.now();
    report = analyzeMesh(objects);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    objects: objects.length,
    analyzeMs: Math.round(times[Math.floor(times.length / 2)]),
    coldMs: Math.round(coldMs),
    // maxRSS is in kilobytes.
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    heapAfterMb: mb(heapAfter),
    workloads: report.workloads.length,
    findings: report.findings.length,
  };
}

/**
 * The markdown report: one row per size, the time ratio to the previous
 * (half as large) size, and the linearity of time per object.
 * @public
 */
export function renderBenchTable(
  results: BenchResult[],
  budgetMs = 2000,
): string {
  const lines = [
    '| objects | analyze (ms, median) | cold (ms) | ratio to previous | µs/object | peak RSS (MB) | heap after (MB) | workloads | findings |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  results.forEach((r, i) => {
    const previous = results[i - 1];
    const ratio = previous
      ? `${(r.analyzeMs / Math.max(previous.analyzeMs, 1)).toFixed(
          2,
        )} (size ×${(r.objects / previous.objects).toFixed(1)})`
      : '-';
    const perObject = ((r.analyzeMs * 1000) / r.objects).toFixed(1);
    lines.push(
      `| ${r.objects} | ${r.analyzeMs} | ${r.coldMs} | ${ratio} | ${perObject} | ${r.peakRssMb} | ${r.heapAfterMb} | ${r.workloads} | ${r.findings} |`,
    );
  });
  const first = results[0];
  const last = results[results.length - 1];
  if (first && last && last !== first) {
    const perObject = (r: BenchResult) => Math.max(r.analyzeMs, 1) / r.objects;
    lines.push(
      '',
      `Linearity: time per object at ${last.objects} ÷ at ${first.objects} = ${(
        perObject(last) / perObject(first)
      ).toFixed(
        2,
      )} (1.00 is linear; at these sizes a few ms of noise moves it).`,
    );
  }
  const atBudget = results.find(r => r.objects >= 20000);
  if (atBudget) {
    lines.push(
      `Budget: ${atBudget.objects} objects in ${atBudget.analyzeMs} ms, ${
        atBudget.analyzeMs <= budgetMs ? 'within' : 'OVER'
      } the ${budgetMs} ms budget.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `yarn bench:engine [--sizes 5000,10000] [--seed N]`: measures each size in
 * a fresh child process (so peak RSS belongs to that size alone) and prints a
 * markdown table. `entry` is the script that re-enters in child mode.
 * @public
 */
export function runEngineBench(argv: string[], entry: string): void {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(option('--seed') ?? 1);
  const child = option('--child');
  if (child) {
    process.stdout.write(
      `${JSON.stringify(measureSize(Number(child), seed))}\n`,
    );
    return;
  }
  const sizes = (option('--sizes') ?? '5000,10000,20000,40000')
    .split(',')
    .map(Number)
    .filter(n => n > 0);
  const results: BenchResult[] = [];
  for (const size of sizes) {
    const measured = spawnSync(
      process.execPath,
      ['--expose-gc', entry, '--child', String(size), '--seed', String(seed)],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    if (measured.status !== 0) {
      // The child's own error (an engine exception, say) is the useful part.
      process.stderr.write(
        `bench: ${size} objects failed (exit ${measured.status}):\n${measured.stderr}`,
      );
      process.exitCode = 1;
      return;
    }
    const result: BenchResult = JSON.parse(
      measured.stdout.trim().split('\n').pop()!,
    );
    process.stderr.write(
      `measured ${result.objects} objects: ${result.analyzeMs} ms\n`,
    );
    results.push(result);
  }
  process.stdout.write(
    `## Engine benchmark (seed ${seed}, node ${
      process.version
    })\n\n${renderBenchTable(results)}`,
  );
}
