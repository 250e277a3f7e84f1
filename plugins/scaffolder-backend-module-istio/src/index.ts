/**
 * Scaffolder actions that onboard services into the Istio mesh and add traffic patterns.
 *
 * @packageDocumentation
 */

export { scaffolderModuleIstio as default } from './module';
export { createTrafficGenerateAction } from './actions/trafficGenerate';
export { createNamespaceOnboardAction } from './actions/namespaceOnboard';
export { createMtlsAdvanceAction } from './actions/mtlsAdvance';
export { HttpMeshReadinessClient } from './readiness/MeshReadinessClient';
export type {
  MeshReadinessService,
  NamespaceReadiness,
} from './readiness/MeshReadinessClient';
