import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read the mesh adoption views (totals, waves, history) across the catalog.
 * @public
 */
export const istioAdoptionReadPermission = createPermission({
  name: 'istio.adoption.read',
  attributes: { action: 'read' },
});

/** Every permission of the istio plugin. @public */
export const istioPermissions = [istioAdoptionReadPermission];
