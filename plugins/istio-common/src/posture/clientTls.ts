import {
  ClientTlsEndpoint,
  ClientTlsEntry,
  ClientTlsPortEntry,
} from '../analysis/types';
import {
  ClientTlsMode,
  ClientTlsSettings,
  DestinationRuleSpec,
  MeshResource,
  TrafficPolicy,
} from '../model/resources';
import { MeshSnapshot, selectorMatches } from '../model/snapshot';
import {
  MeshIndex,
  ServiceRecord,
  hostMatches,
  meshIndex,
  namespaceOfHost,
  resolveHost,
} from './meshIndex';
import {
  EffectiveMtlsMode,
  compareByAge,
  inferServiceMtlsMode,
  mtlsModeAtPort,
  peerAuthenticationAtPort,
} from './peerAuthentication';
import { WorkloadRecord, hasSidecar, targetPortOf } from './workloads';

/**
 * The DestinationRules that apply to a host for some client: those of one
 * namespace with the most specific matching host, merged as Istio merges
 * them (oldest first; the first top-level trafficPolicy is kept).
 * @public
 */
export interface AppliedDestinationRule {
  /** The DestinationRule host (FQDN, possibly a wildcard) that matched. */
  host: string;
  /** The merged rules, oldest first. */
  rules: MeshResource<DestinationRuleSpec>[];
  /** The top-level traffic policy in effect. */
  trafficPolicy?: TrafficPolicy;
  /** The rule whose trafficPolicy is in effect. */
  policyRule?: MeshResource<DestinationRuleSpec>;
}

/**
 * Why a client sends what it sends: a DestinationRule `tls` (`explicit`);
 * auto mTLS off, a host that is not a Service of the mesh (unknown, or
 * ExternalName), a namespace/mesh mode of DISABLE, or a passthrough
 * (headless) Service with no endpoints or an endpoint without a sidecar
 * (no TLS on the cluster at all); a DestinationRule mode applied to the
 * endpoints by Istio's endpoint check (`endpointOverride`); or auto mTLS
 * deciding per endpoint (`auto`).
 * @public
 */
export type ClientTlsCause =
  | 'explicit'
  | 'autoMtlsOff'
  | 'notInMesh'
  | 'inferredDisable'
  | 'passthroughDisable'
  | 'endpointOverride'
  | 'auto';

/**
 * The TLS a client sends on one port, and what decided it.
 * @public
 */
export interface ClientTlsDecision {
  /**
   * The mode of the cluster: under auto mTLS `ISTIO_MUTUAL` when at least
   * one endpoint gets mTLS, `DISABLE` when none does; `endpoints` then says
   * which.
   */
  mode: ClientTlsMode;
  source: 'destinationRule' | 'autoMtls';
  cause: ClientTlsCause;
  /** The DestinationRule whose mode decided (explicit or endpoint override). */
  rule?: MeshResource<DestinationRuleSpec>;
  /** True when a `portLevelSettings` entry for the port replaced the policy above it. */
  portLevel: boolean;
  /** The subset whose own traffic policy decided, if any. */
  subset?: DestinationRuleSubset;
  /** With cause `auto`: what each workload behind the service gets. */
  endpoints?: ClientTlsEndpoint[];
}

const TLS_MODES: ReadonlySet<string> = new Set([
  'DISABLE',
  'SIMPLE',
  'MUTUAL',
  'ISTIO_MUTUAL',
]);

interface HostedRule {
  host: string;
  rule: MeshResource<DestinationRuleSpec>;
}

const rulesCache = new WeakMap<MeshSnapshot, Map<string, HostedRule[]>>();

/**
 * DestinationRules per namespace with resolved hosts, oldest first. Rules
 * with a workloadSelector apply only to the clients they select and are left
 * out of host resolution.
 */
function rulesByNamespace(snapshot: MeshSnapshot): Map<string, HostedRule[]> {
  let byNamespace = rulesCache.get(snapshot);
  if (byNamespace) return byNamespace;
  byNamespace = new Map();
  const sorted = [...snapshot.all('DestinationRule')].sort(compareByAge);
  for (const rule of sorted as MeshResource<DestinationRuleSpec>[]) {
    const host = rule.spec?.host;
    if (typeof host !== 'string' || !host || rule.spec?.workloadSelector)
      continue;
    const list = byNamespace.get(rule.namespace);
    const hosted = {
      host: resolveHost(host, rule.namespace, snapshot.clusterDomain),
      rule,
    };
    if (list) list.push(hosted);
    else byNamespace.set(rule.namespace, [hosted]);
  }
  rulesCache.set(snapshot, byNamespace);
  return byNamespace;
}

function visibleTo(
  rule: MeshResource<DestinationRuleSpec>,
  clientNamespace: string,
): boolean {
  if (rule.namespace === clientNamespace) return true;
  const exportTo = rule.spec?.exportTo;
  if (!Array.isArray(exportTo) || exportTo.length === 0) return true;
  return exportTo.includes('*') || exportTo.includes(clientNamespace);
}

function moreSpecific(a: string, b: string): boolean {
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild !== bWild) return !aWild;
  return a.length > b.length;
}

function merge(
  host: string,
  rules: MeshResource<DestinationRuleSpec>[],
): AppliedDestinationRule {
  const policyRule = rules.find(
    r => r.spec?.trafficPolicy && typeof r.spec.trafficPolicy === 'object',
  );
  return {
    host,
    rules,
    trafficPolicy: policyRule?.spec.trafficPolicy,
    policyRule,
  };
}

/**
 * The merged DestinationRules of one namespace for exactly one resolved host.
 * @public
 */
export function destinationRulesForHostIn(
  snapshot: MeshSnapshot,
  namespace: string,
  host: string,
): AppliedDestinationRule | undefined {
  const rules = (rulesByNamespace(snapshot).get(namespace) ?? [])
    .filter(h => h.host === host)
    .map(h => h.rule);
  return rules.length > 0 ? merge(host, rules) : undefined;
}

/**
 * Which DestinationRule applies to `host` for a client in `clientNamespace`
 * (`push_context.go` `destinationRule()`): the client's namespace first, then
 * the service's, then the root namespace; within one namespace the most
 * specific host wins and rules for the same host merge.
 * @public
 */
export function destinationRuleFor(
  snapshot: MeshSnapshot,
  host: string,
  clientNamespace: string,
): AppliedDestinationRule | undefined {
  const byNamespace = rulesByNamespace(snapshot);
  const order = [
    clientNamespace,
    namespaceOfHost(host, snapshot.clusterDomain),
    snapshot.meshConfig.rootNamespace,
  ];
  const searched = new Set<string>();
  for (const namespace of order) {
    if (!namespace || searched.has(namespace)) continue;
    searched.add(namespace);
    let best: string | undefined;
    for (const hosted of byNamespace.get(namespace) ?? []) {
      if (
        !visibleTo(hosted.rule, clientNamespace) ||
        !hostMatches(hosted.host, host)
      )
        continue;
      if (best === undefined || moreSpecific(hosted.host, best))
        best = hosted.host;
    }
    if (best !== undefined) {
      const rules = (byNamespace.get(namespace) ?? [])
        .filter(h => h.host === best && visibleTo(h.rule, clientNamespace))
        .map(h => h.rule);
      return merge(best, rules);
    }
  }
  return undefined;
}

/**
 * The explicit TLS mode of a `tls` block: as written, `DISABLE` when the
 * block has no (valid) mode (the API's default), undefined without a block.
 */
function explicitMode(
  tls: ClientTlsSettings | undefined,
): ClientTlsMode | undefined {
  if (!tls || typeof tls !== 'object') return undefined;
  const mode = tls.mode;
  return typeof mode === 'string' && TLS_MODES.has(mode) ? mode : 'DISABLE';
}

/**
 * A subset of the applied DestinationRules, with the rule that defines it.
 * @public
 */
export interface DestinationRuleSubset {
  name: string;
  labels: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
  rule: MeshResource<DestinationRuleSpec>;
  /** Position in the rule's `spec.subsets`. */
  index: number;
}

/**
 * The subsets of merged DestinationRules: concatenated, the first
 * definition of a name wins.
 * @public
 */
export function subsetsOf(
  applied: AppliedDestinationRule | undefined,
): DestinationRuleSubset[] {
  const out: DestinationRuleSubset[] = [];
  const seen = new Set<string>();
  for (const rule of applied?.rules ?? []) {
    const subsets = rule.spec?.subsets;
    if (!Array.isArray(subsets)) continue;
    subsets.forEach((subset, index) => {
      if (typeof subset?.name !== 'string' || seen.has(subset.name)) return;
      seen.add(subset.name);
      const labels = subset.labels;
      out.push({
        name: subset.name,
        labels: labels && typeof labels === 'object' ? labels : {},
        trafficPolicy:
          subset.trafficPolicy && typeof subset.trafficPolicy === 'object'
            ? subset.trafficPolicy
            : undefined,
        rule,
        index,
      });
    });
  }
  return out;
}

/**
 * The `portLevelSettings` entries of a traffic policy; none when the field
 * is missing or malformed.
 * @public
 */
export function portSettingsOf(
  policy: TrafficPolicy | undefined,
): NonNullable<TrafficPolicy['portLevelSettings']> {
  const settings = policy?.portLevelSettings;
  return Array.isArray(settings)
    ? settings.filter(s => s && typeof s === 'object')
    : [];
}

function portEntry(
  policy: TrafficPolicy | undefined,
  port: number | undefined,
) {
  if (port === undefined) return undefined;
  return portSettingsOf(policy).find(s => s.port?.number === port);
}

/**
 * The `tls` that applies on a port (Istio's `MergeTrafficPolicy`): a
 * `portLevelSettings` entry for the port replaces the whole top-level policy,
 * even when it has no `tls`; a subset's `tls` then overrides, and a subset's
 * own port entry replaces again.
 * @public
 */
export function tlsAtPort(
  policy: TrafficPolicy | undefined,
  port: number | undefined,
  subsetPolicy?: TrafficPolicy,
): { tls?: ClientTlsSettings; portLevel: boolean; fromSubset: boolean } {
  const subsetEntry = portEntry(subsetPolicy, port);
  if (subsetEntry) {
    return { tls: subsetEntry.tls, portLevel: true, fromSubset: true };
  }
  if (subsetPolicy?.tls) {
    return { tls: subsetPolicy.tls, portLevel: false, fromSubset: true };
  }
  const entry = portEntry(policy, port);
  if (entry) return { tls: entry.tls, portLevel: true, fromSubset: false };
  return { tls: policy?.tls, portLevel: false, fromSubset: false };
}

/** A policy's mode for the endpoint check: a port entry with `tls`, else the policy's `tls`. */
function policyTlsMode(
  policy: TrafficPolicy | undefined,
  port: number | undefined,
): ClientTlsMode | undefined {
  return explicitMode(portEntry(policy, port)?.tls ?? policy?.tls);
}

/**
 * The mode Istio's endpoint check (`mtls_checker.go`) reads from a
 * DestinationRule: for a subset route the subset's policy, falling back to
 * the top-level one when the subset sets no mode for the port; otherwise the
 * top-level `tls` overridden by a port entry that has `tls`. Unlike the
 * cluster, a port entry without `tls` does not hide the top-level mode here.
 * @public
 */
export function endpointTlsMode(
  policy: TrafficPolicy | undefined,
  port: number | undefined,
  subsetPolicy?: TrafficPolicy,
  routedToSubset = false,
): ClientTlsMode | undefined {
  const subsetMode = routedToSubset
    ? policyTlsMode(subsetPolicy, port)
    : undefined;
  return subsetMode ?? policyTlsMode(policy, port);
}

/**
 * Whether Istio treats a Service as passthrough: headless
 * (`clusterIP: None`), or a DestinationRule load balancer `PASSTHROUGH`.
 * @public
 */
export function isPassthroughService(
  service: ServiceRecord,
  trafficPolicy: TrafficPolicy | undefined,
): boolean {
  return (
    service.resource.spec?.clusterIP === 'None' ||
    trafficPolicy?.loadBalancer?.simple === 'PASSTHROUGH'
  );
}

/** ExternalName Services are outside the mesh for Istio (`MeshExternal`). */
function isMeshExternal(service: ServiceRecord): boolean {
  return service.resource.spec?.type === 'ExternalName';
}

/**
 * A passthrough Service with no endpoints, or with an endpoint that has no
 * sidecar: clients infer DISABLE for all of it.
 */
function passthroughInfersDisable(
  service: ServiceRecord,
  trafficPolicy: TrafficPolicy | undefined,
): boolean {
  return (
    isPassthroughService(service, trafficPolicy) &&
    (service.workloads.length === 0 ||
      service.workloads.some(w => w.posture.dataplane !== 'sidecar'))
  );
}

/**
 * `BestEffortInferServiceMTLSMode` (`pilot/pkg/model/push_context.go`): the
 * mode clients assume for a Service before auto mTLS looks at endpoints.
 * Undefined for a Service outside the mesh (ExternalName). A passthrough
 * Service infers DISABLE when it has no endpoints or one without a sidecar;
 * otherwise the namespace and mesh policies decide (workload and port
 * policies are never looked at). `trafficPolicy` is the DestinationRule's
 * top-level policy, or a subset's own policy for a subset route.
 * @public
 */
export function bestEffortInferServiceMtlsMode(
  snapshot: MeshSnapshot,
  service: ServiceRecord,
  trafficPolicy?: TrafficPolicy,
): EffectiveMtlsMode | undefined {
  if (isMeshExternal(service)) return undefined;
  if (passthroughInfersDisable(service, trafficPolicy)) return 'DISABLE';
  return inferServiceMtlsMode(snapshot, service.resource.namespace);
}

/** The container port a service port number reaches on a workload. */
function targetPortFor(
  workload: WorkloadRecord,
  service: ServiceRecord,
  port: number,
): number | string {
  const servicePorts = service.resource.spec?.ports;
  const servicePort = Array.isArray(servicePorts)
    ? servicePorts.find(p => p?.port === port)
    : undefined;
  return servicePort ? targetPortOf(servicePort, workload.template.spec) : port;
}

/**
 * What auto mTLS sends to one workload's endpoints on a port
 * (`mtls_checker.go`): mTLS only to sidecar pods whose own policy for the
 * target port is not DISABLE. A workload with only some pods injected gets
 * one entry for each group.
 */
function autoMtlsEndpoints(
  workload: WorkloadRecord,
  service: ServiceRecord,
  port: number | undefined,
): ClientTlsEndpoint[] {
  const name = `${workload.posture.namespace}/${workload.posture.name}`;
  const targetPort =
    port === undefined ? undefined : targetPortFor(workload, service, port);
  const base =
    targetPort === undefined
      ? { workload: name }
      : { workload: name, targetPort };
  if (!hasSidecar(workload)) {
    return [{ ...base, mode: 'DISABLE', reason: 'noSidecar' }];
  }
  const mode =
    targetPort === undefined
      ? workload.posture.mtls.mode
      : mtlsModeAtPort(workload.posture.mtls, targetPort);
  if (mode === 'DISABLE') {
    const policy =
      targetPort === undefined
        ? workload.peerAuthentication.decidedBy
        : peerAuthenticationAtPort(workload.peerAuthentication, targetPort);
    return [
      {
        ...base,
        mode: 'DISABLE',
        reason: 'peerAuthenticationDisable',
        policy: policy ? `${policy.namespace}/${policy.name}` : null,
      },
    ];
  }
  const mtls: ClientTlsEndpoint = {
    ...base,
    mode: 'ISTIO_MUTUAL',
    reason: 'sidecar',
  };
  return workload.posture.dataplane === 'partial'
    ? [mtls, { ...base, mode: 'DISABLE', reason: 'noSidecar' }]
    : [mtls];
}

/**
 * The TLS a client sends to a service port under an applied DestinationRule
 * (or none), optionally when routed to one subset and toward one workload's
 * endpoints. A DestinationRule `tls` is used as written. Without one, the
 * cluster gets auto mTLS only when it is enabled, the host is a known
 * Service of the mesh, it is not a passthrough Service with an endpoint
 * lacking a sidecar, and its namespace/mesh mode is not DISABLE; each
 * endpoint then gets mTLS unless the DestinationRule's endpoint mode says
 * otherwise, it has no sidecar, or its own PeerAuthentication (workload and
 * port included) is DISABLE.
 * @public
 */
export function clientTlsUnder(
  snapshot: MeshSnapshot,
  applied: AppliedDestinationRule | undefined,
  service: ServiceRecord | undefined,
  port: number | undefined,
  subset?: DestinationRuleSubset,
  workload?: WorkloadRecord,
): ClientTlsDecision {
  const { tls, portLevel, fromSubset } = tlsAtPort(
    applied?.trafficPolicy,
    port,
    subset?.trafficPolicy,
  );
  const mode = explicitMode(tls);
  if (mode) {
    return {
      mode,
      source: 'destinationRule',
      cause: 'explicit',
      rule: fromSubset ? subset!.rule : applied?.policyRule,
      portLevel,
      ...(fromSubset ? { subset } : {}),
    };
  }
  const plaintext = (cause: ClientTlsCause): ClientTlsDecision => ({
    mode: 'DISABLE',
    source: 'autoMtls',
    cause,
    portLevel,
  });
  if (!snapshot.meshConfig.enableAutoMtls) return plaintext('autoMtlsOff');
  if (!service || isMeshExternal(service)) return plaintext('notInMesh');
  // Istio infers from the DestinationRule's top-level policy, or from a
  // subset's own policy on a subset route (`cluster_builder.go`).
  const inferFrom = subset ? subset.trafficPolicy : applied?.trafficPolicy;
  if (passthroughInfersDisable(service, inferFrom)) {
    return plaintext('passthroughDisable');
  }
  if (
    inferServiceMtlsMode(snapshot, service.resource.namespace) === 'DISABLE'
  ) {
    return plaintext('inferredDisable');
  }
  const endpointMode = endpointTlsMode(
    applied?.trafficPolicy,
    port,
    subset?.trafficPolicy,
    !!subset,
  );
  if (endpointMode) {
    // The endpoints keep Istio mTLS only for ISTIO_MUTUAL; any other mode
    // drops their mTLS label and auto mTLS sends them plaintext.
    return {
      mode: endpointMode === 'ISTIO_MUTUAL' ? 'ISTIO_MUTUAL' : 'DISABLE',
      source: 'autoMtls',
      cause: 'endpointOverride',
      rule: subset ? subset.rule : applied?.policyRule,
      portLevel,
      ...(subset ? { subset } : {}),
    };
  }
  const workloads = workload
    ? [workload]
    : service.workloads.filter(
        w => !subset || selectorMatches(subset.labels, w.posture.labels),
      );
  const endpoints = workloads.flatMap(w => autoMtlsEndpoints(w, service, port));
  return {
    mode: endpoints.some(e => e.mode === 'ISTIO_MUTUAL')
      ? 'ISTIO_MUTUAL'
      : 'DISABLE',
    source: 'autoMtls',
    cause: 'auto',
    portLevel,
    endpoints,
  };
}

/**
 * The TLS a client in `clientNamespace` sends to `host` on `port`.
 * @public
 */
export function clientTlsFor(
  snapshot: MeshSnapshot,
  host: string,
  port: number | undefined,
  clientNamespace: string,
): ClientTlsDecision {
  const applied = destinationRuleFor(snapshot, host, clientNamespace);
  return clientTlsUnder(
    snapshot,
    applied,
    meshIndex(snapshot).serviceByHost.get(host),
    port,
  );
}

function portEntryOf(decision: ClientTlsDecision): ClientTlsPortEntry {
  return {
    mode: decision.mode,
    source: decision.source,
    ...(decision.endpoints ? { endpoints: decision.endpoints } : {}),
  };
}

/**
 * One output entry: the decision without a port, then one per Service port
 * and per `portLevelSettings` port. Ports that auto mTLS decides per
 * endpoint are always listed, others only when they differ from the
 * entry's mode. When every Service port agrees, the entry takes their mode.
 */
function entryFor(
  snapshot: MeshSnapshot,
  applied: AppliedDestinationRule | undefined,
  name: string | null,
  host: string,
  service: ServiceRecord | undefined,
): ClientTlsEntry {
  const portless = clientTlsUnder(snapshot, applied, service, undefined);
  const decided = new Map<number, ClientTlsDecision>();
  const servicePorts = service?.resource.spec?.ports;
  for (const servicePort of Array.isArray(servicePorts) ? servicePorts : []) {
    if (typeof servicePort?.port !== 'number') continue;
    decided.set(
      servicePort.port,
      clientTlsUnder(snapshot, applied, service, servicePort.port),
    );
  }
  const [first, ...others] = [...decided.values()];
  const top =
    first &&
    others.every(d => d.mode === first.mode && d.source === first.source)
      ? first
      : portless;
  for (const setting of portSettingsOf(applied?.trafficPolicy)) {
    const number = setting?.port?.number;
    if (typeof number !== 'number' || decided.has(number)) continue;
    decided.set(number, clientTlsUnder(snapshot, applied, service, number));
  }
  const ports: ClientTlsEntry['ports'] = {};
  for (const [number, atPort] of [...decided].sort(([a], [b]) => a - b)) {
    if (
      atPort.endpoints ||
      atPort.mode !== top.mode ||
      atPort.source !== top.source
    ) {
      ports[String(number)] = portEntryOf(atPort);
    }
  }
  return {
    destinationRule: name,
    host,
    mode: top.mode,
    source: top.source,
    ports,
  };
}

/**
 * Client-side TLS for every DestinationRule and every service host it covers
 * (wildcards expanded to the matching Services), plus the Services no
 * DestinationRule covers (auto mTLS only).
 * @public
 */
export function computeClientTls(
  snapshot: MeshSnapshot,
  index: MeshIndex,
): ClientTlsEntry[] {
  const entries: Array<{ namespace: string; entry: ClientTlsEntry }> = [];
  for (const hosted of [...rulesByNamespace(snapshot).values()].flat()) {
    const { rule, host } = hosted;
    const applied = destinationRulesForHostIn(snapshot, rule.namespace, host);
    const name = `${rule.namespace}/${rule.name}`;
    const covered = host.startsWith('*')
      ? index.services.filter(s => hostMatches(host, s.host))
      : [index.serviceByHost.get(host)].filter((s): s is ServiceRecord => !!s);
    if (covered.length === 0) {
      entries.push({
        namespace: rule.namespace,
        entry: entryFor(snapshot, applied, name, host, undefined),
      });
    }
    for (const service of covered) {
      entries.push({
        namespace: rule.namespace,
        entry: entryFor(snapshot, applied, name, service.host, service),
      });
    }
  }
  for (const service of index.services) {
    if (destinationRuleFor(snapshot, service.host, service.resource.namespace))
      continue;
    entries.push({
      namespace: service.resource.namespace,
      entry: entryFor(snapshot, undefined, null, service.host, service),
    });
  }
  entries.sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) ||
      (a.entry.destinationRule ?? '').localeCompare(
        b.entry.destinationRule ?? '',
      ) ||
      a.entry.host.localeCompare(b.entry.host),
  );
  return entries.map(e => e.entry);
}
