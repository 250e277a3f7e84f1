import {
  AuthorizationPolicyView,
  DestinationRuleSpec,
  DestinationRuleView,
  MeshResource,
  MeshSnapshot,
  RouteDestination,
  RouteRule,
  VirtualServiceSpec,
  VirtualServiceView,
  hostMatches,
  resolveHost,
  selectorMatches,
  serviceHost,
} from '@meshportal/plugin-istio-common';

// Hosts are resolved by the engine's `resolveHost`, as Istio does: only a
// dotless name is completed (`reviews.prod` stays `reviews.prod`), in the
// snapshot's cluster domain.

function destinationOf(d: any, ns: string, domain: string): RouteDestination {
  return {
    host: resolveHost(String(d?.destination?.host ?? ''), ns, domain),
    subset: d?.destination?.subset,
    port: d?.destination?.port?.number,
    weight: d?.weight,
  };
}

function viewVirtualService(
  vs: MeshResource<VirtualServiceSpec>,
  domain: string,
): VirtualServiceView {
  const ns = vs.namespace;
  const spec = vs.spec ?? {};
  const rules: RouteRule[] = [];
  for (const r of spec.http ?? []) {
    const mirrors = [
      ...(r.mirror?.host
        ? [
            {
              host: resolveHost(r.mirror.host, ns, domain),
              subset: r.mirror.subset,
              percentage: r.mirrorPercentage?.value,
            },
          ]
        : []),
      ...(r.mirrors ?? []).map(m => ({
        host: resolveHost(String(m.destination?.host ?? ''), ns, domain),
        subset: m.destination?.subset,
        percentage: m.percentage?.value,
      })),
    ];
    rules.push({
      protocol: 'http',
      name: r.name,
      match: r.match,
      destinations: (r.route ?? []).map(d => destinationOf(d, ns, domain)),
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
        destinations: (r.route ?? []).map(d => destinationOf(d, ns, domain)),
      });
    }
  }
  return {
    namespace: ns,
    name: vs.name,
    hosts: (spec.hosts ?? []).map(h => resolveHost(String(h), ns, domain)),
    gateways: spec.gateways ?? [],
    rules,
  };
}

/**
 * Items keyed by host: exact hosts are looked up directly, wildcard hosts
 * (`*`, `*.example.com`) are checked one by one (there are few of them).
 * @public
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, number[]>();
  private readonly wildcard: Array<{ host: string; position: number }> = [];
  private readonly items: T[] = [];

  /** Indexes an item under each of its hosts. */
  add(item: T, hosts: string[]): void {
    const position = this.items.length;
    this.items.push(item);
    for (const host of new Set(hosts)) {
      if (host === '*' || host.startsWith('*.')) {
        this.wildcard.push({ host, position });
      } else {
        const list = this.exact.get(host);
        if (list) list.push(position);
        else this.exact.set(host, [position]);
      }
    }
  }

  /** The items with a host covering `fqdn`, in insertion order. */
  covering(fqdn: string): T[] {
    const positions = new Set(this.exact.get(fqdn) ?? []);
    for (const w of this.wildcard) {
      if (hostMatches(w.host, fqdn)) positions.add(w.position);
    }
    return [...positions].sort((a, b) => a - b).map(p => this.items[p]);
  }
}

function viewDestinationRule(
  dr: MeshResource<DestinationRuleSpec>,
  domain: string,
): DestinationRuleView {
  const spec = dr.spec as DestinationRuleSpec;
  const policy = spec.trafficPolicy ?? {};
  return {
    namespace: dr.namespace,
    name: dr.name,
    host: resolveHost(String(spec.host), dr.namespace, domain),
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
}

/**
 * The routes and policies of every service of a snapshot, viewed once
 * when the snapshot is built, so a page view only looks its services up.
 * @public
 */
export class ServiceTrafficIndex {
  private readonly virtualServices = new HostIndex<VirtualServiceView>();
  private readonly destinationRules = new HostIndex<DestinationRuleView>();
  private readonly clusterDomain: string;

  constructor(snapshot: MeshSnapshot) {
    const domain = snapshot.clusterDomain;
    this.clusterDomain = domain;
    for (const vs of snapshot.all('VirtualService')) {
      const view = viewVirtualService(vs, domain);
      // Bound to the host, or routing or mirroring to it.
      this.virtualServices.add(view, [
        ...view.hosts,
        ...view.rules.flatMap(r => [
          ...r.destinations.map(d => d.host),
          ...(r.mirrors ?? []).map(m => m.host),
        ]),
      ]);
    }
    for (const dr of snapshot.all('DestinationRule')) {
      const host = (dr.spec as DestinationRuleSpec)?.host;
      if (typeof host !== 'string') continue;
      this.destinationRules.add(viewDestinationRule(dr, domain), [
        resolveHost(host, dr.namespace, domain),
      ]);
    }
  }

  /**
   * The VirtualServices that route to the service or are bound to its host,
   * and the DestinationRules whose host covers it.
   */
  forService(
    namespace: string,
    name: string,
  ): {
    virtualServices: VirtualServiceView[];
    destinationRules: DestinationRuleView[];
  } {
    const fqdn = serviceHost(name, namespace, this.clusterDomain);
    return {
      virtualServices: this.virtualServices.covering(fqdn),
      destinationRules: this.destinationRules.covering(fqdn),
    };
  }
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
