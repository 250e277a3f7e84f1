import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { resourceName } from '../../model/snapshot';
import {
  ANNOTATION_VALUE_CHECKS,
  ISTIO_ANNOTATIONS,
  ISTIO_WRITTEN_ANNOTATIONS,
  isIstioAnnotation,
} from './istioAnnotations';
import { definitionsFor, kubectlNamespace, report } from './messages';

const NAME = 'annotations.K8sAnalyzer';
const defs = definitionsFor(NAME, ['IST0107', 'IST0108', 'IST0125', 'IST0135']);

/** The label that replaces the deprecated injection annotation of the same name. */
const INJECT = 'sidecar.istio.io/inject';

const KINDS = ['Namespace', 'Service', 'Pod', 'Deployment'] as const;

function removeCommand(resource: MeshResource, annotation: string): string {
  return `kubectl annotate ${resource.kind.toLowerCase()} ${
    resource.name
  }${kubectlNamespace(resource)} ${annotation}-`;
}

function misplacedRemedy(
  resource: MeshResource,
  annotation: string,
  resources: string[],
): string {
  if (resource.kind === 'Deployment' && resources.includes('Pod')) {
    return `Move ${annotation} from the Deployment's metadata to spec.template.metadata.annotations, so the pods carry it.`;
  }
  return `Put ${annotation} on a ${resources.join(
    ' or ',
  )} instead, or remove it: ${removeCommand(resource, annotation)}`;
}

function checkAnnotations(resource: MeshResource): Finding[] {
  const findings: Finding[] = [];
  const what = resourceName(resource);
  for (const annotation of Object.keys(resource.annotations).sort()) {
    if (
      !isIstioAnnotation(annotation) ||
      ISTIO_WRITTEN_ANNOTATIONS.has(annotation)
    ) {
      continue;
    }
    const known = ISTIO_ANNOTATIONS.get(annotation);
    if (!known) {
      findings.push(
        report(
          defs,
          'IST0108',
          resource,
          `${what} carries the annotation ${annotation}, which is in Istio's domain but is no annotation Istio knows, so it does nothing.`,
          `Check the spelling against Istio's annotation reference, or remove it: ${removeCommand(
            resource,
            annotation,
          )}`,
        ),
      );
      continue;
    }
    if (
      known.deprecated &&
      !(annotation === INJECT && INJECT in resource.labels)
    ) {
      const byLabel = annotation === INJECT;
      findings.push(
        report(
          defs,
          'IST0135',
          resource,
          `${what} uses the annotation ${annotation}, which Istio has deprecated${
            byLabel ? ' in favour of the label of the same name' : ''
          }; it may stop working in a later release.`,
          byLabel
            ? `Set the label ${INJECT} on the pods (the pod template) instead of the annotation.`
            : `Remove ${annotation} and use what Istio's annotation reference names in its place.`,
        ),
      );
    }
    if (known.resources.includes('Any')) continue;
    if (!known.resources.includes(resource.kind)) {
      findings.push(
        report(
          defs,
          'IST0107',
          resource,
          `${what} carries ${annotation}, which Istio reads only from a ${known.resources.join(
            ', ',
          )}, so here it has no effect.`,
          misplacedRemedy(resource, annotation, known.resources),
        ),
      );
      continue;
    }
    const problem = ANNOTATION_VALUE_CHECKS.get(annotation)?.(
      resource.annotations[annotation],
    );
    if (problem) {
      findings.push(
        report(
          defs,
          'IST0125',
          resource,
          `${what} has an invalid value for ${annotation}: ${problem}. The injector rejects it.`,
          `Correct the value of ${annotation} (see Istio's annotation reference for its format).`,
        ),
      );
    }
  }
  return findings;
}

/**
 * `annotations.K8sAnalyzer`: Istio annotations on Namespaces, Services, Pods
 * and Deployments that are unknown, deprecated, on the wrong kind of
 * resource, or carry a value the injector rejects.
 * @public
 */
export const annotationAnalyzer: Analyzer = {
  name: NAME,
  definitions: defs,
  inputs: ['Namespace', 'Service', 'Pod', 'Deployment'],
  analyze({ snapshot }) {
    return KINDS.flatMap(kind => snapshot.all(kind).flatMap(checkAnnotations));
  },
};
