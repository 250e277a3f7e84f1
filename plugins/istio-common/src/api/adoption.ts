import type { Severity } from '../model/findings';
import type { ClusterReportOrigin } from './clusters';
import type { ToolLinks } from './entityPosture';
import type {
  Blocker,
  ReadinessException,
  ReadinessStage,
  UnverifiedReason,
} from './readiness';

/**
 * Narrows the adoption report to one owner, system or cluster.
 * @public
 */
export interface AdoptionFilters {
  owner?: string;
  system?: string;
  cluster?: string;
}

/**
 * Workload counts and their shares (percent, one decimal).
 * @public
 */
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

/**
 * The adoption of one namespace in one cluster, and what blocks its next
 * wave.
 * @public
 */
export interface NamespaceAdoption {
  cluster: string;
  namespace: string;
  counts: AdoptionCounts;
  /** The namespace's wave stage toward STRICT. */
  stage: ReadinessStage;
  /**
   * What breaks, or stays unprotected, if the namespace moves to STRICT now:
   * pods without a proxy, plaintext and out-of-mesh callers per workload,
   * and mTLS conflict findings.
   */
  blockers: Blocker[];
  /** Workloads or ports kept plaintext on purpose (they stay so under STRICT). */
  exceptions: ReadinessException[];
  /** Plaintext callers could not be read: "no blocker" means none known. */
  telemetryUnknown: boolean;
  /** Why the stage is `unverified`; empty otherwise. Optional for older backends. */
  unverifiedReasons?: UnverifiedReason[];
  /** The mesh's control-plane (root) namespace, e.g. `istio-system`: not a wave of its own. */
  controlPlane?: boolean;
  links: ToolLinks;
}

/**
 * The adoption of one catalog entity.
 * @public
 */
export interface EntityAdoption {
  entityRef: string;
  owner?: string;
  system?: string;
  stage: ReadinessStage;
  /** Why the stage is `unverified`; empty otherwise. Optional for older backends. */
  unverifiedReasons?: UnverifiedReason[];
  counts: AdoptionCounts;
}

/**
 * A finding code and how many times the engine raised it.
 * @public
 */
export interface TopFinding {
  code: string;
  name: string;
  severity: Severity;
  count: number;
}

/**
 * The answer of `GET /v1/adoption`.
 * @public
 */
export interface AdoptionReport {
  generatedAt: string;
  filters: AdoptionFilters;
  totals: AdoptionCounts;
  byOwner: Array<{ owner: string; counts: AdoptionCounts }>;
  bySystem: Array<{ system: string; counts: AdoptionCounts }>;
  byNamespace: NamespaceAdoption[];
  entities: EntityAdoption[];
  topFindings: TopFinding[];
  /** Entities whose selector annotation cannot be parsed. */
  unmappedEntities: Array<{ entityRef: string; error: string }>;
  /** Clusters whose traffic could not be read (plaintext callers unknown). */
  telemetryUnavailable: string[];
  /**
   * The cluster reports the answer was computed from, one per cluster, with
   * their age. Optional for older backends.
   */
  reports?: ClusterReportOrigin[];
}

/**
 * One recorded period of the adoption history.
 * @public
 */
export interface AdoptionHistoryPeriod {
  /** ISO start of the period. */
  periodStart: string;
  /**
   * The mesh's {@link AdoptionCounts}; for an entity's series, its counts
   * and `stage`. Absent when the period has no such record.
   */
  totals?: unknown;
  /** Per `cluster/namespace`: its stage and recorded counts and blockers. */
  namespaces: Array<{ subject: string; stage?: string; data: unknown }>;
}

/**
 * The answer of `GET /v1/adoption/history`.
 * @public
 */
export interface AdoptionHistoryResponse {
  from: string;
  to: string;
  /** Length of one period; absent when history is not recorded. */
  periodMs?: number;
  /** Oldest first. */
  points: AdoptionHistoryPeriod[];
}
