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
 * Why a kind (or a whole cluster) is not synced, in words that name no
 * host, path or server text, so every signed-in user may see it:
 * - `unreachable`: no connection (refused, unknown host, reset);
 * - `timeout`: the server did not answer in time;
 * - `tls`: the server's certificate was not trusted or did not match;
 * - `unauthorized`: the server refused the credentials (401);
 * - `forbidden`: the credentials may not read this (403);
 * - `absent`: no such resource (404), e.g. a CRD not installed;
 * - `server-error`: the server failed (5xx);
 * - `bad-response`: the answer could not be read;
 * - `configuration`: the cluster's settings could not be used (a missing
 *   kubeconfig or CA file, no server URL);
 * - `invalid-snapshot`: a snapshot file could not be read or parsed;
 * - `unknown`: anything else.
 * @public
 */
export type ClusterProblemReason =
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'absent'
  | 'server-error'
  | 'bad-response'
  | 'configuration'
  | 'invalid-snapshot'
  | 'unknown';

/**
 * The sync state of one kind of object in one cluster.
 * @public
 */
export interface KindStatus {
  kind: string;
  state: KindSyncState;
  count: number;
  /** Why the kind is not synced; set with `forbidden`, `absent` and `error`. */
  reason?: ClusterProblemReason;
  /**
   * The error as the server or the file system gave it (may name hosts,
   * ports and paths). `GET /v1/clusters` includes it only for callers
   * allowed `istio.clusters.read`.
   */
  message?: string;
  /** ISO time of the last list or watch event received. */
  lastEventTime?: string;
}

/**
 * A kind whose objects a cluster's posture lacks: never listed (still
 * pending, or failing since the start), forbidden, or absent though it
 * matters (a core kind). An absent Istio CRD is not missing: Istio is then
 * not installed, and there are none of its objects to see.
 * @public
 */
export interface MissingKind {
  kind: string;
  state: Exclude<KindSyncState, 'synced'>;
  reason?: ClusterProblemReason;
}

/**
 * The sync state of one cluster's cache.
 * @public
 */
export interface ClusterSyncStatus {
  cluster: string;
  source: 'kubernetes' | 'files';
  /**
   * A first list succeeded and every kind finished its first attempt: a
   * report may be computed. False while the API server cannot be reached
   * at all, so an empty cache is never taken for an empty cluster.
   */
  ready: boolean;
  /**
   * A kind is in error, still pending or missing: what is served may be
   * out of date or partial.
   */
  degraded: boolean;
  /**
   * Kinds whose objects are not in the cache at all (see
   * {@link MissingKind}); a readiness resting on them is `unverified`
   * (reason `partial`), never ready.
   */
  missingKinds: MissingKind[];
  kinds: KindStatus[];
}

/**
 * Sync state of one cluster, as `GET /v1/clusters` returns it (no
 * credentials; error details only with `istio.clusters.read`).
 * @public
 */
export interface ClusterStatusView extends ClusterSyncStatus {
  /** ISO time of the last report; absent before the first one. */
  computedAt?: string;
  /** The last report's {@link ClusterReportOrigin.reportGeneration}; absent before the first one. */
  reportGeneration?: number;
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

/**
 * The cluster report an answer was computed from, and how old it is.
 * @public
 */
export interface ClusterReportOrigin {
  cluster: string;
  /**
   * Counts the cluster's reports from 1 since the backend started: a
   * higher one is newer, and two answers with the same one rest on the
   * same objects. Each replica counts its own.
   */
  reportGeneration: number;
  /** When the report was computed (ISO). */
  generatedAt: string;
  ageSeconds: number;
}
