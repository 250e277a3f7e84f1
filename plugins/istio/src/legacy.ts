import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { TrafficPattern } from '@meshportal/plugin-istio-common';
import { IstioClient } from './api/IstioClient';
import {
  TRAFFIC_PATTERN_PICKER_NAME,
  TrafficPatternPicker,
  validateTrafficPatternField,
} from './components/TrafficPatternPicker';
import { istioApiRef } from './api/IstioApi';

const legacyAdoptionRouteRef = createRouteRef({ id: 'istio-adoption' });
const legacyEntityContentRouteRef = createRouteRef({
  id: 'istio-entity-content',
});

/**
 * The Istio plugin for apps on the legacy frontend system.
 * @public
 */
export const istioLegacyPlugin = createPlugin({
  id: 'istio',
  apis: [
    createApiFactory({
      api: istioApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new IstioClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { adoption: legacyAdoptionRouteRef },
});

/**
 * The "Service mesh" card for an entity's overview (legacy frontend system).
 * Wrap it in `<EntitySwitch.Case if={isIstioAvailable}>`.
 * @public
 */
export const EntityIstioCard = istioLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityIstioCard',
    component: {
      lazy: () =>
        import('./components/EntityMeshCard').then(m => m.EntityMeshCard),
    },
  }),
);

/**
 * The "Service mesh" entity tab (legacy frontend system), for an
 * `<EntityLayout.Route path="/service-mesh" title="Service mesh">`.
 * @public
 */
export const EntityIstioContent = istioLegacyPlugin.provide(
  createRoutableExtension({
    name: 'EntityIstioContent',
    component: () =>
      import('./components/EntityMeshContent').then(m => m.EntityMeshContent),
    mountPoint: legacyEntityContentRouteRef,
  }),
);

/**
 * The mesh adoption page (legacy frontend system), for
 * `<Route path="/service-mesh" element={<IstioAdoptionPage />} />`.
 * @public
 */
export const IstioAdoptionPage = istioLegacyPlugin.provide(
  createRoutableExtension({
    name: 'IstioAdoptionPage',
    component: () =>
      import('./components/AdoptionPage').then(m => m.LegacyAdoptionPage),
    mountPoint: legacyAdoptionRouteRef,
  }),
);

/**
 * The scaffolder field `IstioTrafficPatternPicker` (legacy frontend system),
 * for `<ScaffolderFieldExtensions>` inside the scaffolder's route.
 * @public
 */
export const IstioTrafficPatternPickerFieldExtension =
  istioLegacyPlugin.provide(
    createScaffolderFieldExtension<TrafficPattern>({
      name: TRAFFIC_PATTERN_PICKER_NAME,
      component: TrafficPatternPicker,
      validation: validateTrafficPatternField,
    }),
  );
