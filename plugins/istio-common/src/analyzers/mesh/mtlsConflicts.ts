import { Analyzer, AnalysisContext } from '../../analysis/types';
import { Finding, findingAbout } from '../../model/findings';
import {
  DestinationRuleSpec,
  MeshResource,
  ServicePort,
} from '../../model/resources';
import { MeshSnapshot, selectorMatches } from '../../model/snapshot';
import {
  AppliedDestinationRule,
  ClientTlsDecision,
  clientTlsUnder,
  destinationRuleFor,
  subsetsOf,
  destinationRulesForHostIn,
  portSettingsOf,
} from '../../posture/clientTls';
import {
  MeshIndex,
  ServiceRecord,
  hostMatches,
  meshIndex,
  resolveHost,
} from '../../posture/meshIndex';
import {
  mtlsModeAtPort,
  peerAuthenticationAtPort,
} from '../../posture/peerAuthentication';
import {
  WorkloadRecord,
  hasSidecar,
  targetPortOf,
} from '../../posture/workloads';
import {
  MTLS_CONFLICT_ANALYZER,
  MTLS_CONFLICT_DEFINITIONS as DEFS,
  listOf,
} from './definitions';
import {
  destinationRuleYaml,
  isApplicationTlsPort,
  patchDestinationRuleTls,
  strictPeerAuthenticationYaml,
} from './remediation';

type Code = keyof typeof DEFS;

/** Problems about one resource, gathered before they become one finding. */
interface Group {
  code: Code;
  resource: MeshResource;
  items: string[];
  /** Service hosts and service ports involved, for remediation. */
  targets: Target[];
}

interface Target {
  service: ServiceRecord;
  port: number;
  portLevel: boolean;
  /** Index of the subset whose own policy decided, in the rule's subsets. */
  subsetIndex?: number;
}

class Groups {
  private readonly map = new Map<string, Group>();

  add(
    code: Code,
    resource: MeshResource,
    item: string,
    target?: Target,
    scope = '',
  ) {
    const k = `${code}\u0000${resource.kind}\u0000${resource.namespace}\u0000${resource.name}\u0000${scope}`;
    let group = this.map.get(k);
    if (!group)
      this.map.set(k, (group = { code, resource, items: [], targets: [] }));
    if (!group.items.includes(item)) group.items.push(item);
    if (target) group.targets.push(target);
  }

  values(): Group[] {
    return [...this.map.values()];
  }
}

function portsOf(service: ServiceRecord): ServicePort[] {
  const ports = service.resource.spec?.ports;
  return Array.isArray(ports)
    ? ports.filter(p => typeof p?.port === 'number')
    : [];
}

function ruleName(rule: MeshResource): string {
  return `${rule.namespace}/${rule.name}`;
}

/**
 * Namespaces whose DestinationRules could match a host, so that only the
 * client namespaces that change the outcome are looked at.
 */
function ruleNamespaceIndex(snapshot: MeshSnapshot) {
  const exact = new Map<string, Set<string>>();
  const wildcards: Array<{ host: string; namespace: string }> = [];
  for (const rule of snapshot.all('DestinationRule')) {
    const raw = rule.spec?.host;
    if (typeof raw !== 'string' || !raw) continue;
    const host = resolveHost(raw, rule.namespace, snapshot.clusterDomain);
    if (host.startsWith('*')) {
      wildcards.push({ host, namespace: rule.namespace });
    } else {
      const set = exact.get(host) ?? new Set<string>();
      set.add(rule.namespace);
      exact.set(host, set);
    }
  }
  return (host: string): string[] => {
    const namespaces = new Set(exact.get(host) ?? []);
    for (const w of wildcards) {
      if (hostMatches(w.host, host)) namespaces.add(w.namespace);
    }
    return [...namespaces];
  };
}

/**
 * Every distinct DestinationRule merge that applies to a service for some
 * client (undefined when some clients have none): from the service's
 * namespace and from each namespace holding a rule that matches the host
 * (client-namespace rules win there).
 */
function appliedRules(
  snapshot: MeshSnapshot,
  service: ServiceRecord,
  clientNamespaces: string[],
): Array<AppliedDestinationRule | undefined> {
  const seen = new Map<string, AppliedDestinationRule | undefined>();
  for (const ns of [service.resource.namespace, ...clientNamespaces]) {
    const applied = destinationRuleFor(snapshot, service.host, ns);
    const key = applied
      ? `${applied.host}\u0000${applied.rules.map(ruleName).join(',')}`
      : '';
    seen.set(key, applied);
  }
  return [...seen.values()];
}

/**
 * Every client view of every service port and workload: the top-level
 * route and each subset with its own traffic policy (toward the workloads
 * it selects), under each DestinationRule that applies for some client.
 */
function checkClientServer(
  snapshot: MeshSnapshot,
  index: MeshIndex,
  groups: Groups,
) {
  const namespacesWithRulesFor = ruleNamespaceIndex(snapshot);
  for (const service of index.services) {
    if (service.workloads.length === 0) continue;
    const clientNamespaces = namespacesWithRulesFor(service.host);
    for (const applied of appliedRules(snapshot, service, clientNamespaces)) {
      const subsets = subsetsOf(applied).filter(s => s.trafficPolicy);
      for (const port of portsOf(service)) {
        for (const workload of service.workloads) {
          const routes = [
            undefined,
            ...subsets.filter(s =>
              selectorMatches(s.labels, workload.posture.labels),
            ),
          ];
          for (const subset of routes) {
            const decision = clientTlsUnder(
              snapshot,
              applied,
              service,
              port.port,
              subset,
              workload,
            );
            // A subset that changes nothing was already checked as the top level.
            if (subset && !decision.subset) continue;
            checkWorkloadPort(decision, service, port, workload, groups);
          }
        }
      }
    }
  }
}

/** The findings one client decision meets on one workload port. */
function checkWorkloadPort(
  decision: ClientTlsDecision,
  service: ServiceRecord,
  port: ServicePort,
  workload: WorkloadRecord,
  groups: Groups,
) {
  const target = targetPortOf(port, workload.template.spec);
  const server = mtlsModeAtPort(workload.posture.mtls, target);
  const dataplane = workload.posture.dataplane;
  const subset = decision.subset ? ` subset ${decision.subset.name}` : '';
  const where = `${service.host}:${port.port}${subset} (workload ${workload.posture.name}, target port ${target}`;
  const ref: Target = {
    service,
    port: port.port,
    portLevel: decision.portLevel,
    subsetIndex: decision.subset?.index,
  };
  const scope = service.host;
  const rule = decision.rule;
  const appTls = isApplicationTlsPort(port);
  const byRule =
    decision.cause === 'explicit' || decision.cause === 'endpointOverride';

  if (decision.mode === 'DISABLE' && server === 'STRICT') {
    if (byRule && rule && dataplane !== 'none') {
      groups.add('MESH001', rule, `${where}, STRICT)`, ref, scope);
    }
    const policy = peerAuthenticationAtPort(
      workload.peerAuthentication,
      target,
    );
    if (policy && hasSidecar(workload)) {
      const item = `${where})`;
      const implicit = { ...ref, portLevel: false, subsetIndex: undefined };
      if (decision.cause === 'inferredDisable') {
        groups.add('MESH002', policy, item, implicit);
      } else if (decision.cause === 'autoMtlsOff') {
        groups.add('MESH003', policy, item, implicit);
      }
    }
  }
  const noMtlsServer =
    dataplane === 'none' || (hasSidecar(workload) && server === 'DISABLE');
  const why = dataplane === 'none' ? 'no sidecar' : 'DISABLE';
  const mutual =
    decision.mode === 'ISTIO_MUTUAL' || (decision.mode === 'MUTUAL' && !appTls);
  if (rule && mutual && noMtlsServer && decision.cause === 'explicit') {
    groups.add(
      'MESH004',
      rule,
      `${where}, ${why}) gets ${decision.mode}`,
      ref,
      scope,
    );
  }
  if (
    rule &&
    decision.mode === 'ISTIO_MUTUAL' &&
    decision.cause === 'endpointOverride' &&
    noMtlsServer
  ) {
    groups.add('MESH008', rule, `${where}, ${why})`, ref, scope);
  }
  if (
    rule &&
    decision.cause === 'explicit' &&
    (decision.mode === 'SIMPLE' || decision.mode === 'MUTUAL') &&
    hasSidecar(workload) &&
    server !== 'DISABLE' &&
    (server === 'STRICT' || !appTls)
  ) {
    groups.add(
      'MESH006',
      rule,
      `${where}, ${server}) gets ${decision.mode}`,
      ref,
      scope,
    );
  }
}

/** MESH005: a host-specific rule without tls shadowing a mesh-wide ISTIO_MUTUAL one. */
function checkHiddenMeshMtls(snapshot: MeshSnapshot, groups: Groups) {
  if (snapshot.meshConfig.enableAutoMtls) return;
  const root = snapshot.meshConfig.rootNamespace;
  const meshWide = new Map<string, MeshResource<DestinationRuleSpec>>();
  for (const rule of snapshot.inNamespace(
    'DestinationRule',
    root,
  ) as MeshResource<DestinationRuleSpec>[]) {
    const host =
      typeof rule.spec?.host === 'string'
        ? resolveHost(rule.spec.host, root, snapshot.clusterDomain)
        : '';
    if (!host.startsWith('*') || rule.spec?.workloadSelector) continue;
    const applied = destinationRulesForHostIn(snapshot, root, host);
    if (applied?.trafficPolicy?.tls?.mode === 'ISTIO_MUTUAL')
      meshWide.set(host, applied.policyRule!);
  }
  if (meshWide.size === 0) return;
  for (const rule of snapshot.all(
    'DestinationRule',
  ) as MeshResource<DestinationRuleSpec>[]) {
    if (typeof rule.spec?.host !== 'string' || rule.spec.workloadSelector)
      continue;
    const host = resolveHost(
      rule.spec.host,
      rule.namespace,
      snapshot.clusterDomain,
    );
    const hidden = [...meshWide].find(
      ([wide]) => wide !== host && hostMatches(wide, host),
    );
    if (!hidden) continue;
    const applied = destinationRulesForHostIn(snapshot, rule.namespace, host);
    if (!applied || (applied.policyRule ?? applied.rules[0]) !== rule) continue;
    const policy = applied.trafficPolicy;
    const wideName = `${ruleName(hidden[1])} (host ${hidden[0]})`;
    if (!policy?.tls) {
      groups.add('MESH005', rule, `host ${host} replaces ${wideName}`);
    }
    for (const setting of portSettingsOf(policy)) {
      if (typeof setting?.port?.number === 'number' && !setting.tls) {
        groups.add(
          'MESH005',
          rule,
          `port ${setting.port.number} of ${host} replaces ${wideName}`,
        );
      }
    }
  }
}

const IDENTITY_SOURCE_FIELDS = [
  'principals',
  'notPrincipals',
  'namespaces',
  'notNamespaces',
];
/** Condition keys whose values exist only on mTLS connections. */
const IDENTITY_CONDITION_KEYS = [
  'source.principal',
  'source.namespace',
  'connection.sni',
];

function identityFieldsOf(spec: any): string[] {
  const used = new Set<string>();
  for (const rule of Array.isArray(spec?.rules) ? spec.rules : []) {
    for (const from of Array.isArray(rule?.from) ? rule.from : []) {
      for (const field of IDENTITY_SOURCE_FIELDS) {
        if (
          Array.isArray(from?.source?.[field]) &&
          from.source[field].length > 0
        )
          used.add(field);
      }
    }
    for (const when of Array.isArray(rule?.when) ? rule.when : []) {
      if (IDENTITY_CONDITION_KEYS.includes(when?.key)) used.add(when.key);
    }
  }
  return [...used];
}

/**
 * How to make workloads STRICT: the policy that decides them is patched
 * (the oldest one wins, so a new one would be ignored), or a new one created.
 */
function strictRemediation(
  workloads: WorkloadRecord[],
  policyName: string,
  selector: Record<string, string> | undefined,
): string {
  const commands = new Set<string>();
  const manifests = new Set<string>();
  for (const w of workloads) {
    const existing =
      w.peerAuthentication.workload ??
      (selector ? undefined : w.peerAuthentication.namespace);
    if (existing) {
      commands.add(
        `kubectl -n ${existing.namespace} patch peerauthentication ${existing.name} --type=merge -p '{"spec":{"mtls":{"mode":"STRICT"},"portLevelMtls":null}}'`,
      );
    } else {
      manifests.add(
        strictPeerAuthenticationYaml(
          w.posture.namespace,
          `${policyName}-strict`,
          selector,
        ),
      );
    }
  }
  return [...commands, [...manifests].join('\n---\n')]
    .filter(Boolean)
    .join('\n');
}

/** MESH007: identity-based authorization on workloads that accept plaintext. */
function checkAuthorization(
  snapshot: MeshSnapshot,
  index: MeshIndex,
): Finding[] {
  const root = snapshot.meshConfig.rootNamespace;
  const byNamespace = new Map<string, WorkloadRecord[]>();
  for (const w of index.workloads) {
    const list = byNamespace.get(w.posture.namespace);
    if (list) list.push(w);
    else byNamespace.set(w.posture.namespace, [w]);
  }
  const findings: Finding[] = [];
  for (const policy of snapshot.all('AuthorizationPolicy')) {
    const spec = policy.spec;
    // Policies attached to waypoints or gateways by targetRef are not about sidecars.
    if (
      spec?.targetRef ||
      (Array.isArray(spec?.targetRefs) && spec.targetRefs.length > 0)
    )
      continue;
    const fields = identityFieldsOf(spec);
    if (fields.length === 0) continue;
    const selector = spec?.selector?.matchLabels;
    const candidates =
      policy.namespace === root
        ? index.workloads
        : byNamespace.get(policy.namespace) ?? [];
    const weak = candidates.filter(w => {
      if (
        w.posture.dataplane === 'none' ||
        !selectorMatches(selector, w.posture.labels)
      )
        return false;
      const { mode, ports } = w.posture.mtls;
      return (
        mode !== 'STRICT' || Object.values(ports).some(p => p.mode !== 'STRICT')
      );
    });
    if (weak.length === 0) continue;
    const names = weak.map(w => {
      const { mode, ports } = w.posture.mtls;
      const open = Object.entries(ports)
        .filter(([, p]) => p.mode !== 'STRICT')
        .map(([p]) => p);
      return mode !== 'STRICT'
        ? `${w.posture.namespace}/${w.posture.name} (${mode})`
        : `${w.posture.namespace}/${w.posture.name} (ports ${open.join(', ')})`;
    });
    findings.push(
      findingAbout(
        DEFS.MESH007,
        policy,
        `AuthorizationPolicy ${policy.namespace}/${
          policy.name
        } matches on ${fields.join(', ')}, but ${listOf(names)} still accept${
          weak.length === 1 ? 's' : ''
        } plaintext: plaintext requests carry no peer identity, so ALLOW rules reject them and DENY rules let them through.`,
        `Require mTLS on the selected workloads:\n${strictRemediation(
          weak,
          policy.name,
          selector && typeof selector === 'object' ? selector : undefined,
        )}`,
      ),
    );
  }
  return findings;
}

function remediationFor(group: Group): string {
  const rule = group.resource as MeshResource<DestinationRuleSpec>;
  const patchPorts = (mode: 'ISTIO_MUTUAL' | 'DISABLE') => {
    const commands = group.targets.map(t =>
      patchDestinationRuleTls(
        rule,
        t.portLevel ? t.port : undefined,
        mode,
        t.subsetIndex,
      ),
    );
    return [...new Set(commands)].join('\n');
  };
  const newRules = (mode: 'ISTIO_MUTUAL' | 'DISABLE') => {
    const byHost = new Map<
      string,
      { service: ServiceRecord; ports: number[]; whole: boolean }
    >();
    for (const t of group.targets) {
      const entry = byHost.get(t.service.host) ?? {
        service: t.service,
        ports: [],
        whole: false,
      };
      if (t.portLevel) entry.ports.push(t.port);
      else entry.whole = true;
      byHost.set(t.service.host, entry);
    }
    return [...byHost.values()]
      .map(e =>
        destinationRuleYaml(
          e.service.resource,
          e.service.host,
          mode,
          e.whole ? undefined : [...new Set(e.ports)],
        ),
      )
      .join('\n---\n');
  };
  switch (group.code) {
    case 'MESH001':
      return `Send Istio mTLS instead of plaintext:\n${patchPorts(
        'ISTIO_MUTUAL',
      )}`;
    case 'MESH004':
      return `Send plaintext to these workloads (or inject them and restart their pods):\n${patchPorts(
        'DISABLE',
      )}`;
    case 'MESH006':
      return `Let the sidecars do Istio mTLS (the application then receives plaintext):\n${patchPorts(
        'ISTIO_MUTUAL',
      )}`;
    case 'MESH002':
      return `Tell clients to send Istio mTLS (auto mTLS infers plaintext from the namespace policy):\n${newRules(
        'ISTIO_MUTUAL',
      )}`;
    case 'MESH003':
      return `Tell clients to send Istio mTLS, or set enableAutoMtls: true in the mesh config:\n${newRules(
        'ISTIO_MUTUAL',
      )}`;
    case 'MESH008':
      return `Give the port entry its own tls setting, so the top-level ISTIO_MUTUAL no longer applies to these endpoints:\n${patchPorts(
        'DISABLE',
      )}`;
    case 'MESH005': {
      const policy = rule.spec?.trafficPolicy;
      const ports = portSettingsOf(policy)
        .filter(s => typeof s?.port?.number === 'number' && !s.tls)
        .map(s => s.port!.number!);
      const patches = [
        ...(policy?.tls
          ? []
          : [patchDestinationRuleTls(rule, undefined, 'ISTIO_MUTUAL')]),
        ...ports.map(p => patchDestinationRuleTls(rule, p, 'ISTIO_MUTUAL')),
      ];
      return `Keep Istio mTLS on this host:\n${patches.join(
        '\n',
      )}\nor set enableAutoMtls: true in the mesh config.`;
    }
    default:
      return '';
  }
}

function messageFor(group: Group): string {
  const what = listOf(group.items);
  const name = `${group.resource.namespace}/${group.resource.name}`;
  switch (group.code) {
    case 'MESH001':
      return `DestinationRule ${name} makes clients send plaintext (tls.mode DISABLE) to ${what}, which requires mTLS: requests fail (503 UC/URX).`;
    case 'MESH002':
      return `PeerAuthentication ${name} requires mTLS on ${what}, but the namespace or mesh policy is DISABLE, so auto mTLS clients send plaintext and are rejected.`;
    case 'MESH003':
      return `PeerAuthentication ${name} requires mTLS on ${what}, auto mTLS is off and no DestinationRule sends ISTIO_MUTUAL: clients send plaintext and are rejected.`;
    case 'MESH004':
      return `DestinationRule ${name} sends mTLS that the server cannot terminate: ${what}.`;
    case 'MESH005':
      return `DestinationRule ${name} has no tls setting and auto mTLS is off: ${what}, so its clients send plaintext.`;
    case 'MESH006':
      return `DestinationRule ${name} originates its own TLS toward sidecar workloads: ${what}. Against STRICT the handshake fails; otherwise Istio mTLS is bypassed.`;
    case 'MESH008':
      return `DestinationRule ${name} has a port entry without tls, so the port uses auto mTLS, but its top-level ISTIO_MUTUAL still marks every endpoint as mTLS-capable: clients send mTLS to ${what}, which accepts only plaintext. Requests fail.`;
    default:
      return what;
  }
}

/**
 * `mtls.ConflictAnalyzer`: client/server mTLS combinations that break
 * traffic, and authorization that relies on identities plaintext lacks.
 * @public
 */
export const mtlsConflictAnalyzer: Analyzer = {
  name: MTLS_CONFLICT_ANALYZER,
  definitions: Object.values(DEFS),
  analyze(context: AnalysisContext): Finding[] {
    const { snapshot } = context;
    const index = meshIndex(snapshot);
    const groups = new Groups();
    checkClientServer(snapshot, index, groups);
    checkHiddenMeshMtls(snapshot, groups);
    return [
      ...groups
        .values()
        .map(g =>
          findingAbout(
            DEFS[g.code],
            g.resource,
            messageFor(g),
            remediationFor(g),
          ),
        ),
      ...checkAuthorization(snapshot, index),
    ];
  },
};
