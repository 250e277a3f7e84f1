import {
  EntityClusterPosture,
  EntityPosture,
} from '@meshportal/plugin-istio-common';
import { isOutsideMesh, isPlaintext } from '../telemetry/TelemetryService';

/** What the regression check remembers of an entity in one cluster. @public */
export interface ClusterMeshState {
  /** mTLS mode per `namespace/workload`, and per `namespace/workload:port` where a port differs. */
  modes: Record<string, string>;
  /** The entity was ready for STRICT, or STRICT, in this cluster. */
  ready: boolean;
  /** Plaintext callers (`source → destination`); absent when telemetry was unknown. */
  plaintextCallers?: string[];
  /** Error findings, as `code resource`. */
  errors: string[];
}

/** Per cluster. @public */
export type EntityMeshState = Record<string, ClusterMeshState>;

/** One way an entity slipped back since the last recorded state. @public */
export type Regression =
  | {
      type: 'mode';
      cluster: string;
      /** `namespace/workload`, or `namespace/workload:port`. */
      workload: string;
      from: string;
      to: string;
    }
  | {
      type: 'plaintext-caller';
      cluster: string;
      /** `sourceNamespace/sourceWorkload → namespace/workload`. */
      caller: string;
    }
  | { type: 'error-finding'; cluster: string; finding: string };

function clusterState(
  c: EntityClusterPosture,
  previous: ClusterMeshState | undefined,
): ClusterMeshState {
  const modes: Record<string, string> = {};
  for (const w of c.workloads) {
    if (w.dataplane === 'none') continue;
    modes[`${w.namespace}/${w.name}`] = w.mtls.mode;
    for (const [port, p] of Object.entries(w.mtls.ports ?? {})) {
      modes[`${w.namespace}/${w.name}:${port}`] = p.mode;
    }
  }
  const plaintextCallers = c.telemetry.available
    ? [
        ...new Set(
          c.telemetry.callers
            .filter(x => isPlaintext(x) && !isOutsideMesh(x))
            .map(
              x =>
                `${x.sourceNamespace}/${x.sourceWorkload} → ${x.destinationNamespace}/${x.destinationWorkload}`,
            ),
        ),
      ].sort()
    : // Unknown is not "none": keep what was last known.
      previous?.plaintextCallers;
  return {
    modes,
    ready:
      c.readiness.stage === 'ready-for-strict' ||
      c.readiness.stage === 'strict',
    ...(plaintextCallers ? { plaintextCallers } : {}),
    errors: [
      ...new Set(
        c.findings
          .filter(f => f.severity === 'Error')
          .map(f => `${f.code} ${f.resource}`),
      ),
    ].sort(),
  };
}

/**
 * The state to record for an entity: each cluster it was seen in, and for a
 * cluster not synced yet (pending) what was recorded before, so a cluster
 * outage is neither a regression nor, later, a recovery.
 * @public
 */
export function meshStateOf(
  posture: EntityPosture,
  previous: EntityMeshState | undefined,
): EntityMeshState {
  const state: EntityMeshState = {};
  for (const cluster of posture.pendingClusters) {
    if (previous?.[cluster]) state[cluster] = previous[cluster];
  }
  for (const c of posture.clusters) {
    state[c.cluster] = clusterState(c, previous?.[c.cluster]);
  }
  return state;
}

/**
 * How an entity slipped back from `before` to `now`: a workload or port
 * that was STRICT and is PERMISSIVE or DISABLE, a new plaintext caller
 * where the entity was ready for STRICT, a new Error finding. A workload
 * that disappeared is not a regression.
 * @public
 */
export function regressions(
  before: EntityMeshState,
  now: EntityMeshState,
): Regression[] {
  const found: Regression[] = [];
  for (const [cluster, current] of Object.entries(now)) {
    const last = before[cluster];
    if (!last) continue;
    for (const [workload, mode] of Object.entries(current.modes)) {
      const was = last.modes[workload];
      if (was === 'STRICT' && (mode === 'PERMISSIVE' || mode === 'DISABLE')) {
        found.push({ type: 'mode', cluster, workload, from: was, to: mode });
      }
    }
    if (last.ready && last.plaintextCallers && current.plaintextCallers) {
      const known = new Set(last.plaintextCallers);
      for (const caller of current.plaintextCallers) {
        if (!known.has(caller)) {
          found.push({ type: 'plaintext-caller', cluster, caller });
        }
      }
    }
    const knownErrors = new Set(last.errors);
    for (const finding of current.errors) {
      if (!knownErrors.has(finding)) {
        found.push({ type: 'error-finding', cluster, finding });
      }
    }
  }
  return found;
}

/** Whether two recorded states say the same. @public */
export function sameState(a: EntityMeshState, b: EntityMeshState): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sorted(v)]),
    );
  }
  return value;
}
