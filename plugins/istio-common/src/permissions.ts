import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read the mesh adoption views (totals, waves, history) across the catalog.
 * @public
 */
export const istioAdoptionReadPermission = createPermission({
  name: 'istio.adoption.read',
  attributes: { action: 'read' },
});

/**
 * Read the details of cluster sync errors in `GET /v1/clusters`: the
 * server's messages, API server hosts and ports, file paths. Without it a
 * caller sees each kind's state and a fixed reason word only.
 * @public
 */
export const istioClustersReadPermission = createPermission({
  name: 'istio.clusters.read',
  attributes: { action: 'read' },
});

/**
 * Send mesh notices on the user's behalf: tell the owners of a workload's
 * plaintext callers that it is going STRICT. The user must also be able to
 * read the entity (or, for a namespace, the mesh adoption).
 * @public
 */
export const istioNotifyPermission = createPermission({
  name: 'istio.notify',
  attributes: { action: 'create' },
});

/** Every permission of the istio plugin. @public */
export const istioPermissions = [
  istioAdoptionReadPermission,
  istioClustersReadPermission,
  istioNotifyPermission,
];
