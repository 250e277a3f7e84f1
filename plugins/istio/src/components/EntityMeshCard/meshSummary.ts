import {
  EntityPosture,
  Finding,
  ReadinessStage,
  SEVERITY_RANK,
} from '@meshportal/plugin-istio-common';
import { MtlsModeName, weakestMode } from '../meshStatus';

/** The entity's posture reduced to what the card shows at a glance. */
export interface MeshSummary {
  /** `Sidecar`, `Ambient`, `Partial: n of m pods`. */
  dataplane: string;
  fullyEnrolled: boolean;
  revisions: string[];
  mtls?: {
    mode: MtlsModeName;
    /** `PeerAuthentication ns/name (namespace)` or `mesh default`. */
    decidedBy: string;
    /** Ports whose mode differs, e.g. `8080: PERMISSIVE`. */
    differingPorts: string[];
  };
  stage: ReadinessStage;
  blockers: number;
  topFindings: Finding[];
  findingCount: number;
  kialiUrl?: string;
  grafanaUrl?: string;
  workloadCount: number;
  clusterCount: number;
}

/** Orders findings most severe first, then by code. */
export function bySeverity(a: Finding, b: Finding): number {
  return (
    (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0) ||
    a.code.localeCompare(b.code)
  );
}

export function summarizeMesh(posture: EntityPosture, top = 3): MeshSummary {
  const workloads = posture.clusters.flatMap(c => c.workloads);
  const services = posture.clusters.flatMap(c => c.services);
  let total = 0;
  let inMesh = 0;
  for (const w of workloads) {
    total += w.pods.total;
    // Ambient pods carry no sidecar: ztunnel captures all of them.
    inMesh += w.dataplane === 'ambient' ? w.pods.total : w.pods.injected;
  }
  const kinds = new Set(workloads.map(w => w.dataplane));
  const fullyEnrolled =
    kinds.size === 1 && (kinds.has('sidecar') || kinds.has('ambient'));
  let dataplane: string;
  if (fullyEnrolled) dataplane = kinds.has('sidecar') ? 'Sidecar' : 'Ambient';
  else if (total === 0) dataplane = 'Partial: no running pods';
  else dataplane = `Partial: ${inMesh} of ${total} pods`;

  const enrolled = workloads.filter(w => w.dataplane !== 'none');
  const mode = weakestMode(enrolled.map(w => w.mtls.mode as MtlsModeName));
  let mtls: MeshSummary['mtls'];
  if (mode) {
    const decisive = enrolled.find(w => w.mtls.mode === mode)!;
    const { level, policy } = decisive.mtls.source;
    mtls = {
      mode,
      decidedBy: policy
        ? `PeerAuthentication ${policy} (${level})`
        : 'mesh default (no PeerAuthentication)',
      differingPorts: enrolled.flatMap(w =>
        Object.entries(w.mtls.ports ?? {}).map(
          ([port, p]) =>
            `${enrolled.length > 1 ? `${w.name} ` : ''}port ${port}: ${p.mode}`,
        ),
      ),
    };
  }

  const findings = posture.clusters.flatMap(c => c.findings);
  return {
    dataplane,
    fullyEnrolled,
    revisions: [
      ...new Set(
        workloads
          .map(w => w.injection?.revision)
          .filter((r): r is string => Boolean(r)),
      ),
    ],
    mtls,
    stage: posture.readiness.stage,
    blockers: posture.readiness.blockers.length,
    topFindings: [...findings].sort(bySeverity).slice(0, top),
    findingCount: findings.length,
    kialiUrl:
      workloads.find(w => w.links?.kiali)?.links?.kiali ??
      services.find(s => s.links?.kiali)?.links?.kiali,
    grafanaUrl:
      services.find(s => s.links?.grafana)?.links?.grafana ??
      workloads.find(w => w.links?.grafana)?.links?.grafana,
    workloadCount: workloads.length,
    clusterCount: posture.clusters.length,
  };
}
