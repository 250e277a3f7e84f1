import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshNetworks } from '../../model/meshNetworks';
import { definitionsFor, report } from './messages';

const NAME = 'multicluster.MeshNetworksAnalyzer';
const defs = definitionsFor(NAME, ['IST0126']);

/** Istio's built-in service registries (provider IDs, case-sensitive). */
const BUILT_IN_REGISTRIES = ['Mock', 'Kubernetes', 'External'];

/** The label of the secrets that give istiod access to remote clusters. */
const MULTI_CLUSTER_SECRET_LABEL = 'istio/multiCluster';

/**
 * `multicluster.MeshNetworksAnalyzer` (upstream
 * `meshnetworks.MeshNetworksAnalyzer`): networks of MeshNetworks whose
 * endpoints come from a registry that is neither built in nor a cluster
 * named in a remote secret, so those networks get no endpoints.
 * @public
 */
export const meshNetworksAnalyzer: Analyzer = {
  name: NAME,
  definitions: defs,
  inputs: ['MeshNetworks', 'Secret'],
  analyze({ snapshot }) {
    const registries = new Set(BUILT_IN_REGISTRIES);
    // Each key of a remote secret names a cluster, i.e. a registry.
    for (const secret of snapshot.all('Secret')) {
      if (secret.labels[MULTI_CLUSTER_SECRET_LABEL] !== 'true') continue;
      Object.keys(secret.data ?? {}).forEach(k => registries.add(k));
    }
    const findings: Finding[] = [];
    for (const resource of snapshot.all('MeshNetworks')) {
      const { networks } = resource.spec as MeshNetworks;
      for (const [network, { endpoints }] of Object.entries(networks)) {
        for (const { fromRegistry } of endpoints) {
          if (fromRegistry === undefined || registries.has(fromRegistry))
            continue;
          findings.push(
            report(
              defs,
              'IST0126',
              resource,
              `Network ${network} of MeshNetworks takes endpoints from the service registry ${fromRegistry}, which istiod does not know (built in: ${BUILT_IN_REGISTRIES.join(
                ', ',
              )}; remote clusters: the keys of secrets labelled ${MULTI_CLUSTER_SECRET_LABEL}=true), so the network gets no endpoints from it.`,
              `Set fromRegistry to the cluster ID of the network's cluster (as its remote secret names it; registry names are case-sensitive), or create the remote secret with istioctl create-remote-secret.`,
            ),
          );
        }
      }
    }
    return findings;
  },
};
