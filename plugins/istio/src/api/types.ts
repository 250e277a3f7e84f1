// The backend's response types live in @meshportal/plugin-istio-common;
// this file holds what only the frontend builds from them.

/**
 * One point of the mesh-wide adoption history, normalized by the client
 * from GET /v1/adoption/history.
 * @public
 */
export interface AdoptionHistoryPoint {
  /** ISO start of the recorded period. */
  time: string;
  /** Percent of workloads in the mesh. */
  enrolled: number;
  /** Percent of workloads at STRICT. */
  strict: number;
  /** Open blockers at that time, when recorded. */
  blockers?: number;
}
