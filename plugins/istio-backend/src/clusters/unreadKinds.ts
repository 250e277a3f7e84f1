import {
  ClusterSyncStatus,
  RESOURCE_GROUPS,
} from '@meshportal/plugin-istio-common';

/** Built by the snapshot itself (from the `istio` ConfigMap), never listed. */
const DERIVED_KINDS = new Set(['MeshNetworks']);

/**
 * The kinds the engine knows that a cluster source did not read: never
 * watched (Secrets), forbidden, failing or still pending. Analyzers reading
 * them are skipped, so missing data never reads as a missing object. An
 * absent API (CRD not installed) counts as read: there are none. Files are
 * taken as the whole truth, as `istioctl analyze` takes them.
 * @public
 */
export function unreadKinds(
  status: ClusterSyncStatus,
): ReadonlySet<string> | undefined {
  if (status.source === 'files') return undefined;
  const read = new Set(
    status.kinds
      .filter(k => k.state === 'synced' || k.state === 'absent')
      .map(k => k.kind),
  );
  return new Set(
    Object.keys(RESOURCE_GROUPS).filter(
      kind => !read.has(kind) && !DERIVED_KINDS.has(kind),
    ),
  );
}
