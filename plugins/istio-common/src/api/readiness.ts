import type { WorkloadPosture } from '../analysis/types';
import type { Severity } from '../model/findings';

/**
 * Where a group of workloads (an entity, a namespace) stands on the way to
 * STRICT mTLS:
 * - `not-enrolled`: no workload runs with a proxy;
 * - `permissive`: enrolled, PERMISSIVE, and something still blocks STRICT;
 * - `unverified`: nothing known blocks STRICT (or STRICT is enforced), but
 *   the evidence does not prove it: no telemetry, a window shorter than
 *   configured, or partial data (a kind such as Pods forbidden or failing,
 *   a cluster not synced yet; see the posture's `missingKinds` and
 *   `pendingClusters`). Never shown as ready; the reasons are in
 *   {@link Readiness.unverifiedReasons};
 * - `ready-for-strict`: enrolled, PERMISSIVE, nothing blocks STRICT, and
 *   telemetry over the whole observation window shows no plaintext inbound
 *   traffic and no caller from outside the mesh;
 * - `strict`: every workload enforces STRICT on every port;
 * - `exception`: a workload deliberately disables mTLS (DISABLE).
 * @public
 */
export type ReadinessStage =
  | 'not-enrolled'
  | 'permissive'
  | 'unverified'
  | 'ready-for-strict'
  | 'strict'
  | 'exception';

/**
 * Something that would break, or is unknown, if the workloads moved to
 * STRICT.
 * @public
 */
export type Blocker =
  | {
      type: 'pods-without-proxy';
      workload: string;
      namespace: string;
      pods: number;
    }
  | {
      type: 'plaintext-callers';
      workload: string;
      namespace: string;
      callers: string[];
    }
  | {
      type: 'callers-outside-mesh';
      workload: string;
      namespace: string;
      requests: number;
    }
  | {
      type: 'conflict-finding';
      code: string;
      severity: Severity;
      resource: string;
      message: string;
    };

/**
 * A workload, or some of its ports, that disables mTLS on purpose: it
 * stays plaintext whatever the namespace moves to, since a workload-level
 * PeerAuthentication overrides the namespace's.
 * @public
 */
export interface ReadinessException {
  namespace: string;
  workload: string;
  /** The DISABLE ports; absent when the whole workload is DISABLE. */
  ports?: string[];
  /** The workload's own mode. */
  mode: WorkloadPosture['mtls']['mode'];
  /** The level deciding the mode: a workload-level policy keeps it whatever the namespace says. */
  level: WorkloadPosture['mtls']['source']['level'];
  /** `namespace/name` of the PeerAuthentication deciding it. */
  policy: string | null;
}

/**
 * Why the evidence does not prove a group of workloads ready for STRICT:
 * - `no-telemetry`: no server-side metrics for a workload (no Prometheus,
 *   a failed query, or no inbound traffic recorded at all);
 * - `window-too-short`: the metrics cover less time than the observation
 *   window;
 * - `partial`: part of what the verdict rests on could not be read.
 * @public
 */
export type UnverifiedReasonCode =
  | 'no-telemetry'
  | 'window-too-short'
  | 'partial';

/**
 * One reason for the `unverified` stage, with a sentence for people.
 * @public
 */
export interface UnverifiedReason {
  code: UnverifiedReasonCode;
  message: string;
  /** The workloads concerned (`namespace/name`), when the reason is about some. */
  workloads?: string[];
}

/**
 * The readiness of a group of workloads for STRICT mTLS.
 * @public
 */
export interface Readiness {
  stage: ReadinessStage;
  blockers: Blocker[];
  /** Deliberate plaintext: what the `exception` stage is about. */
  exceptions: ReadinessException[];
  /** Telemetry could not be read: plaintext callers are unknown, not absent. */
  telemetryUnknown: boolean;
  /**
   * Why the stage is `unverified`; empty for every other stage. Optional
   * for older backends, which never answer `unverified`.
   */
  unverifiedReasons?: UnverifiedReason[];
  /** The observation window the verdict asks telemetry to cover, in seconds. */
  observationWindowSeconds?: number;
}

/**
 * One blocker as a sentence for service owners, refusals and logs. What
 * STRICT breaks, and for whom: only a proxy enforces a PeerAuthentication,
 * so a pod without a sidecar keeps receiving traffic; it is its own
 * plaintext calls to STRICT servers that fail, and it stays unencrypted.
 * @public
 */
export function describeBlocker(blocker: Blocker): string {
  switch (blocker.type) {
    case 'pods-without-proxy': {
      const one = blocker.pods === 1;
      return `${blocker.namespace}/${blocker.workload}: ${blocker.pods} pod${
        one ? '' : 's'
      } without a sidecar: STRICT is not enforced on ${
        one ? 'it' : 'them'
      } and ${
        one ? 'its' : 'their'
      } own plaintext calls to STRICT servers fail; restart ${
        one ? 'it' : 'them'
      } with the proxy`;
    }
    case 'plaintext-callers':
      return `${blocker.namespace}/${
        blocker.workload
      }: plaintext callers would be refused (${(blocker.callers ?? []).join(
        ', ',
      )})`;
    case 'callers-outside-mesh': {
      const s = blocker.requests === 1 ? '' : 's';
      return `${blocker.namespace}/${blocker.workload}: ${blocker.requests} request${s} or connection${s} from callers outside the mesh would be refused`;
    }
    case 'conflict-finding':
      return `${blocker.code} ${blocker.resource}: ${blocker.message}`;
    default: {
      // A blocker type from a newer backend: its fields are unknown here,
      // so only its type is shown.
      const unknown = blocker as { type: string };
      return `${String(unknown.type).slice(0, 80)} (see the adoption page)`;
    }
  }
}
