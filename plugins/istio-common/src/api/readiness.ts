import type { WorkloadPosture } from '../analysis/types';
import type { Severity } from '../model/findings';

/**
 * Where a group of workloads (an entity, a namespace) stands on the way to
 * STRICT mTLS:
 * - `not-enrolled`: no workload runs with a proxy;
 * - `permissive`: enrolled, PERMISSIVE, and something still blocks STRICT;
 * - `ready-for-strict`: enrolled, PERMISSIVE, nothing blocks STRICT;
 * - `strict`: every workload enforces STRICT on every port;
 * - `exception`: a workload deliberately disables mTLS (DISABLE).
 * @public
 */
export type ReadinessStage =
  | 'not-enrolled'
  | 'permissive'
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
}
