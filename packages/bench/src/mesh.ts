import { seededRandom } from './seededRandom';

/*
 * The mesh both backend benchmarks run on (`yarn bench:backend` and
 * `yarn bench`), generated from a seed so every run, and the API server
 * child process, builds exactly the same objects.
 */

/**
 * The shape of a catalog entity the benchmark generates (a Component).
 * @public
 */
export interface Entity {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, string>;
}

/**
 * How big a mesh to generate.
 * @public
 */
export interface MeshSize {
  pods: number;
  services: number;
  istioObjects: number;
  entities: number;
}

/**
 * The sizes of issue 4: the backend benchmark's mesh at `--scale 1`.
 * @public
 */
export const ISSUE_4_SIZE: MeshSize = {
  pods: 50_000,
  services: 10_000,
  istioObjects: 5_000,
  entities: 5_000,
};

const APPS_PER_NAMESPACE = 25;

/** Pods per application in the side-by-side benchmark's mesh. */
const PODS_PER_APP = 10;

/**
 * The side-by-side benchmark's mesh of `pods` pods: one application per ten
 * pods with one Service each, and Istio objects for 1.2 per application
 * (besides each namespace's PeerAuthentication), so each of
 * DestinationRule, VirtualService and AuthorizationPolicy goes to about 40%
 * of the applications.
 * @public
 */
export function sideBySideSize(pods: number): MeshSize {
  const apps = Math.max(1, Math.round(pods / PODS_PER_APP));
  return {
    pods,
    services: apps,
    istioObjects: Math.ceil(apps / APPS_PER_NAMESPACE) + Math.round(apps * 1.2),
    entities: apps,
  };
}

/**
 * The generated objects, what the catalog holds, and their counts by kind
 * (`counts.Pod` pods, and so on).
 * @public
 */
export interface GeneratedMesh {
  objects: any[];
  entities: Entity[];
  counts: Record<string, number>;
}

const SIDECAR_STATUS = JSON.stringify({
  initContainers: ['istio-init'],
  containers: ['istio-proxy'],
  revision: 'default',
});

/**
 * One application per catalog entity: a Deployment, its ReplicaSet and
 * pods (`pods / entities` each), `services / entities` Services, and
 * Istio objects spread over them: one PeerAuthentication per namespace, the
 * rest split between DestinationRules, VirtualServices and
 * AuthorizationPolicies. 80% of namespaces are labelled for injection;
 * in a few of their applications one pod started before the label.
 * @public
 */
export function generateMesh(
  size: MeshSize,
  seed = 4,
  options: { keepObjects?: boolean } = {},
): GeneratedMesh {
  const rand = seededRandom(seed);
  const apps = size.entities;
  const podsPerApp = Math.max(1, Math.round(size.pods / apps));
  const servicesPerApp = Math.max(1, Math.round(size.services / apps));
  const namespaceCount = Math.ceil(apps / APPS_PER_NAMESPACE);
  const routedObjects = Math.max(0, size.istioObjects - namespaceCount);
  // Each of the three kinds goes to this share of the applications.
  const routedShare = Math.min(1, routedObjects / 3 / apps);

  // Without keepObjects (the backend's side), objects are only counted, so
  // its memory baseline does not hold the whole mesh.
  const keep = options.keepObjects ?? true;
  const objects: any[] = [];
  const counts: Record<string, number> = {};
  const add = (object: any) => {
    counts[object.kind] = (counts[object.kind] ?? 0) + 1;
    if (keep) objects.push(object);
  };
  add({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'istio-system' },
  });
  const entities: Entity[] = [];
  const injected: boolean[] = [];
  for (let n = 0; n < namespaceCount; n++) {
    const name = `team-${String(n).padStart(3, '0')}`;
    const inMesh = rand() < 0.8;
    injected.push(inMesh);
    add({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: inMesh ? { 'istio-injection': 'enabled' } : {},
      },
    });
    const roll = rand();
    add({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: name },
      spec: {
        mtls: { mode: roll < 0.3 ? 'STRICT' : 'PERMISSIVE' },
      },
    });
  }

  for (let a = 0; a < apps; a++) {
    const n = Math.floor(a / APPS_PER_NAMESPACE);
    const namespace = `team-${String(n).padStart(3, '0')}`;
    const name = `app-${String(a).padStart(5, '0')}`;
    const version = rand() < 0.1 ? 'v2' : 'v1';
    const labels = {
      app: name,
      version,
      'backstage.io/kubernetes-id': name,
    };
    const hash = (0x1000000 + a * 7919).toString(16).slice(-8);
    const late = injected[n] && rand() < 0.05;
    const ports = [{ name: 'http', containerPort: 8080 }];
    add({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: podsPerApp,
        selector: { matchLabels: { app: name, version } },
        template: {
          metadata: { labels },
          spec: { containers: [{ name, image: `${name}:1`, ports }] },
        },
      },
    });
    add({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-${hash}`,
        namespace,
        labels: { ...labels, 'pod-template-hash': hash },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name, controller: true },
        ],
      },
      spec: {
        replicas: podsPerApp,
        selector: {
          matchLabels: { app: name, version, 'pod-template-hash': hash },
        },
      },
    });
    for (let p = 0; p < podsPerApp; p++) {
      const sidecar = injected[n] && !(late && p === 0);
      add({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${name}-${hash}-${p.toString(36).padStart(5, '0')}`,
          namespace,
          labels: {
            ...labels,
            'pod-template-hash': hash,
            ...(sidecar
              ? {
                  'security.istio.io/tlsMode': 'istio',
                  'service.istio.io/canonical-name': name,
                }
              : {}),
          },
          annotations: sidecar
            ? { 'sidecar.istio.io/status': SIDECAR_STATUS }
            : undefined,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: `${name}-${hash}`,
              controller: true,
            },
          ],
        },
        spec: {
          containers: [
            { name, image: `${name}:1`, ports },
            ...(sidecar ? [{ name: 'istio-proxy', image: 'proxyv2' }] : []),
          ],
          initContainers: sidecar
            ? [{ name: 'istio-init', image: 'proxyv2' }]
            : [],
        },
        status: { phase: 'Running', podIP: `10.${n % 250}.${a % 250}.${p}` },
      });
    }
    for (let s = 0; s < servicesPerApp; s++) {
      add({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: s ? `${name}-${s}` : name,
          namespace,
          labels: { app: name, 'backstage.io/kubernetes-id': name },
        },
        spec: {
          selector: { app: name },
          ports: [
            s
              ? { name: 'grpc', port: 9090, targetPort: 9090 }
              : { name: 'http', port: 80, targetPort: 8080 },
          ],
        },
      });
    }
    const host = `${name}.${namespace}.svc.cluster.local`;
    if (rand() < routedShare) {
      add({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name, namespace },
        spec: {
          host,
          trafficPolicy: {
            tls: { mode: 'ISTIO_MUTUAL' },
            connectionPool: { tcp: { maxConnections: 100 } },
          },
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        },
      });
    }
    if (rand() < routedShare) {
      add({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name, namespace },
        spec: {
          hosts: [host],
          http: [
            {
              route: [
                { destination: { host, subset: 'v1' }, weight: 90 },
                { destination: { host, subset: 'v2' }, weight: 10 },
              ],
              timeout: '2s',
              retries: { attempts: 2, perTryTimeout: '500ms' },
            },
          ],
        },
      });
    }
    if (rand() < routedShare) {
      add({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name, namespace },
        spec: {
          selector: { matchLabels: { app: name } },
          action: 'ALLOW',
          rules: [
            {
              from: [{ source: { namespaces: [namespace, 'istio-system'] } }],
            },
          ],
        },
      });
    }
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: { 'backstage.io/kubernetes-id': name },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `group:default/team-${n % 40}`,
        system: `system-${n % 60}`,
      },
    });
  }

  counts['catalog entities'] = entities.length;
  return { objects, entities, counts };
}

/**
 * The pods of a generated mesh, to pick from when simulating churn.
 * @public
 */
export function podsOf(mesh: Pick<GeneratedMesh, 'objects'>): any[] {
  return mesh.objects.filter(o => o.kind === 'Pod');
}
