import {
  MeshResource,
  MeshSnapshot,
  RESOURCE_GROUPS,
  ResourceKind,
  selectorMatches,
} from '@meshportal/plugin-istio-common';

/**
 * Istio kinds that apply to the workloads their selector picks, and where
 * the selector sits. Selector-less objects apply namespace-wide and would
 * belong to every entity of the namespace, so only selectors count here.
 */
const WORKLOAD_SELECTORS: Array<{
  kind: ResourceKind;
  labels: (spec: any) => unknown;
  /** Gateways select their pods in any namespace. */
  anyNamespace?: boolean;
}> = [
  { kind: 'Sidecar', labels: spec => spec?.workloadSelector?.labels },
  {
    kind: 'RequestAuthentication',
    labels: spec => spec?.selector?.matchLabels,
  },
  {
    kind: 'DestinationRule',
    labels: spec => spec?.workloadSelector?.matchLabels,
  },
  { kind: 'ServiceEntry', labels: spec => spec?.workloadSelector?.labels },
  { kind: 'Gateway', labels: spec => spec?.selector, anyNamespace: true },
];

function labelsOf(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
}

/**
 * The Istio objects whose workload selector picks a workload with these
 * labels in `namespace`: their findings concern that workload's entity.
 * @public
 */
export function objectsSelecting(
  snapshot: MeshSnapshot,
  namespace: string,
  labels: Record<string, string>,
): MeshResource[] {
  const found: MeshResource[] = [];
  for (const { kind, labels: selectorOf, anyNamespace } of WORKLOAD_SELECTORS) {
    const candidates = anyNamespace
      ? snapshot.all(kind)
      : snapshot.inNamespace(kind, namespace);
    for (const object of candidates) {
      const selector = labelsOf(selectorOf(object.spec));
      if (selector && selectorMatches(selector, labels)) found.push(object);
    }
  }
  return found;
}

/**
 * Istio and Gateway API configuration kinds: an object of these kinds that
 * carries an entity's labels belongs to the entity, as the Kubernetes
 * plugin maps custom resources by the same label selector.
 * @public
 */
export const CONFIG_KINDS: ResourceKind[] = (
  Object.keys(RESOURCE_GROUPS) as ResourceKind[]
).filter(kind => {
  const group = RESOURCE_GROUPS[kind];
  return group.endsWith('istio.io') || group === 'gateway.networking.k8s.io';
});
