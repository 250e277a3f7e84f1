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

/** Every permission of the istio plugin. @public */
export const istioPermissions = [
  istioAdoptionReadPermission,
  istioClustersReadPermission,
];
