/*
 * The API resources the test server serves, and the discovery documents
 * (legacy and aggregated v2) that describe them.
 */

/**
 * One API resource (plural name within a group) the server serves.
 * @public
 */
export interface ApiResourceType {
  /** API group; `''` for the core group. */
  group: string;
  /** Served versions, preferred first. Objects are stored once per resource. */
  versions: string[];
  /** Plural resource name used in paths, e.g. `virtualservices`. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Discovery categories, e.g. `all` for `kubectl get all`. */
  categories?: string[];
}

const VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

const ISTIO_GROUPS = new Set(['networking.istio.io', 'security.istio.io']);

// As the real API server and Istio's CRDs declare them.
const CATEGORIES: Record<string, Record<string, string[]>> = {
  '': { pods: ['all'], services: ['all'] },
  apps: { '*': ['all'] },
  'networking.istio.io': { '*': ['istio-io', 'networking-istio-io'] },
  'security.istio.io': { '*': ['istio-io', 'security-istio-io'] },
};

function type(
  group: string,
  versions: string[],
  kind: string,
  resource: string,
  namespaced: boolean,
  shortNames?: string[],
): ApiResourceType {
  return {
    group,
    versions,
    kind,
    resource,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories: CATEGORIES[group]?.[resource] ?? CATEGORIES[group]?.['*'],
  };
}

const NETWORKING = ['v1', 'v1beta1', 'v1alpha3'];
const SECURITY = ['v1', 'v1beta1'];

/**
 * Every resource type the server knows, Istio CRDs included.
 * @public
 */
export const ALL_RESOURCE_TYPES: readonly ApiResourceType[] = [
  type('', ['v1'], 'Namespace', 'namespaces', false, ['ns']),
  type('', ['v1'], 'Pod', 'pods', true, ['po']),
  type('', ['v1'], 'Service', 'services', true, ['svc']),
  type('', ['v1'], 'ConfigMap', 'configmaps', true, ['cm']),
  type('', ['v1'], 'Secret', 'secrets', true),
  type('apps', ['v1'], 'Deployment', 'deployments', true, ['deploy']),
  type('apps', ['v1'], 'StatefulSet', 'statefulsets', true, ['sts']),
  type('apps', ['v1'], 'DaemonSet', 'daemonsets', true, ['ds']),
  type('apps', ['v1'], 'ReplicaSet', 'replicasets', true, ['rs']),
  type(
    'admissionregistration.k8s.io',
    ['v1'],
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations',
    false,
  ),
  type(
    'networking.istio.io',
    NETWORKING,
    'VirtualService',
    'virtualservices',
    true,
    ['vs'],
  ),
  type(
    'networking.istio.io',
    NETWORKING,
    'DestinationRule',
    'destinationrules',
    true,
    ['dr'],
  ),
  type('networking.istio.io', NETWORKING, 'Gateway', 'gateways', true, ['gw']),
  type('networking.istio.io', NETWORKING, 'Sidecar', 'sidecars', true),
  type(
    'networking.istio.io',
    NETWORKING,
    'ServiceEntry',
    'serviceentries',
    true,
    ['se'],
  ),
  type(
    'security.istio.io',
    SECURITY,
    'PeerAuthentication',
    'peerauthentications',
    true,
    ['pa'],
  ),
  type(
    'security.istio.io',
    SECURITY,
    'AuthorizationPolicy',
    'authorizationpolicies',
    true,
    ['ap'],
  ),
  type(
    'security.istio.io',
    SECURITY,
    'RequestAuthentication',
    'requestauthentications',
    true,
    ['ra'],
  ),
];

/** `resource.group` (`resource` for core): the key of the store and the log. */
export function resourceKey(t: { group: string; resource: string }): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

/** The resource types served, with or without the Istio CRDs. */
export class ResourceCatalog {
  readonly types: readonly ApiResourceType[];

  constructor(opts: { istio: boolean }) {
    this.types = ALL_RESOURCE_TYPES.filter(
      t => opts.istio || !ISTIO_GROUPS.has(t.group),
    );
  }

  /** The type served at `group/version/resource`, if any. */
  lookup(
    group: string,
    version: string,
    resource: string,
  ): ApiResourceType | undefined {
    return this.types.find(
      t =>
        t.group === group &&
        t.resource === resource &&
        t.versions.includes(version),
    );
  }

  /** The type for an object's apiVersion and kind, if served. */
  forObject(apiVersion: string, kind: string): ApiResourceType | undefined {
    const [group, version] = apiVersion.includes('/')
      ? apiVersion.split('/')
      : ['', apiVersion];
    return this.types.find(
      t => t.group === group && t.kind === kind && t.versions.includes(version),
    );
  }

  /**
   * Resolves a user's name for a type: `pods`, `Pod`, `pod`,
   * `virtualservices.networking.istio.io` or `VirtualService`.
   */
  resolve(name: string): ApiResourceType | undefined {
    return ALL_RESOURCE_TYPES.find(
      t =>
        resourceKey(t) === name ||
        t.resource === name ||
        t.kind === name ||
        t.singular === name,
    );
  }

  /** Groups other than core, in a stable order. */
  groups(): { name: string; versions: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const t of this.types) {
      if (t.group && !groups.has(t.group)) groups.set(t.group, t.versions);
    }
    return [...groups].map(([name, versions]) => ({ name, versions }));
  }

  servesGroupVersion(group: string, version: string): boolean {
    return this.types.some(
      t => t.group === group && t.versions.includes(version),
    );
  }

  /** `/api` */
  apiVersions(serverAddress: string) {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  private apiGroup(g: { name: string; versions: string[] }) {
    const versions = g.versions.map(v => ({
      groupVersion: `${g.name}/${v}`,
      version: v,
    }));
    return { name: g.name, versions, preferredVersion: versions[0] };
  }

  /** `/apis` */
  apiGroupList() {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.groups().map(g => this.apiGroup(g)),
    };
  }

  /** `/apis/<group>` */
  apiGroupDocument(group: string) {
    const g = this.groups().find(x => x.name === group);
    if (!g) return undefined;
    return { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup(g) };
  }

  /** `/api/v1` or `/apis/<group>/<version>` */
  apiResourceList(group: string, version: string) {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: this.types
        .filter(t => t.group === group && t.versions.includes(version))
        .map(t => ({
          name: t.resource,
          singularName: t.singular,
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: VERBS,
          ...(t.shortNames ? { shortNames: t.shortNames } : {}),
          ...(t.categories ? { categories: t.categories } : {}),
        })),
    };
  }

  /**
   * Aggregated discovery (apidiscovery.k8s.io/v2) for `/api` (core) or
   * `/apis` (named groups): one request instead of one per group version.
   */
  aggregatedDiscovery(core: boolean) {
    const groups = core ? [{ name: '', versions: ['v1'] }] : this.groups();
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
      items: groups.map(g => ({
        metadata: { name: g.name },
        versions: g.versions.map(version => ({
          version,
          freshness: 'Current',
          resources: this.types
            .filter(t => t.group === g.name && t.versions.includes(version))
            .map(t => ({
              resource: t.resource,
              responseKind: { group: t.group, version, kind: t.kind },
              scope: t.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: t.singular,
              verbs: VERBS,
              ...(t.shortNames ? { shortNames: t.shortNames } : {}),
              ...(t.categories ? { categories: t.categories } : {}),
            })),
        })),
      })),
    };
  }
}
