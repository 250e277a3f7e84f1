import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import {
  ISTIO_MESH_FACTS_RETRIEVER_ID,
  createIstioMeshFactRetriever,
} from './istioMeshFactRetriever';

/**
 * Adds the `istio-mesh-facts` fact retriever to Tech Insights. Like every
 * retriever, it runs only when `techInsights.factRetrievers.istio-mesh-facts`
 * gives it a cadence.
 * @public
 */
export const techInsightsModuleIstio = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'istio',
  register(reg) {
    reg.registerInit({
      deps: {
        techInsights: techInsightsFactRetrieversExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ techInsights, catalog, config, logger }) {
        techInsights.addFactRetrievers({
          [ISTIO_MESH_FACTS_RETRIEVER_ID]: createIstioMeshFactRetriever({
            catalog,
          }),
        });
        if (
          !config.has(
            `techInsights.factRetrievers.${ISTIO_MESH_FACTS_RETRIEVER_ID}`,
          )
        ) {
          logger.warn(
            `techInsights.factRetrievers.${ISTIO_MESH_FACTS_RETRIEVER_ID} is not configured: Istio mesh facts will not be collected`,
          );
        }
      },
    });
  },
});
