/*
 * Builders of plain Kubernetes and Istio objects for the posture and MESH
 * analyzer tests. Not exported from the package.
 */
import { DEFAULT_MESH_CONFIG, MeshConfig } from '../model/meshConfig';
import { KubeObject, ServicePort, TrafficPolicy } from '../model/resources';
import { MeshSnapshot, buildSnapshot } from '../model/snapshot';

export function namespace(
  name: string,
  labels: Record<string, string> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface PodOptions {
  annotations?: Record<string, string>;
  hostNetwork?: boolean;
  ports?: Array<{ name?: string; containerPort: number }>;
}

function podSpec(opts: PodOptions, sidecar?: 'container' | 'native') {
  const containers: any[] = [
    { name: 'app', image: 'app:1', ports: opts.ports },
  ];
  const spec: any = { containers };
  if (sidecar === 'container')
    containers.push({ name: 'istio-proxy', image: 'proxyv2' });
  if (sidecar === 'native') {
    spec.initContainers = [
      { name: 'istio-proxy', image: 'proxyv2', restartPolicy: 'Always' },
    ];
  }
  if (opts.hostNetwork) spec.hostNetwork = true;
  return spec;
}

export function deployment(
  name: string,
  ns: string,
  labels: Record<string, string>,
  opts: PodOptions = {},
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' = 'Deployment',
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: opts.annotations },
        spec: podSpec(opts),
      },
    },
  };
}

export function replicaSet(
  name: string,
  ns: string,
  deploymentName: string,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: ns,
      ownerReferences: [
        { kind: 'Deployment', name: deploymentName, controller: true },
      ],
    },
  };
}

export function pod(
  name: string,
  ns: string,
  labels: Record<string, string>,
  opts: PodOptions & {
    owner?: { kind: string; name: string };
    sidecar?: 'container' | 'native';
    phase?: string;
  } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels,
      annotations: opts.annotations,
      ownerReferences: opts.owner
        ? [{ ...opts.owner, controller: true }]
        : undefined,
    },
    spec: podSpec(opts, opts.sidecar),
    status: opts.phase ? { phase: opts.phase } : undefined,
  };
}

export function service(
  name: string,
  ns: string,
  selector: Record<string, string>,
  ports: ServicePort[] = [{ name: 'http', port: 80, targetPort: 8080 }],
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector, ports },
  };
}

export function peerAuthentication(
  name: string,
  ns: string,
  spec: {
    selector?: Record<string, string>;
    mode?: string;
    ports?: Record<string, string>;
    created?: string;
  },
): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace: ns, creationTimestamp: spec.created },
    spec: {
      ...(spec.selector ? { selector: { matchLabels: spec.selector } } : {}),
      ...(spec.mode ? { mtls: { mode: spec.mode } } : {}),
      ...(spec.ports
        ? {
            portLevelMtls: Object.fromEntries(
              Object.entries(spec.ports).map(([p, mode]) => [p, { mode }]),
            ),
          }
        : {}),
    },
  };
}

export function destinationRule(
  name: string,
  ns: string,
  host: string,
  trafficPolicy?: TrafficPolicy,
  extra: { created?: string; exportTo?: string[]; subsets?: any[] } = {},
): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, namespace: ns, creationTimestamp: extra.created },
    spec: {
      host,
      ...(trafficPolicy ? { trafficPolicy } : {}),
      ...(extra.exportTo ? { exportTo: extra.exportTo } : {}),
      ...(extra.subsets ? { subsets: extra.subsets } : {}),
    },
  };
}

export function tagWebhook(tag: string, revision: string): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: `istio-revision-tag-${tag}`,
      labels: { 'istio.io/tag': tag, 'istio.io/rev': revision },
    },
    webhooks: [],
  };
}

export function injectorConfigMap(config: string, values = '{}'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
    data: { config, values },
  };
}

export function snapshotOf(
  objects: KubeObject[],
  meshConfig: Partial<MeshConfig> = {},
): MeshSnapshot {
  return buildSnapshot(objects, {
    meshConfig: { ...DEFAULT_MESH_CONFIG, ...meshConfig },
  }).snapshot;
}

/**
 * A meshed reviews Service in shop (an injected namespace) with ports 9080
 * and 9090, each reaching the same container port.
 */
export function meshedReviews(): KubeObject[] {
  return [
    namespace('shop', { 'istio-injection': 'enabled' }),
    deployment('reviews', 'shop', { app: 'reviews' }),
    service('reviews', 'shop', { app: 'reviews' }, [
      { name: 'http', port: 9080, targetPort: 9080 },
      { name: 'grpc', port: 9090, targetPort: 9090 },
    ]),
  ];
}
