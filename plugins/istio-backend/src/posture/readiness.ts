import {
  Blocker,
  Finding,
  InboundCaller,
  InboundTraffic,
  MTLS_BREAKING_HEALTH_CODES,
  MTLS_CONFLICT_ANALYZER,
  Readiness,
  ReadinessException,
  ReadinessStage,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import { isOutsideMesh, isPlaintext } from '../telemetry/TelemetryService';

/**
 * Custom TLS toward a sidecar (MESH006) is only a warning today, but its
 * handshake fails once the server is STRICT.
 */
const BREAKS_UNDER_STRICT = new Set(['MESH006']);

/**
 * The engine's mTLS conflicts that block STRICT: those breaking traffic now,
 * and those that would break once the workload is STRICT. (An identity-based
 * AuthorizationPolicy on a PERMISSIVE workload, MESH007, is fixed by STRICT,
 * so it does not block it.) Proxy and certificate health findings that
 * break mTLS (a proxy not ready, an expired mesh root) block it too.
 */
export function isConflictFinding(finding: Finding): boolean {
  return (
    (finding.analyzer === MTLS_CONFLICT_ANALYZER &&
      (finding.severity === 'Error' ||
        BREAKS_UNDER_STRICT.has(finding.code))) ||
    MTLS_BREAKING_HEALTH_CODES.has(finding.code)
  );
}

function modes(workload: WorkloadPosture): string[] {
  return [
    workload.mtls.mode,
    ...Object.values(workload.mtls.ports ?? {}).map(p => p.mode),
  ];
}

const describe = (c: InboundCaller) =>
  `${c.sourceNamespace}/${c.sourceWorkload}`;

function exceptionOf(w: WorkloadPosture): ReadinessException | undefined {
  const ports = Object.entries(w.mtls.ports ?? {})
    .filter(([, p]) => p.mode === 'DISABLE')
    .map(([port]) => port);
  if (w.mtls.mode !== 'DISABLE' && !ports.length) return undefined;
  return {
    namespace: w.namespace,
    workload: w.name,
    ports: w.mtls.mode === 'DISABLE' ? undefined : ports,
    mode: w.mtls.mode,
    level: w.mtls.source.level,
    policy: w.mtls.source.policy,
  };
}

/**
 * Judges readiness from the engine's posture, its findings and observed
 * traffic. Workloads of the control plane namespace that Istio does not
 * inject (istiod) never count as missing their proxy.
 * @public
 */
export function assessReadiness(
  workloads: WorkloadPosture[],
  findings: Finding[],
  traffic: InboundTraffic | undefined,
  options: { controlPlaneNamespace?: string } = {},
): Readiness {
  const blockers: Blocker[] = [];
  const enrolled = workloads.filter(w => w.dataplane !== 'none');
  for (const w of workloads) {
    const missing = w.pods.total - w.pods.injected;
    const controlPlane =
      w.namespace === options.controlPlaneNamespace &&
      !w.injection.willInject &&
      w.pods.injected === 0;
    // Ambient pods have no sidecar by design; ztunnel captures them.
    if (w.dataplane !== 'ambient' && missing > 0 && !controlPlane) {
      blockers.push({
        type: 'pods-without-proxy',
        workload: w.name,
        namespace: w.namespace,
        pods: missing,
      });
    }
    const calls = (traffic?.callers ?? []).filter(
      c =>
        c.destinationNamespace === w.namespace &&
        c.destinationWorkload === w.name,
    );
    const plaintext = calls.filter(c => isPlaintext(c) && !isOutsideMesh(c));
    if (plaintext.length) {
      blockers.push({
        type: 'plaintext-callers',
        workload: w.name,
        namespace: w.namespace,
        callers: plaintext.map(describe),
      });
    }
    const outside = calls.filter(isOutsideMesh);
    if (outside.length) {
      blockers.push({
        type: 'callers-outside-mesh',
        workload: w.name,
        namespace: w.namespace,
        requests: outside.reduce(
          (n, c) => n + c.requests + c.tcpConnections,
          0,
        ),
      });
    }
  }
  for (const f of findings.filter(isConflictFinding)) {
    blockers.push({
      type: 'conflict-finding',
      code: f.code,
      severity: f.severity,
      resource: f.resource,
      message: f.message,
    });
  }

  let stage: ReadinessStage;
  if (!enrolled.length) stage = 'not-enrolled';
  else if (enrolled.some(w => modes(w).includes('DISABLE')))
    stage = 'exception';
  else if (
    enrolled.length === workloads.length &&
    enrolled.every(w => modes(w).every(m => m === 'STRICT'))
  ) {
    stage = 'strict';
  } else {
    stage = blockers.length ? 'permissive' : 'ready-for-strict';
  }
  return {
    stage,
    blockers,
    exceptions: enrolled.flatMap(w => exceptionOf(w) ?? []),
    telemetryUnknown: !traffic?.available,
  };
}

/** Stage order for "the least advanced of several". @public */
export const STAGE_ORDER: ReadinessStage[] = [
  'not-enrolled',
  'exception',
  'permissive',
  'ready-for-strict',
  'strict',
];

/** The least advanced stage of several (e.g. an entity across clusters). @public */
export function leastAdvanced(stages: ReadinessStage[]): ReadinessStage {
  if (!stages.length) return 'not-enrolled';
  return stages.reduce<ReadinessStage>(
    (worst, s) =>
      STAGE_ORDER.indexOf(s) < STAGE_ORDER.indexOf(worst) ? s : worst,
    'strict',
  );
}
