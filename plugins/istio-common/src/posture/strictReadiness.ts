import type { WorkloadPosture } from '../analysis/types';
import type { InboundCaller, InboundTraffic } from '../api/entityPosture';
import type {
  Blocker,
  Readiness,
  ReadinessException,
  ReadinessStage,
  UnverifiedReason,
} from '../api/readiness';
import {
  MTLS_BREAKING_HEALTH_CODES,
  MTLS_CONFLICT_ANALYZER,
} from '../analyzers/mesh/definitions';
import type { Finding } from '../model/findings';
import { isOutsideMesh, isPlaintext } from './inboundCallers';

/** The observation window when none is configured: a full day of traffic. @public */
export const DEFAULT_OBSERVATION_WINDOW_SECONDS = 24 * 3600;

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
 * @public
 */
export function isConflictFinding(finding: Finding): boolean {
  return (
    (finding.analyzer === MTLS_CONFLICT_ANALYZER &&
      (finding.severity === 'Error' ||
        BREAKS_UNDER_STRICT.has(finding.code))) ||
    MTLS_BREAKING_HEALTH_CODES.has(finding.code)
  );
}

/**
 * What a STRICT verdict is decided from: plain data, so the backend, the
 * adoption report and the CLI reach the same verdict.
 * @public
 */
export interface ReadinessInput {
  workloads: WorkloadPosture[];
  findings: Finding[];
  /** Observed inbound traffic over the window; absent when there is none to read (the CLI). */
  traffic?: InboundTraffic;
  /** How long telemetry must cover, in seconds (default {@link DEFAULT_OBSERVATION_WINDOW_SECONDS}). */
  observationWindowSeconds?: number;
  /** Its workloads that Istio does not inject (istiod) never count as missing their proxy. */
  controlPlaneNamespace?: string;
  /**
   * Why part of what the verdict rests on could not be read (a kind
   * forbidden or failing, a cluster still syncing); absent when all was read.
   */
  partial?: string;
}

function modes(workload: WorkloadPosture): string[] {
  return [
    workload.mtls.mode,
    ...Object.values(workload.mtls.ports ?? {}).map(p => p.mode),
  ];
}

const describeCaller = (c: InboundCaller) =>
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

/** A span of time as people read it: `45 min`, `2.5 h`, `3 days`. */
function spanText(seconds: number): string {
  const round = (n: number) => String(Math.round(n * 10) / 10);
  if (seconds < 3600) return `${Math.max(0, Math.round(seconds / 60))} min`;
  if (seconds < 48 * 3600) return `${round(seconds / 3600)} h`;
  return `${round(seconds / 86400)} days`;
}

/**
 * How much earlier than the window's start the first sample may be found:
 * Prometheus is sampled at steps of at most 1% of the window (a minute at
 * least), plus its 5-minute lookback.
 */
function coverageTolerance(windowSeconds: number): number {
  return Math.max(300 + 60, windowSeconds / 100);
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * What the telemetry fails to prove for workloads that nothing known
 * blocks: that each has server-side metrics covering the whole window.
 */
function evidenceGaps(
  enrolled: WorkloadPosture[],
  traffic: InboundTraffic | undefined,
  windowSeconds: number,
): UnverifiedReason[] {
  const all = enrolled.map(w => key(w.namespace, w.name));
  const window = spanText(windowSeconds);
  if (!traffic?.available) {
    return [
      {
        code: 'no-telemetry',
        message: `No telemetry${
          traffic?.reason ? ` (${traffic.reason})` : ''
        }: plaintext callers and callers from outside the mesh are unknown, not absent`,
        workloads: all,
      },
    ];
  }
  const evidence = new Map(
    (traffic.evidence ?? []).map(e => [key(e.namespace, e.workload), e]),
  );
  const silent = all.filter(w => !evidence.has(w));
  const reasons: UnverifiedReason[] = [];
  if (silent.length) {
    reasons.push({
      code: 'no-telemetry',
      message: `No inbound traffic recorded over the last ${window} for ${silent.join(
        ', ',
      )}: its callers cannot be checked`,
      workloads: silent,
    });
  }
  const queried = traffic.windowSeconds ?? 0;
  const observedAt = traffic.observedAt ? Date.parse(traffic.observedAt) : NaN;
  const short: Array<{ workload: string; covered: number }> = [];
  for (const w of all) {
    const e = evidence.get(w);
    if (!e) continue;
    const since = Date.parse(e.observedSince);
    const until = Math.min(
      observedAt,
      e.observedUntil ? Date.parse(e.observedUntil) : observedAt,
    );
    const covered = Math.min(
      queried,
      Number.isFinite(until) && Number.isFinite(since)
        ? (until - since) / 1000
        : 0,
    );
    if (covered + coverageTolerance(windowSeconds) < windowSeconds) {
      short.push({ workload: w, covered });
    }
  }
  if (short.length) {
    const least = Math.min(...short.map(s => s.covered));
    reasons.push({
      code: 'window-too-short',
      message: `Telemetry covers ${spanText(
        least,
      )} of the ${window} observation window for ${short
        .map(s => s.workload)
        .join(', ')}`,
      workloads: short.map(s => s.workload),
    });
  }
  return reasons;
}

/**
 * Judges how far a group of workloads (an entity, a namespace) is from
 * STRICT, from the engine's posture, its findings and observed traffic.
 * Nothing known blocking STRICT is not enough for `ready-for-strict`: each
 * enrolled workload needs server-side telemetry over the whole window with
 * no plaintext inbound traffic and no caller from outside the mesh;
 * without that evidence the stage is `unverified`, with the reasons.
 * @public
 */
export function assessReadiness(input: ReadinessInput): Readiness {
  const { workloads, findings, traffic, controlPlaneNamespace, partial } =
    input;
  const windowSeconds =
    input.observationWindowSeconds ?? DEFAULT_OBSERVATION_WINDOW_SECONDS;
  const blockers: Blocker[] = [];
  const enrolled = workloads.filter(w => w.dataplane !== 'none');
  const callers = traffic?.available ? traffic.callers : [];
  for (const w of workloads) {
    const missing = w.pods.total - w.pods.injected;
    const controlPlane =
      w.namespace === controlPlaneNamespace &&
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
    const calls = callers.filter(
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
        callers: [...new Set(plaintext.map(describeCaller))],
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

  // A known blocker or exception stands whatever is unread; a verdict
  // that says all is well needs all of its inputs.
  const unverifiedReasons: UnverifiedReason[] = [];
  if (partial && stage !== 'permissive' && stage !== 'exception') {
    unverifiedReasons.push({ code: 'partial', message: partial });
  }
  // STRICT already refuses plaintext: only the move to it needs evidence.
  if (stage === 'ready-for-strict') {
    unverifiedReasons.push(...evidenceGaps(enrolled, traffic, windowSeconds));
  }
  return {
    stage: unverifiedReasons.length ? 'unverified' : stage,
    blockers,
    exceptions: enrolled.flatMap(w => exceptionOf(w) ?? []),
    telemetryUnknown: !traffic?.available,
    unverifiedReasons,
    observationWindowSeconds: windowSeconds,
  };
}

/** Stage order for "the least advanced of several". @public */
export const STAGE_ORDER: ReadinessStage[] = [
  'not-enrolled',
  'exception',
  'permissive',
  'unverified',
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

/**
 * One readiness for several groups (an entity across its clusters): the
 * least advanced stage, every blocker and exception, and the reasons of
 * the groups that are `unverified` when that is the stage. `partial` says
 * what none of the groups could see (a cluster not synced yet).
 * @public
 */
export function combineReadiness(
  parts: Readiness[],
  options: { partial?: string } = {},
): Readiness {
  let stage = leastAdvanced(parts.map(p => p.stage));
  const unverifiedReasons =
    stage === 'unverified' ? parts.flatMap(p => p.unverifiedReasons ?? []) : [];
  if (options.partial && stage !== 'permissive' && stage !== 'exception') {
    stage = 'unverified';
    unverifiedReasons.unshift({ code: 'partial', message: options.partial });
  }
  return {
    stage,
    blockers: parts.flatMap(p => p.blockers),
    exceptions: parts.flatMap(p => p.exceptions),
    telemetryUnknown: parts.some(p => p.telemetryUnknown),
    unverifiedReasons,
    observationWindowSeconds: parts.find(p => p.observationWindowSeconds)
      ?.observationWindowSeconds,
  };
}
