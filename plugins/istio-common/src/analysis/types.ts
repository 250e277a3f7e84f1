import { Finding, FindingDefinition } from '../model/findings';
import { MeshSnapshot, SnapshotProblem } from '../model/snapshot';
import { ClientTlsMode, MtlsMode, ResourceKind } from '../model/resources';

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

/**
 * What auto mTLS sends to one workload behind a Service port: mTLS to its
 * sidecar pods, unless the workload's own PeerAuthentication for the target
 * port is DISABLE; plaintext to pods without a sidecar.
 * @public
 */
export interface ClientTlsEndpoint {
  /** `namespace/name` of the workload. */
  workload: string;
  /** The container port the Service port reaches; absent for the portless summary. */
  targetPort?: number | string;
  mode: 'ISTIO_MUTUAL' | 'DISABLE';
  reason: 'sidecar' | 'noSidecar' | 'peerAuthenticationDisable';
  /** With `peerAuthenticationDisable`: the policy that says DISABLE (`namespace/name`), null for none. */
  policy?: string | null;
}

/** What a client sends on one port of a host. @public */
export interface ClientTlsPortEntry {
  /**
   * The DestinationRule mode, or under auto mTLS `ISTIO_MUTUAL` when at
   * least one endpoint gets mTLS and `DISABLE` when none does.
   */
  mode: ClientTlsMode;
  source: 'destinationRule' | 'autoMtls';
  /** When auto mTLS decides per endpoint: what each workload behind the port gets. */
  endpoints?: ClientTlsEndpoint[];
}

/** What a client sends to one host (and port) under one DestinationRule or auto mTLS. @public */
export interface ClientTlsEntry {
  /** `namespace/name` of the DestinationRule, or null when only auto mTLS applies. */
  destinationRule: string | null;
  host: string;
  /**
   * The TLS the client sends: an explicit DestinationRule mode, or what auto
   * mTLS decides (`ISTIO_MUTUAL` or `DISABLE`); the mode every Service port
   * shares when they agree.
   */
  mode: ClientTlsMode;
  source: 'destinationRule' | 'autoMtls';
  /**
   * Per port: every Service port that auto mTLS decides per endpoint, and
   * any port (Service port or `portLevelSettings`) whose setting differs
   * from `mode`.
   */
  ports: Record<string, ClientTlsPortEntry>;
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
  /**
   * The kinds the analyzer reads (upstream's `Metadata().Inputs`). When the
   * snapshot does not observe one of them (its source did not read the kind:
   * never listed, forbidden), the analyzer is skipped rather than report on
   * missing objects. Unset: always runs.
   */
  inputs?: ResourceKind[];
  analyze(context: AnalysisContext): Finding[];
}
