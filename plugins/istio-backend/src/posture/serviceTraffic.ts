import {
  DestinationRuleSpec,
  HttpRoute,
  MeshResource,
  MeshSnapshot,
  VirtualServiceSpec,
  selectorMatches,
} from '@meshportal/plugin-istio-common';

/**
 * A host as Istio resolves it from a config object in `namespace`:
 * a short name is `<name>.<namespace>.svc.cluster.local`, `a.b` and `a.b.svc`
 * are completed the same way.
 */
export function qualifyHost(host: string, namespace: string): string {
  if (host === '*' || host.startsWith('*.')) return host;
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.svc.cluster.local`;
  if (parts.length === 2) return `${host}.svc.cluster.local`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

/** True when a (possibly wildcard) host covers the service's FQDN. */
export function hostCovers(host: string, fqdn: string): boolean {
  if (host === '*') return true;
  if (host.startsWith('*.')) return fqdn.endsWith(host.slice(1));
  return host === fqdn;
}

/** One destination of a route, weight included. @public */
export interface RouteDestination {
  host: string;
  subset?: string;
  port?: number;
  weight?: number;
}

/** One HTTP, TCP or TLS rule of a VirtualService, as teams read it. @public */
export interface RouteRule {
  protocol: 'http' | 'tcp' | 'tls';
  name?: string;
  match?: any[];
  destinations: RouteDestination[];
  timeout?: string;
  retries?: HttpRoute['retries'];
  fault?: HttpRoute['fault'];
  mirrors?: Array<{ host: string; subset?: string; percentage?: number }>;
  redirect?: any;
  rewrite?: any;
}

/** @public */
export interface VirtualServiceView {
  namespace: string;
  name: string;
  hosts: string[];
  gateways: string[];
  rules: RouteRule[];
}

/** @public */
export interface DestinationRuleView {
  namespace: string;
  name: string;
  host: string;
  tls?: any;
  connectionPool?: any;
  outlierDetection?: any;
  loadBalancer?: any;
  portLevelSettings?: any[];
  subsets: Array<{
    name: string;
    labels?: Record<string, string>;
    trafficPolicy?: any;
  }>;
}

/** @public */
export interface AuthorizationPolicyView {
  namespace: string;
  name: string;
  action: string;
  /** `mesh` (root namespace, no selector), `namespace` or `workload`. */
  scope: 'mesh' | 'namespace' | 'workload';
  selector?: Record<string, string>;
  rules: any[];
}

function destinationOf(d: any, ns: string): RouteDestination {
  return {
    host: qualifyHost(String(d?.destination?.host ?? ''), ns),
    subset: d?.destination?.subset,
    port: d?.destination?.port?.number,
    weight: d?.weight,
  };
}

function viewVirtualService(
  vs: MeshResource<VirtualServiceSpec>,
): VirtualServiceView {
  const ns = vs.namespace;
  const spec = vs.spec ?? {};
  const rules: RouteRule[] = [];
  for (const r of spec.http ?? []) {
    const mirrors = [
      ...(r.mirror?.host
        ? [
            {
              host: qualifyHost(r.mirror.host, ns),
              subset: r.mirror.subset,
              percentage: r.mirrorPercentage?.value,
            },
          ]
        : []),
      ...(r.mirrors ?? []).map(m => ({
        host: qualifyHost(String(m.destination?.host ?? ''), ns),
        subset: m.destination?.subset,
        percentage: m.percentage?.value,
      })),
    ];
    rules.push({
      protocol: 'http',
      name: r.name,
      match: r.match,
      destinations: (r.route ?? []).map(d => destinationOf(d, ns)),
      timeout: r.timeout,
      retries: r.retries,
      fault: r.fault,
      mirrors: mirrors.length ? mirrors : undefined,
      redirect: r.redirect,
      rewrite: r.rewrite,
    });
  }
  for (const protocol of ['tcp', 'tls'] as const) {
    for (const r of spec[protocol] ?? []) {
      rules.push({
        protocol,
        match: r.match,
        destinations: (r.route ?? []).map(d => destinationOf(d, ns)),
      });
    }
  }
  return {
    namespace: ns,
    name: vs.name,
    hosts: (spec.hosts ?? []).map(h => qualifyHost(String(h), ns)),
    gateways: spec.gateways ?? [],
    rules,
  };
}

/**
 * The VirtualServices that route to the service or are bound to its host,
 * and the DestinationRules whose host covers it.
 * @public
 */
export function serviceTraffic(
  snapshot: MeshSnapshot,
  namespace: string,
  name: string,
): {
  virtualServices: VirtualServiceView[];
  destinationRules: DestinationRuleView[];
} {
  const fqdn = `${name}.${namespace}.svc.cluster.local`;
  const virtualServices = snapshot
    .all('VirtualService')
    .map(vs => viewVirtualService(vs))
    .filter(
      view =>
        view.hosts.some(h => hostCovers(h, fqdn)) ||
        view.rules.some(
          r =>
            r.destinations.some(d => d.host === fqdn) ||
            r.mirrors?.some(m => m.host === fqdn),
        ),
    );
  const destinationRules = snapshot
    .all('DestinationRule')
    .filter(dr => {
      const host = (dr.spec as DestinationRuleSpec)?.host;
      return (
        typeof host === 'string' &&
        hostCovers(qualifyHost(host, dr.namespace), fqdn)
      );
    })
    .map(dr => {
      const spec = dr.spec as DestinationRuleSpec;
      const policy = spec.trafficPolicy ?? {};
      return {
        namespace: dr.namespace,
        name: dr.name,
        host: qualifyHost(String(spec.host), dr.namespace),
        tls: policy.tls,
        connectionPool: policy.connectionPool,
        outlierDetection: policy.outlierDetection,
        loadBalancer: policy.loadBalancer,
        portLevelSettings: policy.portLevelSettings,
        subsets: (spec.subsets ?? []).map(s => ({
          name: s.name,
          labels: s.labels,
          trafficPolicy: s.trafficPolicy,
        })),
      };
    });
  return { virtualServices, destinationRules };
}

/**
 * AuthorizationPolicies that select a workload: its namespace's and the root
 * namespace's, without a selector or with one its labels satisfy.
 * @public
 */
export function policiesSelecting(
  snapshot: MeshSnapshot,
  namespace: string,
  labels: Record<string, string>,
): AuthorizationPolicyView[] {
  const root = snapshot.meshConfig.rootNamespace;
  const candidates = [
    ...snapshot.inNamespace('AuthorizationPolicy', namespace),
    ...(root !== namespace
      ? snapshot.inNamespace('AuthorizationPolicy', root)
      : []),
  ];
  return candidates
    .filter(p => selectorMatches(p.spec?.selector?.matchLabels, labels))
    .map(p => {
      const selector = p.spec?.selector?.matchLabels;
      const hasSelector = Boolean(selector && Object.keys(selector).length);
      let scope: AuthorizationPolicyView['scope'] = 'namespace';
      if (hasSelector) scope = 'workload';
      else if (p.namespace === root) scope = 'mesh';
      return {
        namespace: p.namespace,
        name: p.name,
        action: p.spec?.action ?? 'ALLOW',
        scope,
        selector: hasSelector ? selector : undefined,
        rules: Array.isArray(p.spec?.rules) ? p.spec.rules : [],
      };
    });
}
