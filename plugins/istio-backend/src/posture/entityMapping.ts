import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  LabelRequirement,
  assertSelectsByValue,
  parseLabelSelector,
} from '@meshportal/plugin-istio-common';

/** The Kubernetes plugin's annotations, read the same way it reads them. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/**
 * Which Kubernetes objects belong to an entity.
 * @public
 */
export interface EntityWorkloadMapping {
  /** The selector string as the Kubernetes plugin would send it. */
  labelSelector: string;
  requirements: LabelRequirement[];
  /** Only this namespace, when annotated. */
  namespace?: string;
  /** Only this cluster, when annotated. */
  cluster?: string;
}

/**
 * Maps an entity to its objects exactly as the Kubernetes plugin's backend
 * does: the label selector annotation, else
 * `backstage.io/kubernetes-id=<kubernetes-id annotation or entity name>`,
 * narrowed by the namespace and cluster annotations.
 * Throws InputError when the selector annotation cannot be parsed, or
 * selects by no label value (only negations or bare keys).
 * @public
 */
export function entityWorkloadMapping(entity: Entity): EntityWorkloadMapping {
  const annotations = entity.metadata.annotations ?? {};
  const given = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  let labelSelector: string;
  if (given) {
    if (!given.trim()) {
      throw new InputError(
        `${KUBERNETES_LABEL_SELECTOR_ANNOTATION} is blank; it would select every object`,
      );
    }
    labelSelector = given;
  } else {
    const id = annotations[KUBERNETES_ID_ANNOTATION] || entity.metadata.name;
    labelSelector = `${KUBERNETES_ID_ANNOTATION}=${id}`;
  }
  let requirements: LabelRequirement[];
  try {
    requirements = parseLabelSelector(labelSelector);
    assertSelectsByValue(requirements, labelSelector);
  } catch (error) {
    throw new InputError(
      `entity ${entity.metadata.name}: ${(error as Error).message}`,
    );
  }
  return {
    labelSelector,
    requirements,
    namespace: annotations[KUBERNETES_NAMESPACE_ANNOTATION] || undefined,
    cluster: annotations[KUBERNETES_CLUSTER_ANNOTATION] || undefined,
  };
}

/** True when the entity declares itself on Kubernetes at all. @public */
export function hasKubernetesAnnotations(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[KUBERNETES_ID_ANNOTATION] ||
      annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
  );
}
