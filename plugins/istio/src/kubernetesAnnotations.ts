import { Entity } from '@backstage/catalog-model';

/** The Kubernetes plugin's annotations that map an entity to its workloads. @public */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** @public */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/**
 * True when the entity carries one of the Kubernetes annotations, so the
 * service mesh card and tab have workloads to look for.
 * @public
 */
export function isIstioAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[KUBERNETES_ID_ANNOTATION] ||
      annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
  );
}
