import {
  DEFAULT_MESH_CONFIG,
  Finding,
  MeshReport,
  WorkloadPosture,
  assessReadiness,
} from '@meshportal/plugin-istio-common';

const namespaceOf = (f: Finding) =>
  f.ref.kind === 'Namespace' ? f.ref.name : f.ref.namespace;

/**
 * Each namespace's readiness for STRICT, by the verdict the portal uses.
 * Manifests carry no telemetry, so a namespace that nothing known blocks
 * is `unverified` (reason `no-telemetry`), never `ready-for-strict`.
 */
function namespaceReadiness(report: MeshReport, controlPlaneNamespace: string) {
  const byNamespace = new Map<string, WorkloadPosture[]>();
  for (const w of report.workloads) {
    byNamespace.set(w.namespace, [...(byNamespace.get(w.namespace) ?? []), w]);
  }
  return [...byNamespace]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, workloads]) => {
      const readiness = assessReadiness({
        workloads,
        findings: report.findings.filter(f => namespaceOf(f) === namespace),
        controlPlaneNamespace,
      });
      return {
        namespace,
        stage: readiness.stage,
        blockers: readiness.blockers,
        exceptions: readiness.exceptions,
        unverifiedReasons: readiness.unverifiedReasons,
      };
    });
}

/**
 * The `-o json` document: workloads and findings with a stable field order,
 * so scripts (jq, CI annotations) can rely on it. Client TLS and each
 * namespace's readiness for STRICT follow as extra top-level fields.
 * @public
 */
export function renderJson(
  report: MeshReport,
  options: { controlPlaneNamespace?: string } = {},
): string {
  const document = {
    workloads: report.workloads.map(w => ({
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      dataplane: w.dataplane,
      pods: w.pods,
      injection: w.injection,
      mtls: w.mtls,
      services: w.services,
    })),
    findings: report.findings.map(f => ({
      code: f.code,
      analyzer: f.analyzer,
      severity: f.severity,
      resource: f.resource,
      message: f.message,
      remediation: f.remediation,
      name: f.name,
      origin: f.origin,
    })),
    clientTls: report.clientTls,
    readiness: namespaceReadiness(
      report,
      options.controlPlaneNamespace ?? DEFAULT_MESH_CONFIG.rootNamespace,
    ),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
