import type {
  ClientTlsEntry,
  Finding,
  Severity,
  ServicePort,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';

// Response types of the istio backend (/api/istio), mirrored here so the
// frontend does not depend on the backend package. Optional fields stay
// optional: an older or newer backend may omit them.

/** Links to the observability tools for one object. @public */
export interface ToolLinks {
  kiali?: string;
  grafana?: string;
  tracing?: string;
}

/**
 * Where a group of workloads stands on the way to STRICT mTLS.
 * @public
 */
export type ReadinessStage =
  | 'not-enrolled'
  | 'permissive'
  | 'ready-for-strict'
  | 'strict'
  | 'exception';

/** Something that would break, or is unknown, if the workloads moved to STRICT. @public */
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
      resource: string;
      message: string;
    };

/** @public */
export interface Readiness {
  stage: ReadinessStage;
  blockers: Blocker[];
  /** Telemetry could not be read: plaintext callers are unknown, not absent. */
  telemetryUnknown?: boolean;
}

/** Traffic one workload received from one caller. @public */
export interface InboundCaller {
  destinationNamespace: string;
  destinationWorkload: string;
  /** `unknown` when the caller is outside the mesh. */
  sourceNamespace: string;
  sourceWorkload: string;
  /** `mutual_tls` or `none` (plaintext). */
  securityPolicy: string;
  requests: number;
  tcpConnections: number;
}

/** Observed traffic, or why there is none. @public */
export interface InboundTraffic {
  available: boolean;
  window?: string;
  reason?: string;
  callers: InboundCaller[];
}

/** One destination of a route. @public */
export interface RouteDestination {
  host: string;
  subset?: string;
  port?: number;
  weight?: number;
}

/** One HTTP, TCP or TLS rule of a VirtualService. @public */
export interface RouteRule {
  protocol: 'http' | 'tcp' | 'tls';
  name?: string;
  match?: any[];
  destinations: RouteDestination[];
  timeout?: string;
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
  fault?: {
    delay?: {
      fixedDelay?: string;
      percentage?: { value?: number };
      percent?: number;
    };
    abort?: {
      httpStatus?: number;
      grpcStatus?: string;
      percentage?: { value?: number };
    };
  };
  mirrors?: Array<{ host: string; subset?: string; percentage?: number }>;
  redirect?: any;
  rewrite?: any;
}

/** @public */
export interface VirtualServiceView {
  namespace: string;
  name: string;
  hosts: string[];
  gateways: string[];
  rules: RouteRule[];
}

/** @public */
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

/** @public */
export interface AuthorizationPolicyView {
  namespace: string;
  name: string;
  action: string;
  scope: 'mesh' | 'namespace' | 'workload';
  selector?: Record<string, string>;
  rules: any[];
}

/** @public */
export interface ServicePosture {
  namespace: string;
  name: string;
  ports: ServicePort[];
  selector?: Record<string, string>;
  virtualServices: VirtualServiceView[];
  destinationRules: DestinationRuleView[];
  clientTls: ClientTlsEntry[];
  links?: ToolLinks;
}

/** A workload as the entity endpoint returns it. @public */
export type EntityWorkload = WorkloadPosture & { links?: ToolLinks };

/** The manifest of an Istio object that applies, when the backend sends it. @public */
export interface AppliedObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec?: unknown;
}

/** @public */
export interface EntityClusterPosture {
  cluster: string;
  generatedAt: string;
  ageSeconds: number;
  /** The cluster's cache is degraded (a kind failing or still syncing). */
  stale: boolean;
  workloads: EntityWorkload[];
  services: ServicePosture[];
  authorizationPolicies: AuthorizationPolicyView[];
  findings: Finding[];
  telemetry?: InboundTraffic;
  readiness: Readiness;
  links?: { namespaces?: Record<string, ToolLinks>; graph?: string };
  /** Raw manifests of the Istio objects that apply (newer backends). */
  objects?: AppliedObject[];
}

/** Everything the entity page shows. @public */
export interface EntityPosture {
  entityRef: string;
  selector: { labelSelector: string; namespace?: string; cluster?: string };
  generatedAt: string;
  ageSeconds: number;
  stale: boolean;
  readiness: Readiness;
  clusters: EntityClusterPosture[];
  /** Clusters whose first sync has not finished. */
  pendingClusters?: string[];
}

/** @public */
export type KindSyncState =
  | 'pending'
  | 'synced'
  | 'forbidden'
  | 'absent'
  | 'error';

/** @public */
export interface KindStatus {
  kind: string;
  state: KindSyncState;
  count: number;
  message?: string;
  lastEventTime?: string;
}

/** Sync state of one cluster (GET /v1/clusters). @public */
export interface ClusterStatusView {
  cluster: string;
  source?: 'kubernetes' | 'files';
  ready: boolean;
  degraded: boolean;
  kinds: KindStatus[];
  computedAt?: string;
  objectCount?: number;
  workloadCount?: number;
  findingCount?: number;
  problemCount?: number;
  telemetryConfigured?: boolean;
}

/** @public */
export interface AdoptionFilters {
  owner?: string;
  system?: string;
  cluster?: string;
}

/** Workload counts and their shares (percent). @public */
export interface AdoptionCounts {
  workloads: number;
  enrolled: number;
  strict: number;
  permissive: number;
  disable: number;
  notInMesh: number;
  percent: {
    enrolled: number;
    strict: number;
    permissive: number;
    disable: number;
    notInMesh: number;
  };
}

/** @public */
export interface NamespaceAdoption {
  cluster: string;
  namespace: string;
  counts: AdoptionCounts;
  stage: ReadinessStage;
  blockers: Blocker[];
  links?: ToolLinks;
}

/** @public */
export interface EntityAdoption {
  entityRef: string;
  owner?: string;
  system?: string;
  stage: ReadinessStage;
  counts: AdoptionCounts;
}

/** @public */
export interface TopFinding {
  code: string;
  name: string;
  severity: Severity;
  count: number;
}

/** GET /v1/adoption. @public */
export interface AdoptionReport {
  generatedAt: string;
  filters?: AdoptionFilters;
  totals: AdoptionCounts;
  byOwner: Array<{ owner: string; counts: AdoptionCounts }>;
  bySystem: Array<{ system: string; counts: AdoptionCounts }>;
  byNamespace: NamespaceAdoption[];
  entities: EntityAdoption[];
  topFindings: TopFinding[];
  unmappedEntities?: Array<{ entityRef: string; error: string }>;
  telemetryUnavailable?: string[];
}

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
