/** The shape of a catalog entity the benchmark generates (a Component). */
export interface Entity {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

/** Pods per application (Deployment, Service, catalog Component). */
export const PODS_PER_APP = 10;
const APPS_PER_NAMESPACE = 25;

/** A deterministic generator (mulberry32): the same seed gives the same mesh. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One application of the generated mesh. */
export interface GeneratedApp {
  name: string;
  namespace: string;
  sidecar: boolean;
}

/** A generated mesh: what the API server holds and what the catalog holds. */
export interface GeneratedMesh {
  pods: number;
  apps: GeneratedApp[];
  objects: any[];
  entities: Entity[];
}

function meta(name: string, namespace?: string, labels?: object) {
  return { name, ...(namespace ? { namespace } : {}), labels };
}

/**
 * Generates a mesh of `pods` pods: one application per ten pods (a
 * Deployment, its ReplicaSet, its pods, a Service, and for some a
 * VirtualService, a DestinationRule and an AuthorizationPolicy), 25
 * applications per namespace with a PeerAuthentication each, and one
 * catalog Component per application annotated with its kubernetes-id.
 */
export function generateMesh(pods: number, seed = 7): GeneratedMesh {
  const rand = random(seed);
  const appCount = Math.max(1, Math.round(pods / PODS_PER_APP));
  const namespaceCount = Math.max(1, Math.ceil(appCount / APPS_PER_NAMESPACE));
  const objects: any[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta('istio-system') },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: meta('default', 'istio-system'),
      spec: { mtls: { mode: 'PERMISSIVE' } },
    },
  ];
  for (let n = 0; n < namespaceCount; n++) {
    const ns = `team-${n}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(ns, undefined, { 'istio-injection': 'enabled' }),
    });
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: meta('default', ns),
      spec: { mtls: { mode: rand() < 0.4 ? 'STRICT' : 'PERMISSIVE' } },
    });
  }
  const apps: GeneratedApp[] = [];
  const entities: Entity[] = [];
  let podIndex = 0;
  for (let a = 0; a < appCount; a++) {
    const name = `app-${a}`;
    const namespace = `team-${Math.floor(a / APPS_PER_NAMESPACE)}`;
    const sidecar = rand() < 0.9;
    apps.push({ name, namespace, sidecar });
    const labels = { app: name, 'backstage.io/kubernetes-id': name };
    const hash = `h${a.toString(36)}`;
    const annotations = sidecar
      ? { 'sidecar.istio.io/status': '{"revision":"default"}' }
      : { 'sidecar.istio.io/inject': 'false' };
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, namespace, labels),
      spec: {
        replicas: PODS_PER_APP,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels, annotations }, spec: {} },
      },
    });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        ...meta(`${name}-${hash}`, namespace, labels),
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name, controller: true },
        ],
      },
      spec: { selector: { matchLabels: { app: name } } },
    });
    const perApp = Math.min(PODS_PER_APP, pods - podIndex);
    for (let p = 0; p < perApp; p++, podIndex++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...meta(`${name}-${hash}-${p}`, namespace, {
            ...labels,
            'pod-template-hash': hash,
          }),
          annotations,
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
          serviceAccountName: name,
          containers: [
            { name: 'app', ports: [{ containerPort: 8080, name: 'http' }] },
            ...(sidecar ? [{ name: 'istio-proxy' }] : []),
          ],
          initContainers: sidecar ? [{ name: 'istio-init' }] : [],
        },
        status: { phase: 'Running' },
      });
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, namespace, labels),
      spec: {
        selector: { app: name },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      },
    });
    const host = `${name}.${namespace}.svc.cluster.local`;
    if (rand() < 0.5) {
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: meta(name, namespace),
        spec: {
          host,
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
          subsets: [
            { name: 'v1', labels: { app: name } },
            { name: 'v2', labels: { app: name } },
          ],
        },
      });
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: meta(name, namespace),
        spec: {
          hosts: [host],
          http: [
            {
              route: [
                { destination: { host, subset: 'v1' }, weight: 90 },
                { destination: { host, subset: 'v2' }, weight: 10 },
              ],
              timeout: '2s',
            },
          ],
        },
      });
    }
    if (rand() < 0.2) {
      objects.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: meta(name, namespace),
        spec: {
          selector: { matchLabels: { app: name } },
          action: 'ALLOW',
          rules: [{ from: [{ source: { namespaces: [namespace] } }] }],
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
        owner: `group:default/${namespace}`,
        system: namespace,
      },
    });
  }
  return { pods: podIndex, apps, objects, entities };
}

/** The pods of a generated mesh, to pick from when simulating churn. */
export function podsOf(mesh: Pick<GeneratedMesh, 'objects'>): any[] {
  return mesh.objects.filter(o => o.kind === 'Pod');
}
