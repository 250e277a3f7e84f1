import { ClusterReportOrigin } from '@meshportal/plugin-istio-common';
import type { ClusterReport } from './MeshPostureService';

/** Which report an answer was computed from, and its age at `now` (ms). */
export function reportOrigin(
  report: ClusterReport,
  now: number,
): ClusterReportOrigin {
  return {
    cluster: report.cluster,
    reportGeneration: report.generation,
    generatedAt: report.computedAt.toISOString(),
    ageSeconds: Math.max(
      0,
      Math.round((now - report.computedAt.getTime()) / 1000),
    ),
  };
}
