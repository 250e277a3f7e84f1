import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';

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
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        // The mesh onboarding and traffic-pattern actions are added here.
        scaffolder.addActions();
      },
    });
  },
});
