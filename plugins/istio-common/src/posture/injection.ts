import { InjectionDecision } from '../analysis/types';
import {
  LabelSelectorObject,
  labelSelectorMatches,
} from '../model/labelSelector';
import { InjectorConfig, InjectorSelector } from '../model/meshConfig';
import { MeshResource, PodSpec } from '../model/resources';
import { MeshSnapshot } from '../model/snapshot';

/**
 * Namespaces whose pods the injector never touches (`pkg/kube/inject`).
 * @public
 */
export const NEVER_INJECTED_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'local-path-storage',
]);

/** The pod metadata injection reads: labels and annotations. @public */
export interface PodMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** What a new pod gets: a sidecar, ambient capture, or nothing. @public */
export interface NewPodDataplane {
  dataplane: 'sidecar' | 'ambient' | 'none';
  injection: InjectionDecision;
}

const INJECT_LABEL = 'sidecar.istio.io/inject';
const REV_LABEL = 'istio.io/rev';
const NS_INJECTION_LABEL = 'istio-injection';
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
const TAG_LABEL = 'istio.io/tag';
const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';
const INJECTOR_WEBHOOK = 'istio-sidecar-injector';

const tagCache = new WeakMap<MeshSnapshot, Map<string, string>>();

/**
 * Revision tags of the mesh: tag name to the revision it points at, read from
 * the MutatingWebhookConfigurations labelled `istio.io/tag` and
 * `istio.io/rev`. Istio finds tag webhooks by that label, whatever their name
 * (`pkg/revisions/tag_watcher.go`); istioctl merely names them
 * `istio-revision-tag-<tag>`.
 * @public
 */
export function revisionTags(
  snapshot: MeshSnapshot,
): ReadonlyMap<string, string> {
  let tags = tagCache.get(snapshot);
  if (!tags) {
    tags = new Map();
    for (const webhook of snapshot.all('MutatingWebhookConfiguration')) {
      const tag = webhook.labels[TAG_LABEL];
      const revision = webhook.labels[REV_LABEL];
      if (tag && revision) tags.set(tag, revision);
    }
    tagCache.set(snapshot, tags);
  }
  return tags;
}

const revisionCache = new WeakMap<MeshSnapshot, Set<string>>();

/**
 * Revisions whose injector webhook (`istio-sidecar-injector[-<rev>]`) is in
 * the snapshot; empty when the snapshot holds no injector webhook at all, in
 * which case every revision is assumed installed.
 * @public
 */
export function installedRevisions(
  snapshot: MeshSnapshot,
): ReadonlySet<string> {
  let revisions = revisionCache.get(snapshot);
  if (!revisions) {
    revisions = new Set();
    for (const webhook of snapshot.all('MutatingWebhookConfiguration')) {
      const name = webhook.name;
      if (
        name === INJECTOR_WEBHOOK ||
        name.startsWith(`${INJECTOR_WEBHOOK}-`)
      ) {
        revisions.add(webhook.labels[REV_LABEL] || 'default');
      }
    }
    revisionCache.set(snapshot, revisions);
  }
  return revisions;
}

/**
 * The revision an `istio.io/rev` value names: a revision tag resolves to its
 * revision; anything else is taken as a revision name.
 * @public
 */
export function resolveRevision(snapshot: MeshSnapshot, value: string): string {
  return revisionTags(snapshot).get(value) ?? value;
}

/** The revision behind `istio-injection=enabled`: the `default` tag's, if any. */
function defaultRevision(snapshot: MeshSnapshot): string {
  return revisionTags(snapshot).get('default') ?? 'default';
}

function revisionText(snapshot: MeshSnapshot, value: string): string {
  const revision = resolveRevision(snapshot, value);
  return revision === value ? value : `${value} (tag of revision ${revision})`;
}

/**
 * Kubernetes label selector semantics for the injector's never/always
 * selectors; `undefined` for an empty selector, which Istio skips. A
 * selector Kubernetes rejects (unknown operator, `In`/`NotIn` without
 * values, `Exists`/`DoesNotExist` with values) is skipped too: no match.
 */
function injectorSelectorMatches(
  selector: InjectorSelector,
  labels: Record<string, string>,
): boolean | undefined {
  const matchLabels = selector?.matchLabels ?? {};
  const expressions = Array.isArray(selector?.matchExpressions)
    ? selector.matchExpressions
    : [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
    return undefined;
  }
  return labelSelectorMatches(selector as LabelSelectorObject, labels);
}

function no(reason: string): InjectionDecision {
  return { willInject: false, revision: null, reason };
}

/**
 * Which webhook (revision) is called for the pod: the namespaceSelector and
 * objectSelector rules of the injector's MutatingWebhookConfigurations.
 */
function selectWebhook(
  snapshot: MeshSnapshot,
  namespace: string,
  nsLabels: Record<string, string>,
  podLabels: Record<string, string>,
  annotations: Record<string, string>,
): { revision: string; why: string } | { notSelected: string } {
  const nsInjection = nsLabels[NS_INJECTION_LABEL];
  const nsRev = nsLabels[REV_LABEL];
  const podInject = podLabels[INJECT_LABEL];
  const podRev = podLabels[REV_LABEL];
  const podOptOut = `pod label ${INJECT_LABEL}=false opts the pod out`;

  if (nsInjection !== undefined) {
    // istio-injection wins over istio.io/rev; only `enabled` selects.
    if (nsInjection !== 'enabled') {
      return {
        notSelected: `namespace ${namespace} is labelled ${NS_INJECTION_LABEL}=${nsInjection}`,
      };
    }
    if (podInject === 'false') return { notSelected: podOptOut };
    return {
      revision: defaultRevision(snapshot),
      why: `namespace ${namespace} is labelled ${NS_INJECTION_LABEL}=enabled`,
    };
  }
  if (nsRev !== undefined) {
    if (podInject === 'false') return { notSelected: podOptOut };
    return {
      revision: resolveRevision(snapshot, nsRev),
      why: `namespace ${namespace} is labelled ${REV_LABEL}=${revisionText(
        snapshot,
        nsRev,
      )}`,
    };
  }
  if (podRev !== undefined) {
    if (podInject === 'false') return { notSelected: podOptOut };
    return {
      revision: resolveRevision(snapshot, podRev),
      why: `pod label ${REV_LABEL}=${revisionText(snapshot, podRev)}`,
    };
  }
  if (podInject === 'true') {
    return {
      revision: defaultRevision(snapshot),
      why: `pod label ${INJECT_LABEL}=true`,
    };
  }
  if (
    snapshot.injector.enableNamespacesByDefault &&
    !NEVER_INJECTED_NAMESPACES.has(namespace) &&
    podInject === undefined
  ) {
    return {
      revision: defaultRevision(snapshot),
      why: 'the injector injects unlabelled namespaces (enableNamespacesByDefault)',
    };
  }
  const annotationHint =
    annotations[INJECT_LABEL] === 'true'
      ? ` (the annotation ${INJECT_LABEL}=true cannot enable injection; use the label)`
      : '';
  const unknown = snapshot.get('Namespace', '', namespace)
    ? ''
    : ' (the Namespace object is not in the input)';
  return {
    notSelected: `namespace ${namespace}${unknown} has no ${NS_INJECTION_LABEL} or ${REV_LABEL} label and the pod has no ${INJECT_LABEL}=true or ${REV_LABEL} label${annotationHint}`,
  };
}

/**
 * The injector's answer for a pod its webhook was called for.
 * @public
 */
export interface InjectRequiredDecision {
  required: boolean;
  /** What decided: the pod's label or annotation, a selector, or the policy. */
  reason: string;
  /** True when nothing about the pod decided and the policy did. */
  byPolicy: boolean;
}

/**
 * The injector's own check once its webhook is called (`injectRequired` in
 * `pkg/kube/inject/inject.go`), in upstream's order: hostNetwork pods and
 * system namespaces are never injected; the pod label
 * `sidecar.istio.io/inject` (over the legacy annotation) decides when `true`
 * or `false`; then neverInjectSelector, then alwaysInjectSelector; then the
 * policy: `enabled` injects, `disabled` does not, and any other value
 * injects nothing at all (the injector does not validate it).
 * @public
 */
export function injectRequired(
  namespace: string,
  pod: PodMetadata | undefined,
  podSpec: PodSpec | undefined,
  injector: InjectorConfig,
): InjectRequiredDecision {
  const decided = (required: boolean, reason: string) => ({
    required,
    reason,
    byPolicy: false,
  });
  if (podSpec?.hostNetwork === true) {
    return decided(false, 'hostNetwork pods are never injected');
  }
  if (NEVER_INJECTED_NAMESPACES.has(namespace)) {
    return decided(false, `pods in ${namespace} are never injected`);
  }
  const labels = pod?.labels ?? {};
  const annotations = pod?.annotations ?? {};
  const labelPresent = INJECT_LABEL in labels;
  const objectSelector = labelPresent
    ? labels[INJECT_LABEL]
    : annotations[INJECT_LABEL] ?? '';
  const setBy = labelPresent ? 'label' : 'annotation';
  // Empty and invalid values fall through to the selectors and the policy.
  if (objectSelector === 'true' || objectSelector === 'false') {
    return decided(
      objectSelector === 'true',
      `pod ${setBy} ${INJECT_LABEL}=${objectSelector}`,
    );
  }
  if (
    injector.neverInjectSelector.some(
      selector => injectorSelectorMatches(selector, labels) === true,
    )
  ) {
    return decided(false, 'pod labels match the injector neverInjectSelector');
  }
  if (
    injector.alwaysInjectSelector.some(
      selector => injectorSelectorMatches(selector, labels) === true,
    )
  ) {
    return decided(true, 'pod labels match the injector alwaysInjectSelector');
  }
  const policy = injector.policy;
  if (policy === 'enabled') {
    return {
      required: true,
      reason: 'injector policy is enabled',
      byPolicy: true,
    };
  }
  return {
    required: false,
    reason:
      policy === 'disabled'
        ? 'injector policy is disabled and the pod does not opt in'
        : `injector policy is ${
            policy ? `"${policy}"` : 'missing'
          }, which is neither enabled nor disabled: the injector injects nothing`,
    byPolicy: true,
  };
}

/**
 * Would a new pod with this metadata and spec, created in `namespace`, get a
 * sidecar, from which revision, and why. Follows the webhook selection rules,
 * then the injector's own check ({@link injectRequired}).
 * @public
 */
export function decideInjection(
  namespace: string,
  pod: PodMetadata | undefined,
  podSpec: PodSpec | undefined,
  snapshot: MeshSnapshot,
): InjectionDecision {
  const nsLabels = snapshot.get('Namespace', '', namespace)?.labels ?? {};
  const selected = selectWebhook(
    snapshot,
    namespace,
    nsLabels,
    pod?.labels ?? {},
    pod?.annotations ?? {},
  );
  if ('notSelected' in selected) return no(selected.notSelected);
  const installed = installedRevisions(snapshot);
  if (installed.size > 0 && !installed.has(selected.revision)) {
    return no(
      `${selected.why}, but no injector webhook for revision ${selected.revision} is installed`,
    );
  }

  const injector = injectRequired(namespace, pod, podSpec, snapshot.injector);
  if (!injector.required) return no(injector.reason);
  return {
    willInject: true,
    revision: selected.revision,
    reason:
      injector.byPolicy || injector.reason === selected.why
        ? selected.why
        : `${selected.why}; ${injector.reason}`,
  };
}

/**
 * Whether the ambient data plane captures a pod (`cni/pkg/util`, the default
 * enablement selector): the pod, or its namespace unless the pod says
 * `none`, is labelled `istio.io/dataplane-mode=ambient`. A pod with a sidecar
 * is never captured, and for the CNI that means the injector's
 * `sidecar.istio.io/status` annotation (`hasSidecar` adds what the caller
 * knows, such as an istio-proxy container); hostNetwork pods neither.
 * @public
 */
export function isAmbientCaptured(
  namespaceLabels: Record<string, string>,
  pod: PodMetadata | undefined,
  podSpec: PodSpec | undefined,
  hasSidecar: boolean = false,
): boolean {
  if (hasSidecar || podSpec?.hostNetwork === true) return false;
  if (pod?.annotations && SIDECAR_STATUS_ANNOTATION in pod.annotations) {
    return false;
  }
  const podMode = pod?.labels?.[DATAPLANE_MODE_LABEL];
  if (podMode === 'ambient') return true;
  if (podMode === 'none') return false;
  return namespaceLabels[DATAPLANE_MODE_LABEL] === 'ambient';
}

/**
 * What a new pod of this template would run with: a sidecar (injected, or
 * already in the template), ambient capture, or no data plane.
 * @public
 */
export function decideDataplane(
  namespace: string,
  pod: PodMetadata | undefined,
  podSpec: PodSpec | undefined,
  snapshot: MeshSnapshot,
): NewPodDataplane {
  const injection = decideInjection(namespace, pod, podSpec, snapshot);
  // A manually injected template (istioctl kube-inject) brings its proxy.
  if (
    injection.willInject ||
    hasProxy(podSpec?.containers) ||
    hasProxy(podSpec?.initContainers)
  ) {
    return { dataplane: 'sidecar', injection };
  }
  const nsLabels = snapshot.get('Namespace', '', namespace)?.labels ?? {};
  const ambient = isAmbientCaptured(nsLabels, pod, podSpec);
  return { dataplane: ambient ? 'ambient' : 'none', injection };
}

function hasProxy(containers: unknown): boolean {
  return (
    Array.isArray(containers) && containers.some(c => c?.name === 'istio-proxy')
  );
}

/**
 * Whether a running pod has a sidecar: an `istio-proxy` container, or an
 * `istio-proxy` init container (native sidecar).
 * @public
 */
export function isInjectedPod(
  pod: Pick<MeshResource, 'spec'> | { spec?: PodSpec },
): boolean {
  const spec = pod?.spec as PodSpec | undefined;
  return hasProxy(spec?.containers) || hasProxy(spec?.initContainers);
}

/**
 * Whether a running pod is captured by ambient: never with a sidecar (an
 * istio-proxy container or the injector's status annotation), otherwise the
 * CNI's redirection annotation, or the capture rules when it is not recorded.
 * @public
 */
export function isAmbientPod(
  pod: MeshResource,
  namespaceLabels: Record<string, string>,
): boolean {
  if (isInjectedPod(pod) || SIDECAR_STATUS_ANNOTATION in pod.annotations) {
    return false;
  }
  if (pod.annotations['ambient.istio.io/redirection'] === 'enabled')
    return true;
  return isAmbientCaptured(namespaceLabels, pod, pod.spec);
}
