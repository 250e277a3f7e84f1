/**
 * A catalog entity that claims a caller's workload through its Kubernetes
 * annotations, as the reader of the answer may see it.
 * @public
 */
export interface CallerEntity {
  entityRef: string;
  /** The owner's entity ref (a group or user), when the entity names one. */
  owner?: string;
}

/**
 * A caller a workload would refuse under STRICT, resolved to the catalog.
 * @public
 */
export interface ResolvedCaller {
  cluster: string;
  /** The workload called, `namespace/name`. */
  destination: string;
  /** `plaintext`: a mesh workload sending plaintext; `outside-mesh`: no proxy identified it. */
  kind: 'plaintext' | 'outside-mesh';
  /** As the telemetry reports them; `unknown` for a caller outside the mesh. */
  sourceNamespace: string;
  sourceWorkload: string;
  /** Requests plus TCP connections over the telemetry window. */
  count: number;
  /**
   * The entities claiming the source workload that the reader may see.
   * Empty: no entity the reader can see claims it (it is unclaimed, or
   * claimed only by entities hidden from the reader).
   */
  entities: CallerEntity[];
}

/**
 * The answer of `GET /v1/entities/:kind/:namespace/:name/callers` and
 * `GET /v1/adoption/callers`.
 * @public
 */
export interface ResolvedCallersResponse {
  callers: ResolvedCaller[];
  /** Clusters whose telemetry could not be read: their callers are unknown, not absent. */
  telemetryUnavailable: string[];
}

/**
 * The body of the "notify caller owners" requests.
 * @public
 */
export interface NotifyCallerOwnersRequest {
  /** The day the switch to STRICT is planned, `YYYY-MM-DD`. */
  plannedDate: string;
  /** Optional words of the platform team, added to the notice. */
  note?: string;
}

/**
 * The answer of a "notify caller owners" request.
 * @public
 */
export interface NotifyCallerOwnersResponse {
  /** Owners notified now. */
  notified: string[];
  /** Owners already told about this target and date: not notified again. */
  alreadyNotified: string[];
  /** Callers no visible entity claims: nobody could be told about them. */
  unclaimed: Array<{ sourceNamespace: string; sourceWorkload: string }>;
}
