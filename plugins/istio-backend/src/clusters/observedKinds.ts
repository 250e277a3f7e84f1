import { ClusterSyncStatus } from '@meshportal/plugin-istio-common';

/** Built by the snapshot itself (from the `istio` ConfigMap), never listed. */
const DERIVED_KINDS = ['MeshNetworks'];

/**
 * The kinds a cluster source read in full, for the snapshot's `observes`:
 * synced kinds, and absent ones (the API is not installed, so there are
 * none). Kinds never watched (Secrets), forbidden, failing or pending are
 * left out, so analyzers reading them are skipped instead of taking missing
 * data for missing objects. Files are the whole truth, as `istioctl analyze`
 * takes them: `undefined`, every kind observed.
 * @public
 */
export function observedKinds(status: ClusterSyncStatus): string[] | undefined {
  if (status.source === 'files') return undefined;
  return [
    ...status.kinds
      .filter(k => k.state === 'synced' || k.state === 'absent')
      .map(k => k.kind),
    ...DERIVED_KINDS,
  ];
}
