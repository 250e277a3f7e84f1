import { KubeObject } from '../../model/resources';
import { parseMeshNetworks } from '../../model/meshNetworks';
import { meshNetworksAnalyzer } from './meshNetworksAnalyzer';
import { codesOf, findingsOf } from './__testUtils__/findingsOf';

const networks = parseMeshNetworks(`
networks:
  west:
    endpoints:
    - fromRegistry: Kubernetes
    - fromCidr: 10.0.0.0/16
    gateways:
    - registry_service_name: istio-eastwestgateway.istio-system.svc.cluster.local
      port: 15443
  east:
    endpoints:
    - fromRegistry: cluster-east
`);

const remoteSecret = (key: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: `istio-remote-secret-${key}`,
    namespace: 'istio-system',
    labels: { 'istio/multiCluster': 'true' },
  },
  data: { [key]: 'YXBpVmVyc2lvbjogdjE=' },
});

describe('multicluster.MeshNetworksAnalyzer', () => {
  it('reads mesh networks, gateways included', () => {
    expect(networks.networks.west.gateways).toEqual([
      {
        registryServiceName:
          'istio-eastwestgateway.istio-system.svc.cluster.local',
        port: 15443,
        address: undefined,
      },
    ]);
  });

  it('reports a registry that is neither built in nor a remote cluster, on the MeshNetworks object', () => {
    const findings = findingsOf(meshNetworksAnalyzer, [], {
      meshNetworks: networks,
    });
    expect(codesOf(findings)).toEqual([
      'IST0126 MeshNetworks istio-system/meshnetworks',
    ]);
    expect(findings[0].message).toContain('Network east');
    expect(findings[0].message).toContain('cluster-east');
  });

  it('knows the clusters of remote secrets, and only of labelled ones', () => {
    expect(
      codesOf(
        findingsOf(meshNetworksAnalyzer, [remoteSecret('cluster-east')], {
          meshNetworks: networks,
        }),
      ),
    ).toEqual([]);
    const unlabelled = remoteSecret('cluster-east');
    unlabelled.metadata!.labels = {};
    expect(
      codesOf(
        findingsOf(meshNetworksAnalyzer, [unlabelled], {
          meshNetworks: networks,
        }),
      ),
    ).toHaveLength(1);
  });

  it('says nothing when the source did not read Secrets, as for a cluster', () => {
    const run = (observedKinds: string[]) =>
      codesOf(
        findingsOf(meshNetworksAnalyzer, [], {
          meshNetworks: networks,
          observedKinds,
        }),
      );
    expect(run(['MeshNetworks', 'ConfigMap'])).toEqual([]);
    expect(run(['MeshNetworks', 'Secret'])).toHaveLength(1);
  });

  it('takes mesh networks from the istio ConfigMap when none are given', () => {
    const configMap: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: {
        mesh: '{}',
        meshNetworks:
          'networks: {n1: {endpoints: [{fromRegistry: kubernetes}]}}',
      },
    };
    expect(codesOf(findingsOf(meshNetworksAnalyzer, [configMap]))).toEqual([
      'IST0126 MeshNetworks istio-system/meshnetworks',
    ]);
    expect(codesOf(findingsOf(meshNetworksAnalyzer, []))).toEqual([]);
  });
});
