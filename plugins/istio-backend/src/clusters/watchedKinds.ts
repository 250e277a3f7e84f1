import { KubeObject } from '@meshportal/plugin-istio-common';

/**
 * One kind the backend lists and watches. Secrets are never among them: the
 * engine does not need them and the RBAC in docs/rbac.md does not grant them.
 * @public
 */
export interface WatchedKind {
  kind: string;
  group: string;
  /** Versions to try in order; the next one is used when the API answers 404. */
  versions: string[];
  plural: string;
  /** Watch only in the mesh root namespace (the Istio ConfigMaps). */
  rootNamespaceOnly?: boolean;
  /**
   * A CRD that a cluster may not have: when it is absent (404), Istio is not
   * installed and there are none of its objects, which is not missing data.
   */
  optionalCrd?: boolean;
  /** Keeps only what the engine reads; list items carry no kind, so it is set here. */
  project(object: any, apiVersion: string): KubeObject;
}

const DROPPED_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
];

function slimMetadata(meta: any): KubeObject['metadata'] {
  if (!meta || typeof meta !== 'object') return undefined;
  let annotations: Record<string, string> | undefined;
  if (meta.annotations && typeof meta.annotations === 'object') {
    annotations = { ...meta.annotations };
    for (const key of DROPPED_ANNOTATIONS) delete annotations![key];
  }
  return {
    name: meta.name,
    namespace: meta.namespace,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    creationTimestamp: meta.creationTimestamp,
    labels: meta.labels,
    annotations,
    ownerReferences: Array.isArray(meta.ownerReferences)
      ? meta.ownerReferences.map((o: any) => ({
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.name,
          uid: o.uid,
          controller: o.controller,
        }))
      : undefined,
  };
}

/**
 * Environment variables an analyzer reads (istiod's JWKS fetch limits). Every
 * other variable is dropped: values can carry credentials.
 */
const KEPT_ENV = new Set(['BLOCKED_CIDRS_IN_JWKS_URIS']);

function keptEnv(env: unknown) {
  if (!Array.isArray(env)) return undefined;
  const kept = env
    .filter((e: any) => KEPT_ENV.has(e?.name) && typeof e.value === 'string')
    .map((e: any) => ({ name: e.name, value: e.value }));
  return kept.length ? kept : undefined;
}

/**
 * Containers whose image the engine compares: the proxy's against istiod's
 * `discovery` container. Other images are dropped.
 */
const KEPT_IMAGES = new Set(['istio-proxy', 'discovery']);

const keptImage = (c: any) =>
  KEPT_IMAGES.has(c?.name) && typeof c?.image === 'string'
    ? c.image
    : undefined;

/** What the proxy health analyzer reads of a container status. */
function slimProxyStatus(s: any) {
  const waiting = s?.state?.waiting?.reason;
  const terminated = s?.state?.terminated?.reason;
  const last = s?.lastState?.terminated;
  return {
    name: s.name,
    ready: s.ready,
    restartCount: s.restartCount,
    state: {
      ...(waiting ? { waiting: { reason: waiting } } : {}),
      ...(terminated ? { terminated: { reason: terminated } } : {}),
    },
    ...(last
      ? {
          lastState: {
            terminated: {
              reason: last.reason,
              exitCode: last.exitCode,
              finishedAt: last.finishedAt,
            },
          },
        }
      : {}),
  };
}

/** Only the istio-proxy's statuses: the app containers' are not read. */
function proxyStatuses(list: any) {
  if (!Array.isArray(list)) return undefined;
  const kept = list.filter(s => s?.name === 'istio-proxy').map(slimProxyStatus);
  return kept.length ? kept : undefined;
}

function slimPodSpec(spec: any) {
  if (!spec || typeof spec !== 'object') return {};
  const list = (v: any) => (Array.isArray(v) ? v : []);
  return {
    hostNetwork: spec.hostNetwork === true ? true : undefined,
    containers: list(spec.containers).map((c: any) => ({
      name: c?.name,
      image: keptImage(c),
      ports: Array.isArray(c?.ports)
        ? c.ports.map((p: any) => ({
            name: p?.name,
            containerPort: p?.containerPort,
            protocol: p?.protocol,
          }))
        : undefined,
      env: keptEnv(c?.env),
    })),
    initContainers: list(spec.initContainers).map((c: any) => ({
      name: c?.name,
      image: keptImage(c),
      restartPolicy: c?.restartPolicy,
    })),
  };
}

function base(o: any, kind: string, apiVersion: string): KubeObject {
  return { apiVersion, kind, metadata: slimMetadata(o?.metadata) };
}

function workloadProjection(kind: string) {
  return (o: any, apiVersion: string): KubeObject => ({
    ...base(o, kind, apiVersion),
    spec: {
      replicas: o?.spec?.replicas,
      selector: o?.spec?.selector,
      template: {
        metadata: {
          labels: o?.spec?.template?.metadata?.labels,
          annotations: o?.spec?.template?.metadata?.annotations,
        },
        spec: slimPodSpec(o?.spec?.template?.spec),
      },
    },
  });
}

/** Istio config objects are small and read as a whole; status is dropped. */
function istioProjection(kind: string) {
  return (o: any, apiVersion: string): KubeObject => ({
    ...base(o, kind, apiVersion),
    spec: o?.spec,
    // The addresses Istio allocated to a ServiceEntry stand in for spec.addresses.
    ...(kind === 'ServiceEntry' && Array.isArray(o?.status?.addresses)
      ? { status: { addresses: o.status.addresses } }
      : {}),
  });
}

/** The injector template is large and unused: keep the settings before it. */
function configMapData(data: any): Record<string, string> | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') continue;
    out[key] = key === 'config' ? value.split(/^template:/m)[0] : value;
  }
  return out;
}

/** The kinds read from every cluster. @public */
export const WATCHED_KINDS: WatchedKind[] = [
  {
    kind: 'Namespace',
    group: '',
    versions: ['v1'],
    plural: 'namespaces',
    project: o => base(o, 'Namespace', 'v1'),
  },
  {
    kind: 'Pod',
    group: '',
    versions: ['v1'],
    plural: 'pods',
    project: o => ({
      ...base(o, 'Pod', 'v1'),
      spec: slimPodSpec(o?.spec),
      status: {
        phase: o?.status?.phase,
        containerStatuses: proxyStatuses(o?.status?.containerStatuses),
        initContainerStatuses: proxyStatuses(o?.status?.initContainerStatuses),
      },
    }),
  },
  {
    kind: 'Service',
    group: '',
    versions: ['v1'],
    plural: 'services',
    project: o => ({
      ...base(o, 'Service', 'v1'),
      spec: {
        type: o?.spec?.type,
        selector: o?.spec?.selector,
        ports: o?.spec?.ports,
        externalName: o?.spec?.externalName,
        clusterIP: o?.spec?.clusterIP,
      },
    }),
  },
  {
    kind: 'ConfigMap',
    group: '',
    versions: ['v1'],
    plural: 'configmaps',
    rootNamespaceOnly: true,
    project: o => ({
      ...base(o, 'ConfigMap', 'v1'),
      data: configMapData(o?.data),
    }),
  },
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map(kind => ({
    kind,
    group: 'apps',
    versions: ['v1'],
    plural: `${kind.toLowerCase()}s`,
    project: workloadProjection(kind),
  })),
  {
    kind: 'MutatingWebhookConfiguration',
    group: 'admissionregistration.k8s.io',
    versions: ['v1'],
    plural: 'mutatingwebhookconfigurations',
    project: o => ({
      ...base(
        o,
        'MutatingWebhookConfiguration',
        'admissionregistration.k8s.io/v1',
      ),
      // The CA bundle and service reference are not needed.
      webhooks: Array.isArray(o?.webhooks)
        ? o.webhooks.map((w: any) => ({
            name: w?.name,
            namespaceSelector: w?.namespaceSelector,
            objectSelector: w?.objectSelector,
          }))
        : undefined,
    }),
  },
  ...[
    ['PeerAuthentication', 'security.istio.io', 'peerauthentications'],
    ['AuthorizationPolicy', 'security.istio.io', 'authorizationpolicies'],
    ['RequestAuthentication', 'security.istio.io', 'requestauthentications'],
    ['DestinationRule', 'networking.istio.io', 'destinationrules'],
    ['VirtualService', 'networking.istio.io', 'virtualservices'],
    ['Gateway', 'networking.istio.io', 'gateways'],
    ['Sidecar', 'networking.istio.io', 'sidecars'],
    ['ServiceEntry', 'networking.istio.io', 'serviceentries'],
  ].map(([kind, group, plural]) => ({
    kind,
    group,
    versions: ['v1', 'v1beta1'],
    plural,
    optionalCrd: true,
    project: istioProjection(kind),
  })),
];
