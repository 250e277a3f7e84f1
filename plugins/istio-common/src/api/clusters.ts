/**
 * Where one kind of object stands in a cluster's cache.
 * - `pending`: the first list has not finished;
 * - `synced`: listed and being watched;
 * - `forbidden`: the API server answered 403 (RBAC);
 * - `absent`: 404, e.g. the Istio CRDs are not installed;
 * - `error`: anything else; the last good data (if any) is still served.
 * @public
 */
export type KindSyncState =
  | 'pending'
  | 'synced'
  | 'forbidden'
  | 'absent'
  | 'error';

/**
 * The sync state of one kind of object in one cluster.
 * @public
 */
export interface KindStatus {
  kind: string;
  state: KindSyncState;
  count: number;
  message?: string;
  /** ISO time of the last list or watch event received. */
  lastEventTime?: string;
}

/**
 * The sync state of one cluster's cache.
 * @public
 */
export interface ClusterSyncStatus {
  cluster: string;
  source: 'kubernetes' | 'files';
  /** Every kind finished its first attempt (synced, forbidden, absent or error). */
  ready: boolean;
  /** A kind is in error or still pending: what is served may be out of date. */
  degraded: boolean;
  kinds: KindStatus[];
}

/**
 * Sync state of one cluster, as `GET /v1/clusters` returns it (no
 * credentials).
 * @public
 */
export interface ClusterStatusView extends ClusterSyncStatus {
  /** ISO time of the last report; absent before the first one. */
  computedAt?: string;
  objectCount: number;
  workloadCount: number;
  findingCount: number;
  problemCount: number;
  telemetryConfigured: boolean;
}

/**
 * The answer of `GET /v1/clusters`.
 * @public
 */
export interface ClusterStatusResponse {
  clusters: ClusterStatusView[];
}
