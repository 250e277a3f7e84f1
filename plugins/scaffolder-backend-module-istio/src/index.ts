/**
 * Scaffolder actions that onboard services into the Istio mesh and add traffic patterns.
 *
 * @packageDocumentation
 */

export { scaffolderModuleIstio as default } from './module';
