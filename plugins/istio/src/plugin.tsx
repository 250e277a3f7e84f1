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
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
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

// `ui:field: IstioTrafficPatternPicker` in templates (the scaffolder's form).
const trafficPatternPicker = FormFieldBlueprint.make({
  name: 'traffic-pattern-picker',
  params: {
    field: () =>
      import('./components/TrafficPatternPicker/field').then(
        m => m.trafficPatternPickerField,
      ),
  },
});

/**
 * The MeshPortal Istio frontend plugin (new frontend system): the entity
 * card and tab "Service mesh", the mesh adoption page at /service-mesh, and
 * the scaffolder field `IstioTrafficPatternPicker`.
 *
 * @public
 */
export const istioPlugin = createFrontendPlugin({
  pluginId: 'istio',
  info: { packageJson: () => import('../package.json') },
  routes: { adoption: adoptionRouteRef },
  extensions: [
    istioApi,
    entityMeshCard,
    entityMeshContent,
    adoptionPage,
    trafficPatternPicker,
  ],
});
