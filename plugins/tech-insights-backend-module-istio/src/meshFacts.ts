import { FactSchema } from '@backstage-community/plugin-tech-insights-common';
import {
  ReadinessStage,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import { IstioEntityPosture } from './entityPosture';

/**
 * The effective mTLS an entity's workloads accept, weakest first: `NONE`
 * means a workload runs without any proxy (or the entity has no workload),
 * so nothing can enforce mTLS for it.
 * @public
 */
export type MeshMtlsFactMode = 'NONE' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

/**
 * The facts the `istio-mesh-facts` retriever stores per entity.
 * @public
 */
export interface IstioMeshFacts {
  /** Every workload of the entity runs with a sidecar or in ambient mode. */
  meshEnrolled: boolean;
  /** Share of the entity's pods inside the mesh (0 to 1; 0 without pods). */
  sidecarCoverage: number;
  /** The weakest server-side mTLS mode across workloads and ports. */
  mtlsMode: MeshMtlsFactMode;
  /**
   * The readiness stage is `strict` or `ready-for-strict`: never while the
   * verdict is `unverified` (no telemetry, a short window, partial data).
   */
  strictReady: boolean;
  /** The verdict's stage, as the entity page shows it. */
  readinessStage: ReadinessStage;
  /** How many things block STRICT mTLS. */
  blockerCount: number;
  /** How many Error findings concern the entity's objects. */
  errorFindings: number;
}

/**
 * Tech Insights schema of {@link IstioMeshFacts}.
 * @public
 */
export const ISTIO_MESH_FACTS_SCHEMA: FactSchema = {
  meshEnrolled: {
    type: 'boolean',
    description:
      'Every workload of the entity runs with an Istio sidecar or in ambient mode',
  },
  sidecarCoverage: {
    type: 'float',
    description:
      'Share of the entity pods inside the mesh, from 0 to 1 (0 when it has no pods)',
  },
  mtlsMode: {
    type: 'string',
    description:
      'Weakest mTLS mode the entity workloads accept on any port: STRICT, PERMISSIVE, DISABLE, or NONE when a workload has no proxy',
  },
  strictReady: {
    type: 'boolean',
    description:
      'The entity is STRICT already, or telemetry over the observation window shows nothing blocks moving it to STRICT (false while unverified)',
  },
  readinessStage: {
    type: 'string',
    description:
      'Readiness for STRICT: not-enrolled, permissive, unverified (no evidence: no telemetry, a window shorter than configured, or partial data), ready-for-strict, strict or exception',
  },
  blockerCount: {
    type: 'integer',
    description: 'How many blockers stand between the entity and STRICT mTLS',
  },
  errorFindings: {
    type: 'integer',
    description: 'How many Error findings MeshPortal reports about the entity',
  },
};

const MODE_ORDER: MeshMtlsFactMode[] = [
  'NONE',
  'DISABLE',
  'PERMISSIVE',
  'STRICT',
];

function weakest(a: MeshMtlsFactMode, b: MeshMtlsFactMode) {
  return MODE_ORDER.indexOf(a) <= MODE_ORDER.indexOf(b) ? a : b;
}

/** The weakest mode a workload accepts; a workload without a proxy enforces nothing. */
function workloadMode(workload: WorkloadPosture): MeshMtlsFactMode {
  if (workload.dataplane === 'none') return 'NONE';
  return Object.values(workload.mtls.ports ?? {}).reduce<MeshMtlsFactMode>(
    (mode, port) => weakest(mode, port.mode),
    workload.mtls.mode,
  );
}

/** Pods with a dataplane: sidecar-injected pods, and every pod of an ambient workload. */
function podsInMesh(workload: WorkloadPosture): number {
  return workload.dataplane === 'ambient'
    ? workload.pods.total
    : workload.pods.injected;
}

/**
 * Computes an entity's mesh facts from its posture as the istio backend
 * serves it. Pure, so scorecards mean exactly what the entity page shows.
 * @public
 */
export function meshFactsOf(posture: IstioEntityPosture): IstioMeshFacts {
  const workloads = posture.clusters.flatMap(c => c.workloads);
  const pods = workloads.reduce((n, w) => n + w.pods.total, 0);
  const inMesh = workloads.reduce((n, w) => n + podsInMesh(w), 0);
  const mtlsMode = workloads.length
    ? workloads.map(workloadMode).reduce(weakest)
    : 'NONE';
  const stage = posture.readiness.stage;
  return {
    meshEnrolled:
      workloads.length > 0 && workloads.every(w => w.dataplane !== 'none'),
    sidecarCoverage: pods ? inMesh / pods : 0,
    mtlsMode,
    strictReady: stage === 'strict' || stage === 'ready-for-strict',
    readinessStage: stage,
    blockerCount: posture.readiness.blockers.length,
    errorFindings: posture.clusters.reduce(
      (n, c) => n + c.findings.filter(f => f.severity === 'Error').length,
      0,
    ),
  };
}
