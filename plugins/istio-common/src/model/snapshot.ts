import {
  CLUSTER_SCOPED_KINDS,
  KubeObject,
  MeshResource,
  RESOURCE_GROUPS,
  ResourceKind,
  ResourceOrigin,
} from './resources';
import {
  DEFAULT_MESH_CONFIG,
  InjectorConfig,
  MeshConfig,
  injectorConfigFrom,
  parseMeshConfig,
} from './meshConfig';
import { DEFAULT_CLUSTER_DOMAIN } from './clusterDomain';
import { MeshNetworks, parseMeshNetworks } from './meshNetworks';
import { RootCertificateBundle } from './rootCertificate';

/**
 * An indexed, read-only view of one cluster's (or one repository's) objects.
 * Built once per analysis; every rule reads from it.
 * @public
 */
export interface MeshSnapshot {
  readonly meshConfig: MeshConfig;
  readonly injector: InjectorConfig;
  /** The namespace Istio's control plane runs in (istio-system). */
  readonly istioNamespace: string;
  /** The cluster's DNS domain: Services are `<svc>.<ns>.svc.<clusterDomain>`. */
  readonly clusterDomain: string;
  /** Objects of a kind, in input order. */
  all<K extends ResourceKind>(kind: K): MeshResource[];
  /** Objects of a kind in one namespace, in input order. */
  inNamespace(kind: ResourceKind, namespace: string): MeshResource[];
  /** One object by kind, namespace and name (cluster-scoped kinds ignore the namespace). */
  get(kind: ResourceKind, namespace: string, name: string): MeshResource | undefined;
  /** Every namespace named by a Namespace object or by any namespaced object. */
  namespaceNames(): string[];
  /**
   * True when the input carried every object of this kind, so an object
   * missing from it is missing for real. False when the kind was not read at
   * all (a cluster source never reads Secrets): rules that report a missing
   * object of that kind must then say nothing, as istioctl skips analyzers
   * whose inputs it has not got.
   */
  observes(kind: ResourceKind): boolean;
  /**
   * The time (ISO 8601) time-dependent rules judge against, such as a
   * certificate's expiry; unset, those rules say nothing.
   */
  readonly now?: string;
  /**
   * The root certificates of the `istio-ca-root-cert` ConfigMaps, parsed by
   * the adapter; unset when it did not parse them, so their expiry is unknown.
   */
  readonly rootCertificates?: ReadonlyArray<RootCertificateBundle>;
  /** Restarts from which an istio-proxy container counts as restarting. */
  readonly proxyRestartThreshold?: number;
}

/** Default of {@link SnapshotOptions.proxyRestartThreshold}. @public */
export const DEFAULT_PROXY_RESTART_THRESHOLD = 3;

/** Options for {@link buildSnapshot}. @public */
export interface SnapshotOptions {
  /** Mesh config that wins over the `istio` ConfigMap. */
  meshConfig?: MeshConfig;
  /**
   * Mesh networks that win over the `meshNetworks` key of the `istio`
   * ConfigMap. Either becomes the object `MeshNetworks <istio ns>/meshnetworks`.
   */
  meshNetworks?: MeshNetworks;
  /** Where {@link SnapshotOptions.meshNetworks} came from, for example its file. */
  meshNetworksOrigin?: ResourceOrigin;
  /** Istio's own namespace; defaults to `istio-system`. */
  istioNamespace?: string;
  /** The cluster's DNS domain (istiod's `--domain`); defaults to `cluster.local`. */
  clusterDomain?: string;
  /** Origin recorded on every object, for example the cluster name. */
  origin?: ResourceOrigin;
  /** Per-object origin, for example the file and line it was read from. */
  originOf?: (object: KubeObject, index: number) => ResourceOrigin | undefined;
  /**
   * The kinds the source read in full (for a cluster, the kinds it lists and
   * watches and has synced). Omitted, every kind counts as read, which is
   * right for static input: the files are the whole truth.
   */
  observedKinds?: Iterable<string>;
  /** The time time-dependent rules judge against; see {@link MeshSnapshot.now}. */
  now?: Date | string;
  /**
   * Root certificates the adapter parsed (`readRootCertificates` with
   * Node's `X509Certificate`); see {@link MeshSnapshot.rootCertificates}.
   */
  rootCertificates?: ReadonlyArray<RootCertificateBundle>;
  /**
   * Restarts from which an istio-proxy container that restarted recently
   * counts as restarting (default {@link DEFAULT_PROXY_RESTART_THRESHOLD}).
   */
  proxyRestartThreshold?: number;
}

/** Why an object was not taken into the snapshot. @public */
export interface SnapshotProblem {
  index: number;
  origin?: ResourceOrigin;
  message: string;
}

const KNOWN_KINDS = new Set(Object.keys(RESOURCE_GROUPS) as ResourceKind[]);
// Built by the snapshot itself, never taken from input.
KNOWN_KINDS.delete('MeshNetworks');

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}

/**
 * Turns one parsed object into a {@link MeshResource}, or explains why not.
 * Returns `undefined` for kinds the engine does not read (skipped silently).
 * @public
 */
export function toMeshResource(
  object: KubeObject,
  origin?: ResourceOrigin,
): MeshResource | { problem: string } | undefined {
  if (!object || typeof object !== 'object' || Array.isArray(object)) {
    return { problem: 'not an object' };
  }
  if (typeof object.kind !== 'string' || !object.kind) {
    return { problem: 'document has no "kind"' };
  }
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  // The Gateway API's Gateway shares Istio's kind name: file it separately.
  const kind = (
    object.kind === 'Gateway' &&
    groupOf(apiVersion) === RESOURCE_GROUPS.KubernetesGateway
      ? 'KubernetesGateway'
      : object.kind
  ) as ResourceKind;
  if (!KNOWN_KINDS.has(kind)) return undefined;
  // The Gateway API also has a "Gateway" kind; only Istio's is read.
  if (apiVersion && groupOf(apiVersion) !== RESOURCE_GROUPS[kind]) return undefined;
  const meta = object.metadata;
  if (!meta || typeof meta !== 'object' || typeof meta.name !== 'string' || !meta.name) {
    return { problem: `${kind} has no metadata.name` };
  }
  const clusterScoped = CLUSTER_SCOPED_KINDS.has(kind);
  const namespaceGiven = !clusterScoped && typeof meta.namespace === 'string' && meta.namespace !== '';
  let namespace = '';
  if (!clusterScoped) namespace = namespaceGiven ? (meta.namespace as string) : 'default';
  return {
    kind,
    apiVersion,
    name: meta.name,
    namespace,
    namespaceGiven,
    labels: stringRecord(meta.labels),
    annotations: stringRecord(meta.annotations),
    creationTimestamp:
      typeof meta.creationTimestamp === 'string' ? meta.creationTimestamp : undefined,
    ownerReferences: Array.isArray(meta.ownerReferences)
      ? meta.ownerReferences.filter(o => o && typeof o.kind === 'string' && typeof o.name === 'string')
      : [],
    uid: typeof meta.uid === 'string' ? meta.uid : undefined,
    spec: object.spec && typeof object.spec === 'object' ? object.spec : {},
    status: object.status,
    // Secret data stays base64 encoded, as Kubernetes serves it.
    data:
      kind === 'ConfigMap' || kind === 'Secret'
        ? stringRecord(object.data)
        : undefined,
    webhooks: Array.isArray(object.webhooks) ? object.webhooks : undefined,
    origin,
  };
}

/** An ISO time, or undefined for a missing or invalid one (never throws). */
function isoTime(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * Indexes plain objects for the rules. Objects of unknown kinds are skipped;
 * objects the engine cannot use are reported in `problems` and left out,
 * never thrown.
 * @public
 */
export function buildSnapshot(
  objects: ReadonlyArray<KubeObject>,
  options: SnapshotOptions = {},
): { snapshot: MeshSnapshot; problems: SnapshotProblem[] } {
  const problems: SnapshotProblem[] = [];
  const byKind = new Map<ResourceKind, MeshResource[]>();
  const byNamespace = new Map<string, MeshResource[]>();
  const byName = new Map<string, MeshResource>();
  const namespaces = new Set<string>();
  const key = (kind: string, ns: string, name?: string) =>
    name === undefined ? `${kind}\u0000${ns}` : `${kind}\u0000${ns}\u0000${name}`;

  objects.forEach((object, index) => {
    const origin = options.originOf?.(object, index) ?? options.origin;
    const result = toMeshResource(object, origin);
    if (!result) return;
    if ('problem' in result) {
      problems.push({ index, origin, message: result.problem });
      return;
    }
    let list = byKind.get(result.kind);
    if (!list) byKind.set(result.kind, (list = []));
    list.push(result);
    const nsKey = key(result.kind, result.namespace);
    let nsList = byNamespace.get(nsKey);
    if (!nsList) byNamespace.set(nsKey, (nsList = []));
    nsList.push(result);
    // Later duplicates replace earlier ones for lookups, as `kubectl apply` would.
    byName.set(key(result.kind, result.namespace, result.name), result);
    if (result.kind === 'Namespace') namespaces.add(result.name);
    else if (result.namespace) namespaces.add(result.namespace);
  });

  const istioNamespace = options.istioNamespace ?? 'istio-system';
  let meshConfig = options.meshConfig;
  if (!meshConfig) {
    const cm = byName.get(key('ConfigMap', istioNamespace, 'istio'));
    meshConfig = DEFAULT_MESH_CONFIG;
    if (cm?.data?.mesh) {
      try {
        meshConfig = parseMeshConfig(cm.data.mesh);
      } catch (e) {
        problems.push({
          index: -1,
          origin: cm.origin,
          message: `ConfigMap ${istioNamespace}/istio: key "mesh" is not valid YAML (${(e as Error).message}); using Istio's defaults`,
        });
      }
    }
  }
  let meshNetworks = options.meshNetworks;
  const meshConfigMap = byName.get(key('ConfigMap', istioNamespace, 'istio'));
  if (!meshNetworks && meshConfigMap?.data?.meshNetworks) {
    try {
      meshNetworks = parseMeshNetworks(meshConfigMap.data.meshNetworks);
    } catch (e) {
      problems.push({
        index: -1,
        origin: meshConfigMap.origin,
        message: `ConfigMap ${istioNamespace}/istio: key "meshNetworks" is not valid YAML (${(e as Error).message}); ignoring it`,
      });
    }
  }
  if (meshNetworks) {
    // The object istioctl's analyzers report mesh network problems on.
    const resource: MeshResource<MeshNetworks> = {
      kind: 'MeshNetworks',
      apiVersion: '',
      name: 'meshnetworks',
      namespace: istioNamespace,
      namespaceGiven: true,
      labels: {},
      annotations: {},
      ownerReferences: [],
      spec: meshNetworks,
      origin: options.meshNetworksOrigin ?? meshConfigMap?.origin,
    };
    byKind.set('MeshNetworks', [resource]);
    byNamespace.set(key('MeshNetworks', istioNamespace), [resource]);
    byName.set(key('MeshNetworks', istioNamespace, resource.name), resource);
  }
  const injectorMap = byName.get(key('ConfigMap', istioNamespace, 'istio-sidecar-injector'));
  const injector = injectorConfigFrom(injectorMap?.data);
  const empty: MeshResource[] = [];
  const observed = options.observedKinds
    ? new Set<string>(options.observedKinds)
    : undefined;

  const snapshot: MeshSnapshot = {
    meshConfig,
    injector,
    istioNamespace,
    clusterDomain: options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    all: kind => byKind.get(kind) ?? empty,
    inNamespace: (kind, namespace) =>
      byNamespace.get(key(kind, CLUSTER_SCOPED_KINDS.has(kind) ? '' : namespace)) ?? empty,
    get: (kind, namespace, name) =>
      byName.get(key(kind, CLUSTER_SCOPED_KINDS.has(kind) ? '' : namespace, name)),
    namespaceNames: () => [...namespaces].sort(),
    observes: kind => !observed || observed.has(kind),
    now: isoTime(options.now),
    rootCertificates: options.rootCertificates,
    proxyRestartThreshold:
      options.proxyRestartThreshold ?? DEFAULT_PROXY_RESTART_THRESHOLD,
  };
  return { snapshot, problems };
}

/**
 * istioctl's resource string: `Kind namespace/name`, or `Kind name` when the
 * input object had no namespace (and for cluster-scoped kinds).
 * @public
 */
export function resourceName(resource: Pick<MeshResource, 'kind' | 'name' | 'namespace' | 'namespaceGiven'>): string {
  // The Gateway API's Gateway is filed apart but printed by its own kind.
  const kind = resource.kind === 'KubernetesGateway' ? 'Gateway' : resource.kind;
  return resource.namespaceGiven
    ? `${kind} ${resource.namespace}/${resource.name}`
    : `${kind} ${resource.name}`;
}

/**
 * True when every label of `selector` is present with the same value in `labels`.
 * An empty or missing selector selects everything.
 * @public
 */
export function selectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const k in selector) {
    if (labels[k] !== String(selector[k])) return false;
  }
  return true;
}
