import {
  ClusterSyncStatus,
  RESOURCE_GROUPS,
} from '@meshportal/plugin-istio-common';
import { FILE_SOURCE_DROPPED_KINDS } from './SnapshotFileSource';

/** Built by the snapshot itself (from the `istio` ConfigMap), never listed. */
const DERIVED_KINDS = ['MeshNetworks'];

/**
 * The kinds a cluster source read in full, for the snapshot's `observes`:
 * synced kinds, and absent ones (the API is not installed, so there are
 * none). Kinds never watched (Secrets), forbidden, failing or pending are
 * left out, so analyzers reading them are skipped instead of taking missing
 * data for missing objects. Files are the whole truth, as `istioctl analyze`
 * takes them, except for the kinds the file source drops as it reads them
 * (Secrets): a Gateway's credential would otherwise always be missing.
 * @public
 */
export function observedKinds(status: ClusterSyncStatus): string[] {
  if (status.source === 'files') {
    return Object.keys(RESOURCE_GROUPS).filter(
      kind => !FILE_SOURCE_DROPPED_KINDS.has(kind),
    );
  }
  return [
    ...status.kinds
      .filter(k => k.state === 'synced' || k.state === 'absent')
      .map(k => k.kind),
    ...DERIVED_KINDS,
  ];
}
