/*
 * Istio's tables for what a client sends without DestinationRule TLS:
 * `TestBuildAutoMtlsSettings` (`pilot/pkg/networking/core/cluster_tls_test.go`)
 * and `TestBestEffortInferServiceMTLSMode` (`pilot/pkg/model/push_context_test.go`),
 * istio/istio 86c9f01f, run against clientTlsUnder and
 * bestEffortInferServiceMtlsMode.
 *
 * Rows of TestBuildAutoMtlsSettings with no engine counterpart:
 * - "Metadata cert path override ISTIO_MUTUAL" and "TLS nil auto build tls
 *   with metadata cert path": certificates from the client proxy's own
 *   metadata turn ISTIO_MUTUAL into MUTUAL; the engine has no proxy
 *   metadata.
 * - "Auto fill nil settings when mTLS nil for internal service in unknown
 *   mode": for a Service of the mesh BestEffortInferServiceMTLSMode never
 *   answers UNKNOWN (it falls back to PERMISSIVE); only a mesh-external
 *   service is UNKNOWN, which "Do not auto fill nil settings for external"
 *   covers.
 * SNI and SAN values are Envoy configuration; the mode and who decided it
 * are the engine's part.
 */
import { ClientTlsMode, KubeObject, MtlsMode } from '../../model/resources';
import {
  bestEffortInferServiceMtlsMode,
  clientTlsUnder,
  destinationRuleFor,
} from '../clientTls';
import { meshIndex } from '../meshIndex';
import {
  deployment,
  destinationRule,
  namespace,
  peerAuthentication,
  service,
  snapshotOf,
} from '../testObjects';

function externalName(name: string, ns: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: {
      type: 'ExternalName',
      externalName: 'foo.com',
      ports: [{ port: 443 }],
    },
  };
}

describe('TestBuildAutoMtlsSettings', () => {
  const rows: Array<{
    name: string;
    tls?: ClientTlsMode;
    autoMtlsEnabled: boolean;
    meshExternal: boolean;
    serviceMtlsMode?: MtlsMode;
    want?: ClientTlsMode;
  }> = [
    {
      name: 'Destination rule TLS sni and SAN override',
      tls: 'ISTIO_MUTUAL',
      autoMtlsEnabled: false,
      meshExternal: false,
      want: 'ISTIO_MUTUAL',
    },
    {
      name: 'Auto fill nil settings when mTLS nil for internal service in strict mode',
      autoMtlsEnabled: true,
      meshExternal: false,
      serviceMtlsMode: 'STRICT',
      want: 'ISTIO_MUTUAL',
    },
    {
      name: 'Auto fill nil settings when mTLS nil for internal service in permissive mode',
      autoMtlsEnabled: true,
      meshExternal: false,
      serviceMtlsMode: 'PERMISSIVE',
      want: 'ISTIO_MUTUAL',
    },
    {
      name: 'Auto fill nil settings when mTLS nil for internal service in plaintext mode',
      autoMtlsEnabled: true,
      meshExternal: false,
      serviceMtlsMode: 'DISABLE',
    },
    {
      name: 'Do not auto fill nil settings for external',
      autoMtlsEnabled: true,
      meshExternal: true,
    },
    {
      name: 'Do not auto fill nil settings if server mTLS is disabled',
      autoMtlsEnabled: false,
      meshExternal: false,
      serviceMtlsMode: 'DISABLE',
    },
    {
      name: 'Simple TLS',
      tls: 'SIMPLE',
      autoMtlsEnabled: false,
      meshExternal: false,
      want: 'SIMPLE',
    },
    {
      name: 'Metadata certs with Mesh Exteranl',
      tls: 'MUTUAL',
      autoMtlsEnabled: false,
      meshExternal: true,
      want: 'MUTUAL',
    },
  ];

  it.each(rows.map(row => [row.name, row] as const))(
    'TestBuildAutoMtlsSettings: "%s"',
    (_name, row) => {
      const objects: KubeObject[] = [
        namespace('svc-ns', { 'istio-injection': 'enabled' }),
        row.meshExternal
          ? externalName('foo', 'svc-ns')
          : service('foo', 'svc-ns', { app: 'foo' }),
        deployment('foo', 'svc-ns', { app: 'foo' }),
      ];
      if (row.serviceMtlsMode) {
        objects.push(
          peerAuthentication('default', 'svc-ns', {
            mode: row.serviceMtlsMode,
          }),
        );
      }
      if (row.tls) {
        objects.push(
          destinationRule('foo', 'svc-ns', 'foo', { tls: { mode: row.tls } }),
        );
      }
      const snapshot = snapshotOf(objects, {
        enableAutoMtls: row.autoMtlsEnabled,
      });
      const host = 'foo.svc-ns.svc.cluster.local';
      const decision = clientTlsUnder(
        snapshot,
        destinationRuleFor(snapshot, host, 'client'),
        meshIndex(snapshot).serviceByHost.get(host),
        row.meshExternal ? 443 : 80,
      );
      // Upstream's nil settings: the cluster carries no TLS, plaintext.
      expect(decision.mode).toBe(row.want ?? 'DISABLE');
      expect(decision.source).toBe(row.tls ? 'destinationRule' : 'autoMtls');
    },
  );
});

describe('TestBestEffortInferServiceMTLSMode', () => {
  const objects: KubeObject[] = [
    peerAuthentication('default', 'whole', { mode: 'STRICT' }),
    peerAuthentication('workload-beta-policy', 'partial', {
      selector: { app: 'httpbin', version: 'v1' },
      mode: 'DISABLE',
    }),
  ];
  // An endpoint without a sidecar (upstream's instancePlainText).
  const plaintextInstance = deployment('plain', 'partial', {
    app: 'some-service',
  });

  const rows: Array<{
    name: string;
    namespace: string;
    resolution: 'ClientSideLB' | 'Passthrough';
    instances: KubeObject[];
    wanted: MtlsMode;
  }> = [
    {
      name: 'from namespace policy',
      namespace: 'whole',
      resolution: 'ClientSideLB',
      instances: [],
      wanted: 'STRICT',
    },
    {
      name: 'from mesh default',
      namespace: 'partial',
      resolution: 'ClientSideLB',
      instances: [],
      wanted: 'PERMISSIVE',
    },
    {
      name: 'headless service with no instances found yet',
      namespace: 'partial',
      resolution: 'Passthrough',
      instances: [],
      wanted: 'DISABLE',
    },
    {
      name: 'headless service with instances',
      namespace: 'partial',
      resolution: 'Passthrough',
      instances: [plaintextInstance],
      wanted: 'DISABLE',
    },
  ];

  it.each(rows.map(row => [row.name, row] as const))(
    'TestBestEffortInferServiceMTLSMode: "%s"',
    (_name, row) => {
      const svc = service('some-service', row.namespace, {
        app: 'some-service',
      });
      if (row.resolution === 'Passthrough')
        (svc.spec as any).clusterIP = 'None';
      const snapshot = snapshotOf([...objects, svc, ...row.instances]);
      const record = meshIndex(snapshot).serviceByHost.get(
        `some-service.${row.namespace}.svc.cluster.local`,
      )!;
      expect(bestEffortInferServiceMtlsMode(snapshot, record)).toBe(row.wanted);

      // The same service as mesh-external is always UNKNOWN.
      const external = snapshotOf([
        ...objects,
        externalName('some-service', row.namespace),
        ...row.instances,
      ]);
      const externalRecord = meshIndex(external).serviceByHost.get(
        `some-service.${row.namespace}.svc.cluster.local`,
      )!;
      expect(
        bestEffortInferServiceMtlsMode(external, externalRecord),
      ).toBeUndefined();
    },
  );
});
