import { MtlsLevel, WorkloadMtls } from '../analysis/types';
import {
  MeshResource,
  MtlsMode,
  PeerAuthenticationSpec,
} from '../model/resources';
import { MeshSnapshot, selectorMatches } from '../model/snapshot';

/** An mTLS mode after inheritance: never `UNSET`. @public */
export type EffectiveMtlsMode = Exclude<MtlsMode, 'UNSET'>;

/**
 * The server-side mTLS of a workload and the PeerAuthentications that
 * decided it, one per level (the oldest of each level).
 * @public
 */
export interface ComposedPeerAuthentication {
  mtls: WorkloadMtls;
  mesh?: MeshResource<PeerAuthenticationSpec>;
  namespace?: MeshResource<PeerAuthenticationSpec>;
  workload?: MeshResource<PeerAuthenticationSpec>;
  /** The policy that decided `mtls.mode`, if any. */
  decidedBy?: MeshResource<PeerAuthenticationSpec>;
}

const inferredCache = new WeakMap<
  MeshSnapshot,
  Map<string, EffectiveMtlsMode>
>();

const MODES: ReadonlySet<string> = new Set(['DISABLE', 'PERMISSIVE', 'STRICT']);

/** A policy's mode, or undefined when missing, UNSET or not a mode (inherits). */
function modeOf(mtls: unknown): EffectiveMtlsMode | undefined {
  const mode = (mtls as { mode?: unknown } | undefined)?.mode;
  return typeof mode === 'string' && MODES.has(mode)
    ? (mode as EffectiveMtlsMode)
    : undefined;
}

function timeOf(resource: MeshResource): number {
  const t = resource.creationTimestamp
    ? Date.parse(resource.creationTimestamp)
    : NaN;
  // A missing time is Go's zero time: older than any real one.
  return Number.isNaN(t) ? -Infinity : t;
}

/**
 * Istio's precedence among policies of one level: oldest creationTimestamp
 * first, then name, then namespace.
 * @public
 */
export function compareByAge(a: MeshResource, b: MeshResource): number {
  const ta = timeOf(a);
  const tb = timeOf(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return 0;
}

function selectorLabels(
  spec: PeerAuthenticationSpec,
): Record<string, string> | undefined {
  const matchLabels = spec?.selector?.matchLabels;
  return matchLabels &&
    typeof matchLabels === 'object' &&
    Object.keys(matchLabels).length > 0
    ? matchLabels
    : undefined;
}

function policyName(resource: MeshResource | undefined): string | null {
  return resource ? `${resource.namespace}/${resource.name}` : null;
}

function older<T extends MeshResource>(
  current: T | undefined,
  candidate: T,
): T {
  return !current || compareByAge(candidate, current) < 0 ? candidate : current;
}

/**
 * `ComposePeerAuthentication`: the mTLS mode a workload's proxy accepts.
 * Pass `labels: null` to skip the workload level, which gives the
 * namespace-and-mesh mode clients infer for auto mTLS.
 * @public
 */
export function composePeerAuthentication(
  snapshot: MeshSnapshot,
  namespace: string,
  labels: Record<string, string> | null,
): ComposedPeerAuthentication {
  const root = snapshot.meshConfig.rootNamespace;
  let mesh: MeshResource<PeerAuthenticationSpec> | undefined;
  let ns: MeshResource<PeerAuthenticationSpec> | undefined;
  let workload: MeshResource<PeerAuthenticationSpec> | undefined;

  const candidates =
    namespace === root
      ? snapshot.inNamespace('PeerAuthentication', root)
      : [
          ...snapshot.inNamespace('PeerAuthentication', namespace),
          ...snapshot.inNamespace('PeerAuthentication', root),
        ];
  for (const policy of candidates as MeshResource<PeerAuthenticationSpec>[]) {
    const selector = selectorLabels(policy.spec);
    if (!selector) {
      if (policy.namespace === root) mesh = older(mesh, policy);
      else ns = older(ns, policy);
    } else if (
      policy.namespace !== root &&
      labels &&
      selectorMatches(selector, labels)
    ) {
      workload = older(workload, policy);
    }
    // A policy with a selector in the root namespace is ignored.
  }

  let mode: EffectiveMtlsMode = 'PERMISSIVE';
  let level: MtlsLevel = 'default';
  let decidedBy: MeshResource<PeerAuthenticationSpec> | undefined;
  const levels: Array<
    [MtlsLevel, MeshResource<PeerAuthenticationSpec> | undefined]
  > = [
    ['mesh', mesh],
    ['namespace', ns],
    ['workload', workload],
  ];
  for (const [name, policy] of levels) {
    const policyMode = policy ? modeOf(policy.spec?.mtls) : undefined;
    if (policy && policyMode) {
      mode = policyMode;
      level = name;
      decidedBy = policy;
    }
  }

  const ports: WorkloadMtls['ports'] = {};
  const portLevel = workload?.spec?.portLevelMtls;
  if (portLevel && typeof portLevel === 'object') {
    for (const [port, setting] of Object.entries(portLevel)) {
      const portMode = modeOf(setting) ?? mode;
      if (portMode !== mode) ports[port] = { mode: portMode };
    }
  }

  return {
    mtls: { mode, source: { level, policy: policyName(decidedBy) }, ports },
    mesh,
    namespace: ns,
    workload,
    decidedBy,
  };
}

/**
 * `BestEffortInferServiceMTLSMode` for a Kubernetes service: the namespace
 * and mesh policies only; workload and port policies are never looked at.
 * @public
 */
export function inferServiceMtlsMode(
  snapshot: MeshSnapshot,
  namespace: string,
): EffectiveMtlsMode {
  let modes = inferredCache.get(snapshot);
  if (!modes) inferredCache.set(snapshot, (modes = new Map()));
  let mode = modes.get(namespace);
  if (!mode) {
    mode = composePeerAuthentication(snapshot, namespace, null).mtls.mode;
    modes.set(namespace, mode);
  }
  return mode;
}

/**
 * The mode a workload accepts on one container (target) port.
 * @public
 */
export function mtlsModeAtPort(
  mtls: WorkloadMtls,
  port: number | string,
): EffectiveMtlsMode {
  return mtls.ports[String(port)]?.mode ?? mtls.mode;
}

/**
 * The PeerAuthentication that decides the mode on one target port: the
 * workload policy when it sets that port, otherwise the one that decided the
 * workload's mode (undefined for Istio's default).
 * @public
 */
export function peerAuthenticationAtPort(
  composed: ComposedPeerAuthentication,
  port: number | string,
): MeshResource<PeerAuthenticationSpec> | undefined {
  const setting = composed.workload?.spec?.portLevelMtls?.[String(port)];
  return modeOf(setting) ? composed.workload : composed.decidedBy;
}
