import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import DeviceHubIcon from '@material-ui/icons/DeviceHub';
import { IstioClient } from './api/IstioClient';
import { istioApiRef } from './api/IstioApi';
import { isIstioAvailable } from './kubernetesAnnotations';
import { adoptionRouteRef } from './routes';

const istioApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: istioApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new IstioClient({ discoveryApi, fetchApi }),
    }),
});

const entityMeshCard = EntityCardBlueprint.make({
  name: 'mesh',
  params: {
    filter: isIstioAvailable,
    loader: () =>
      import('./components/EntityMeshCard').then(m => <m.EntityMeshCard />),
  },
});

const entityMeshContent = EntityContentBlueprint.make({
  name: 'mesh',
  params: {
    path: 'service-mesh',
    title: 'Service mesh',
    filter: isIstioAvailable,
    loader: () =>
      import('./components/EntityMeshContent').then(m => (
        <m.EntityMeshContent />
      )),
  },
});

// Since frontend-plugin-api 0.18 the sidebar item comes from the page's
// title and icon (NavItemBlueprint was removed).
const adoptionPage = PageBlueprint.make({
  params: {
    path: '/service-mesh',
    title: 'Service mesh',
    icon: <DeviceHubIcon fontSize="inherit" />,
    routeRef: adoptionRouteRef,
    loader: () =>
      import('./components/AdoptionPage').then(m => <m.AdoptionPage />),
  },
});

/**
 * The MeshPortal Istio frontend plugin (new frontend system): the entity
 * card and tab "Service mesh", and the mesh adoption page at /service-mesh.
 *
 * @public
 */
export const istioPlugin = createFrontendPlugin({
  pluginId: 'istio',
  info: { packageJson: () => import('../package.json') },
  routes: { adoption: adoptionRouteRef },
  extensions: [istioApi, entityMeshCard, entityMeshContent, adoptionPage],
});
