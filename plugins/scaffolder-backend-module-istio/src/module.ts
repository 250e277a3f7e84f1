import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMtlsAdvanceAction } from './actions/mtlsAdvance';
import { createNamespaceOnboardAction } from './actions/namespaceOnboard';
import { createTrafficGenerateAction } from './actions/trafficGenerate';
import { HttpMeshReadinessClient } from './readiness/MeshReadinessClient';

/**
 * Registers MeshPortal's Istio actions with the scaffolder.
 *
 * @public
 */
export const scaffolderModuleIstio = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'istio',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, discovery, auth }) {
        scaffolder.addActions(
          createTrafficGenerateAction(),
          createNamespaceOnboardAction(),
          createMtlsAdvanceAction({
            readiness: new HttpMeshReadinessClient({ discovery, auth }),
          }),
        );
      },
    });
  },
});
