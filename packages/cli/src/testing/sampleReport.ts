import type { MeshReport } from '@meshportal/plugin-istio-common';

/**
 * A small report as the engine returns it, for the output tests: one
 * namespace with a sidecar workload and a workload without proxy, and
 * findings of each severity.
 * @internal
 */
export function sampleReport(): MeshReport {
  return {
    workloads: [
      {
        namespace: 'shop',
        name: 'web',
        kind: 'Deployment',
        labels: { app: 'web' },
        dataplane: 'sidecar',
        pods: { total: 2, injected: 2 },
        injection: {
          willInject: true,
          revision: 'canary',
          reason: 'namespace label',
        },
        mtls: {
          mode: 'STRICT',
          source: { level: 'namespace', policy: 'shop/default' },
          ports: { '8080': { mode: 'PERMISSIVE' } },
        },
        services: ['web'],
      },
      {
        namespace: 'legacy',
        name: 'batch',
        kind: 'Pod',
        labels: {},
        dataplane: 'none',
        pods: { total: 1, injected: 0 },
        injection: { willInject: false, revision: null, reason: 'no label' },
        mtls: {
          mode: 'PERMISSIVE',
          source: { level: 'default', policy: null },
          ports: {},
        },
        services: [],
      },
    ],
    clientTls: [],
    findings: [
      {
        code: 'IST0101',
        name: 'ReferencedResourceNotFound',
        analyzer: 'virtualservice.DestinationHostAnalyzer',
        severity: 'Error',
        resource: 'VirtualService shop/web',
        message: 'Referenced host not found: "web-v2"',
        remediation: 'Create the Service web-v2\nor fix the host.',
        ref: { kind: 'VirtualService', namespace: 'shop', name: 'web' },
        origin: { file: 'deploy/web.yaml', line: 12 },
      },
      {
        code: 'IST0103',
        name: 'PodMissingProxy',
        analyzer: 'injection.Analyzer',
        severity: 'Warning',
        resource: 'Pod legacy/batch',
        message: 'The pod legacy/batch is missing the Istio proxy.',
        remediation: 'kubectl rollout restart',
        ref: { kind: 'Pod', namespace: 'legacy', name: 'batch' },
        origin: { file: '<stdin>', line: 3 },
      },
      {
        code: 'MESH001',
        name: 'ClusterThing',
        analyzer: 'mesh.Thing',
        severity: 'Info',
        resource: 'MutatingWebhookConfiguration istio-sidecar-injector',
        message: 'Just so you know.',
        remediation: '',
        ref: {
          kind: 'MutatingWebhookConfiguration',
          namespace: '',
          name: 'istio-sidecar-injector',
        },
      },
      {
        code: 'IST0102',
        name: 'NamespaceNotInjected',
        analyzer: 'injection.Analyzer',
        severity: 'Info',
        resource: 'Namespace legacy',
        message: 'Namespace legacy is not labelled for injection.',
        remediation: 'kubectl label namespace legacy istio-injection=enabled',
        ref: { kind: 'Namespace', namespace: '', name: 'legacy' },
      },
    ],
    problems: [],
  };
}
