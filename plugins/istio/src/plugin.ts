import { createFrontendPlugin } from '@backstage/frontend-plugin-api';

/**
 * The MeshPortal Istio frontend plugin (new frontend system).
 *
 * @public
 */
export const istioPlugin = createFrontendPlugin({
  pluginId: 'istio',
  extensions: [],
});
