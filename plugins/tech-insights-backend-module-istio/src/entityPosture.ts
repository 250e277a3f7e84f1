import { Finding, WorkloadPosture } from '@meshportal/plugin-istio-common';

/**
 * A readiness stage of the MeshPortal istio backend, from least to most
 * advanced: `not-enrolled`, `exception`, `permissive`, `ready-for-strict`,
 * `strict`.
 * @public
 */
export type MeshReadinessStage =
  | 'not-enrolled'
  | 'exception'
  | 'permissive'
  | 'ready-for-strict'
  | 'strict';

/**
 * The part of the istio backend's `GET /v1/entities/:kind/:namespace/:name`
 * answer that the facts are computed from. The backend owns the full shape
 * (docs/backend.md); this module reads only these fields.
 * @public
 */
export interface IstioEntityPosture {
  entityRef: string;
  /** A cluster is degraded (a kind failing or still syncing). */
  stale: boolean;
  /** Clusters whose first sync has not finished. */
  pendingClusters: string[];
  readiness: {
    /** The least advanced stage across the entity's clusters. */
    stage: MeshReadinessStage;
    /** What blocks STRICT, each with a `type` (pods without proxy, plaintext callers...). */
    blockers: Array<{ type: string }>;
    telemetryUnknown: boolean;
  };
  clusters: Array<{
    cluster: string;
    workloads: WorkloadPosture[];
    findings: Finding[];
  }>;
}
