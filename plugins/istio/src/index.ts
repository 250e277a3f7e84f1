/**
 * Service mesh cards, tab and adoption page for Backstage.
 *
 * @packageDocumentation
 */

export { istioPlugin as default } from './plugin';
export { adoptionRouteRef } from './routes';
export {
  istioLegacyPlugin,
  EntityIstioCard,
  EntityIstioContent,
  IstioAdoptionPage,
  IstioTrafficPatternPickerFieldExtension,
} from './legacy';
export { istioApiRef } from './api/IstioApi';
export type { IstioApi, EntityName, CallersTarget } from './api/IstioApi';
export { IstioClient } from './api/IstioClient';
export * from './api/types';
export {
  isIstioAvailable,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from './kubernetesAnnotations';
