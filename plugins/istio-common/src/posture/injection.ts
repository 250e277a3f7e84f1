import { InjectionDecision } from '../analysis/types';
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
const TAG_WEBHOOK_PREFIX = 'istio-revision-tag-';
const INJECTOR_WEBHOOK = 'istio-sidecar-injector';

const tagCache = new WeakMap<MeshSnapshot, Map<string, string>>();

/**
 * Revision tags of the mesh: tag name to the revision it points at, read from
 * the `istio-revision-tag-<tag>` MutatingWebhookConfigurations.
 * @public
 */
export function revisionTags(
  snapshot: MeshSnapshot,
): ReadonlyMap<string, string> {
  let tags = tagCache.get(snapshot);
  if (!tags) {
    tags = new Map();
    for (const webhook of snapshot.all('MutatingWebhookConfiguration')) {
      const tag = webhook.labels['istio.io/tag'];
      const revision = webhook.labels[REV_LABEL];
      if (webhook.name.startsWith(TAG_WEBHOOK_PREFIX) && tag && revision) {
        tags.set(tag, revision);
      }
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

interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key?: string;
    operator?: string;
    values?: string[];
  }>;
}

/**
 * Kubernetes label selector semantics for the injector's never/always
 * selectors; `undefined` for an empty selector, which Istio skips.
 */
function injectorSelectorMatches(
  selector: LabelSelectorLike,
  labels: Record<string, string>,
): boolean | undefined {
  const matchLabels = selector?.matchLabels ?? {};
  const expressions = Array.isArray(selector?.matchExpressions)
    ? selector.matchExpressions
    : [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
    return undefined;
  }
  for (const key of Object.keys(matchLabels)) {
    if (labels[key] !== String(matchLabels[key])) return false;
  }
  for (const expression of expressions) {
    const key = String(expression?.key ?? '');
    const values = Array.isArray(expression?.values)
      ? expression.values.map(String)
      : [];
    const has = key in labels;
    switch (expression?.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // An invalid selector is skipped by the injector.
        return false;
    }
  }
  return true;
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
 * Would a new pod with this metadata and spec, created in `namespace`, get a
 * sidecar, from which revision, and why. Follows the webhook selection rules,
 * then the injector's own check (`injectRequired`): hostNetwork, system
 * namespaces, the `sidecar.istio.io/inject` label (over the legacy
 * annotation), never/always selectors, then the policy.
 * @public
 */
export function decideInjection(
  namespace: string,
  pod: PodMetadata | undefined,
  podSpec: PodSpec | undefined,
  snapshot: MeshSnapshot,
): InjectionDecision {
  const nsLabels = snapshot.get('Namespace', '', namespace)?.labels ?? {};
  const labels = pod?.labels ?? {};
  const annotations = pod?.annotations ?? {};

  const selected = selectWebhook(
    snapshot,
    namespace,
    nsLabels,
    labels,
    annotations,
  );
  if ('notSelected' in selected) return no(selected.notSelected);
  const installed = installedRevisions(snapshot);
  if (installed.size > 0 && !installed.has(selected.revision)) {
    return no(
      `${selected.why}, but no injector webhook for revision ${selected.revision} is installed`,
    );
  }

  if (podSpec?.hostNetwork === true)
    return no('hostNetwork pods are never injected');
  if (NEVER_INJECTED_NAMESPACES.has(namespace)) {
    return no(`pods in ${namespace} are never injected`);
  }

  const labelPresent = INJECT_LABEL in labels;
  const objectSelector = labelPresent
    ? labels[INJECT_LABEL]
    : annotations[INJECT_LABEL] ?? '';
  const setBy = labelPresent ? 'label' : 'annotation';
  let useDefault = false;
  let inject = false;
  let why = '';
  if (objectSelector === 'true') {
    inject = true;
    why = `pod ${setBy} ${INJECT_LABEL}=true`;
  } else if (objectSelector === 'false') {
    why = `pod ${setBy} ${INJECT_LABEL}=false`;
  } else {
    // Empty and invalid values fall through to the selectors and the policy.
    useDefault = true;
  }

  if (useDefault) {
    for (const selector of snapshot.injector.neverInjectSelector) {
      if (injectorSelectorMatches(selector, labels)) {
        useDefault = false;
        inject = false;
        why = 'pod labels match the injector neverInjectSelector';
        break;
      }
    }
  }
  if (useDefault) {
    for (const selector of snapshot.injector.alwaysInjectSelector) {
      if (injectorSelectorMatches(selector, labels)) {
        useDefault = false;
        inject = true;
        why = 'pod labels match the injector alwaysInjectSelector';
        break;
      }
    }
  }
  const policy = snapshot.injector.policy;
  const required = useDefault ? policy === 'enabled' : inject;
  if (!required) {
    return no(
      useDefault
        ? `injector policy is ${policy} and the pod does not opt in`
        : why,
    );
  }
  return {
    willInject: true,
    revision: selected.revision,
    reason:
      useDefault || why === selected.why
        ? selected.why
        : `${selected.why}; ${why}`,
  };
}

/**
 * Whether the ambient data plane captures a pod: the pod, or its namespace
 * unless the pod says `none`, is labelled `istio.io/dataplane-mode=ambient`;
 * pods with a sidecar or hostNetwork are never captured.
 * @public
 */
export function isAmbientCaptured(
  namespaceLabels: Record<string, string>,
  pod: PodMetadata | undefined,
  podSpec: PodSpec | undefined,
  hasSidecar: boolean,
): boolean {
  if (hasSidecar || podSpec?.hostNetwork === true) return false;
  const podMode = pod?.labels?.[DATAPLANE_MODE_LABEL];
  if (podMode === 'ambient') return true;
  if (podMode === 'none') return false;
  return namespaceLabels[DATAPLANE_MODE_LABEL] === 'ambient';
}

/**
 * What a new pod of this template would run with: a sidecar, ambient
 * capture, or no data plane.
 * @public
 */
export function decideDataplane(
  namespace: string,
  pod: PodMetadata | undefined,
  podSpec: PodSpec | undefined,
  snapshot: MeshSnapshot,
): NewPodDataplane {
  const injection = decideInjection(namespace, pod, podSpec, snapshot);
  if (injection.willInject) return { dataplane: 'sidecar', injection };
  const nsLabels = snapshot.get('Namespace', '', namespace)?.labels ?? {};
  const ambient = isAmbientCaptured(nsLabels, pod, podSpec, false);
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
 * Whether a running pod is captured by ambient: the CNI's redirection
 * annotation, or the capture rules when the annotation is not recorded.
 * @public
 */
export function isAmbientPod(
  pod: MeshResource,
  namespaceLabels: Record<string, string>,
): boolean {
  if (isInjectedPod(pod)) return false;
  if (pod.annotations['ambient.istio.io/redirection'] === 'enabled')
    return true;
  return isAmbientCaptured(namespaceLabels, pod, pod.spec, false);
}
