import { Finding, FindingDefinition } from '../model/findings';
import { MeshSnapshot, SnapshotProblem } from '../model/snapshot';
import { ClientTlsMode, MtlsMode } from '../model/resources';

/** How a workload's pods reach the mesh. @public */
export type Dataplane = 'sidecar' | 'ambient' | 'partial' | 'none';

/** Where the effective server-side mTLS mode came from. @public */
export type MtlsLevel = 'mesh' | 'namespace' | 'workload' | 'default';

/** The server-side mTLS a workload enforces. @public */
export interface WorkloadMtls {
  mode: Exclude<MtlsMode, 'UNSET'>;
  source: { level: MtlsLevel; policy: string | null };
  /** Target ports whose mode differs from `mode`. */
  ports: Record<string, { mode: Exclude<MtlsMode, 'UNSET'> }>;
}

/** Would a new pod of this workload get a sidecar, and why. @public */
export interface InjectionDecision {
  willInject: boolean;
  /** Resolved revision (tags resolved), `default` for the unnamed one, null when not injected. */
  revision: string | null;
  reason: string;
}

/** @public */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod';

/** Everything the engine says about one workload. @public */
export interface WorkloadPosture {
  namespace: string;
  name: string;
  kind: WorkloadKind;
  /** Pod template labels (or the pod's labels for bare pods). */
  labels: Record<string, string>;
  dataplane: Dataplane;
  pods: { total: number; injected: number };
  injection: InjectionDecision;
  mtls: WorkloadMtls;
  /** Names of Services in the namespace whose selector matches the workload. */
  services: string[];
}

/** What a client sends to one host (and port) under one DestinationRule or auto mTLS. @public */
export interface ClientTlsEntry {
  /** `namespace/name` of the DestinationRule, or null when only auto mTLS applies. */
  destinationRule: string | null;
  host: string;
  /**
   * The TLS the client sends: an explicit DestinationRule mode, or what auto
   * mTLS decides (`ISTIO_MUTUAL` or `DISABLE`).
   */
  mode: ClientTlsMode;
  source: 'destinationRule' | 'autoMtls';
  /** Ports whose setting differs because of `portLevelSettings`. */
  ports: Record<string, { mode: ClientTlsMode; source: 'destinationRule' | 'autoMtls' }>;
}

/** The result of one analysis. @public */
export interface MeshReport {
  workloads: WorkloadPosture[];
  clientTls: ClientTlsEntry[];
  findings: Finding[];
  /** Objects that could not be used (missing name, not an object...). */
  problems: SnapshotProblem[];
}

/**
 * Derived facts several analyzers share, computed once per analysis.
 * @public
 */
export interface MeshPosture {
  workloads: WorkloadPosture[];
  clientTls: ClientTlsEntry[];
}

/** What an analyzer sees. @public */
export interface AnalysisContext {
  snapshot: MeshSnapshot;
  /** Computed on first access. */
  readonly posture: MeshPosture;
}

/**
 * One check, named as upstream names it (`injection.Analyzer`) or as this
 * project does (`mtls.ConflictAnalyzer`).
 * @public
 */
export interface Analyzer {
  name: string;
  /**
   * The findings this analyzer can emit (the catalogue docs and UIs read),
   * so a runner can also filter output to one analyzer's codes.
   */
  definitions: FindingDefinition[];
  analyze(context: AnalysisContext): Finding[];
}
