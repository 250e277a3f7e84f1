import type { ClientTlsEntry, WorkloadPosture } from '../analysis/types';
import type { Finding } from '../model/findings';
import type { HttpRoute, ServicePort } from '../model/resources';
import type { MissingKind } from './clusters';
import type { Readiness } from './readiness';

/**
 * Links to the observability tools for one object; a tool that is not
 * configured has no link.
 * @public
 */
export interface ToolLinks {
  kiali?: string;
  grafana?: string;
  tracing?: string;
}

/**
 * Traffic one server-side workload received from one caller.
 * @public
 */
export interface InboundCaller {
  destinationNamespace: string;
  destinationWorkload: string;
  /** `unknown` when the caller is outside the mesh. */
  sourceNamespace: string;
  sourceWorkload: string;
  /** `mutual_tls` or `none` (plaintext), as the destination reported it. */
  securityPolicy: string;
  /** Requests over the window (HTTP and gRPC). */
  requests: number;
  /** TCP connections opened over the window. */
  tcpConnections: number;
}

/**
 * Everything one source workload sent, and how much of it was mTLS.
 * @public
 */
export interface CallerSource {
  /** `unknown` when the caller is outside the mesh. */
  sourceNamespace: string;
  sourceWorkload: string;
  requests: number;
  tcpConnections: number;
  /** Share (0 to 1) of requests and connections sent over mutual TLS. */
  mtlsShare: number;
}

/**
 * What one port of a workload received over the observation window, as
 * its server side reported it.
 * @public
 */
export interface PortTrafficEvidence {
  /**
   * The metrics' `destination_port` label. Absent when they carry none:
   * Istio's standard labels have no port, so the figures cover all ports
   * unless a Telemetry resource adds `destination_port`.
   */
  port?: string;
  requests: number;
  mtlsRequests: number;
  tcpConnections: number;
  mtlsTcpConnections: number;
  /** Share (0 to 1) of requests over mutual TLS; null without requests. */
  requestsMtlsShare: number | null;
  /** Share (0 to 1) of TCP connections over mutual TLS; null without connections. */
  tcpMtlsShare: number | null;
  /** When plaintext was last seen inside the window (ISO); absent when never. */
  lastPlaintextAt?: string;
}

/**
 * The telemetry a verdict rests on for one workload.
 * @public
 */
export interface WorkloadTrafficEvidence {
  namespace: string;
  workload: string;
  /** The earliest server-side sample of the workload inside the window (ISO). */
  observedSince: string;
  /** The latest one (ISO): a Prometheus that stopped receiving data covers less. */
  observedUntil?: string;
  ports: PortTrafficEvidence[];
}

/**
 * Observed traffic, or why there is none.
 * @public
 */
export interface InboundTraffic {
  available: boolean;
  /** The observation window, as a Prometheus duration (`24h`). */
  window: string;
  /** The observation window in seconds. */
  windowSeconds?: number;
  /** When Prometheus was asked (ISO). */
  observedAt?: string;
  /** Why telemetry is unavailable (no Prometheus configured, query failed). */
  reason?: string;
  callers: InboundCaller[];
  /** The callers summed per source workload, busiest first. */
  sources: CallerSource[];
  /**
   * Per workload that has server-side metrics in the window: since when,
   * and its ports' mTLS shares. A workload missing here has no telemetry.
   */
  evidence?: WorkloadTrafficEvidence[];
}

/**
 * One destination of a route, weight included.
 * @public
 */
export interface RouteDestination {
  host: string;
  subset?: string;
  port?: number;
  weight?: number;
}

/**
 * One HTTP, TCP or TLS rule of a VirtualService, as teams read it.
 * @public
 */
export interface RouteRule {
  protocol: 'http' | 'tcp' | 'tls';
  name?: string;
  match?: any[];
  destinations: RouteDestination[];
  timeout?: string;
  retries?: HttpRoute['retries'];
  fault?: HttpRoute['fault'];
  mirrors?: Array<{ host: string; subset?: string; percentage?: number }>;
  redirect?: any;
  rewrite?: any;
}

/**
 * A VirtualService that routes to a service, its rules flattened.
 * @public
 */
export interface VirtualServiceView {
  namespace: string;
  name: string;
  hosts: string[];
  gateways: string[];
  rules: RouteRule[];
}

/**
 * A DestinationRule for a service: its traffic policy and subsets.
 * @public
 */
export interface DestinationRuleView {
  namespace: string;
  name: string;
  host: string;
  tls?: any;
  connectionPool?: any;
  outlierDetection?: any;
  loadBalancer?: any;
  portLevelSettings?: any[];
  subsets: Array<{
    name: string;
    labels?: Record<string, string>;
    trafficPolicy?: any;
  }>;
}

/**
 * An AuthorizationPolicy that applies to an entity's workloads.
 * @public
 */
export interface AuthorizationPolicyView {
  namespace: string;
  name: string;
  action: string;
  /** `mesh` (root namespace, no selector), `namespace` or `workload`. */
  scope: 'mesh' | 'namespace' | 'workload';
  selector?: Record<string, string>;
  rules: any[];
}

/**
 * A service of the entity with the routing and client TLS that apply to it.
 * @public
 */
export interface ServicePosture {
  namespace: string;
  name: string;
  ports: ServicePort[];
  selector?: Record<string, string>;
  virtualServices: VirtualServiceView[];
  destinationRules: DestinationRuleView[];
  /** What clients send to this service (DestinationRule or auto mTLS). */
  clientTls: ClientTlsEntry[];
  links: ToolLinks;
}

/**
 * A workload as the entity endpoint returns it.
 * @public
 */
export type EntityWorkload = WorkloadPosture & { links: ToolLinks };

/**
 * The manifest of an Istio object that applies to an entity.
 * @public
 */
export interface AppliedObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec?: unknown;
}

/**
 * The posture of an entity in one cluster.
 * @public
 */
export interface EntityClusterPosture {
  cluster: string;
  /** When the report this posture comes from was computed (ISO). */
  generatedAt: string;
  ageSeconds: number;
  /**
   * Which report of the cluster this posture comes from, counted from 1
   * per cluster since the backend started (as `reportGeneration` of
   * `ClusterReportOrigin`). Optional for older backends.
   */
  reportGeneration?: number;
  /** The cluster's cache may be out of date (a kind failing or still syncing). */
  stale: boolean;
  /**
   * Kinds of this cluster the posture could not see (forbidden, failing,
   * absent core kinds): the readiness is then `unverified`, reason
   * `partial`. Optional for older backends.
   */
  missingKinds?: MissingKind[];
  workloads: EntityWorkload[];
  services: ServicePosture[];
  authorizationPolicies: AuthorizationPolicyView[];
  findings: Finding[];
  telemetry: InboundTraffic;
  readiness: Readiness;
  links: { namespaces: Record<string, ToolLinks>; graph?: string };
  /**
   * Manifests of the Istio objects that apply to the entity (its
   * PeerAuthentications, DestinationRules, VirtualServices,
   * AuthorizationPolicies...), as the cluster holds them. Optional for
   * older backends; clients fall back to the summaries above.
   */
  objects?: AppliedObject[];
}

/**
 * Everything the entity page shows: the answer of
 * `GET /v1/entities/:kind/:namespace/:name`.
 * @public
 */
export interface EntityPosture {
  entityRef: string;
  selector: { labelSelector: string; namespace?: string; cluster?: string };
  generatedAt: string;
  ageSeconds: number;
  stale: boolean;
  /** The least advanced readiness across the entity's clusters. */
  readiness: Readiness;
  clusters: EntityClusterPosture[];
  /** Clusters whose first sync has not finished: the entity may have objects there. */
  pendingClusters: string[];
  /**
   * Part of what the posture rests on could not be read: a pending
   * cluster, or a cluster missing kinds (see `missingKinds`). Optional for
   * older backends.
   */
  degraded?: boolean;
  /**
   * The missing kinds of every cluster the entity may have objects in,
   * whether or not any was found there.
   */
  missingKinds?: Array<MissingKind & { cluster: string }>;
}
