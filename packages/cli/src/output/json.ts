import type { MeshReport } from '@meshportal/plugin-istio-common';

/**
 * The `-o json` document: workloads and findings with a stable field order,
 * so scripts (jq, CI annotations) can rely on it. Client TLS follows as an
 * extra top-level field.
 * @public
 */
export function renderJson(report: MeshReport): string {
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
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
