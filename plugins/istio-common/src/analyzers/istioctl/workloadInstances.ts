import { MeshResource, PodSpec } from '../../model/resources';
import { MeshSnapshot, selectorMatches } from '../../model/snapshot';
import {
  decideInjection,
  isAmbientCaptured,
  isAmbientPod,
  isInjectedPod,
} from '../../posture/injection';
import { labelMap } from './specFields';

/** Label and annotation names the analyzers read. */
export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/**
 * Something that runs (or will run) pods with given labels: a Pod, or the
 * pod template of a Deployment, StatefulSet or DaemonSet. Templates count so
 * that manifests checked before deployment, without pods, are judged on
 * what they will create.
 */
export interface WorkloadInstance {
  resource: MeshResource;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: PodSpec;
  nodeName?: string;
  /** True for a running Pod, false for a controller's template. */
  isPod: boolean;
}

const CONTROLLER_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;

/** Pods and controller templates, grouped by namespace, in input order. */
export class WorkloadIndex {
  readonly all: WorkloadInstance[] = [];
  private readonly byNamespace = new Map<string, WorkloadInstance[]>();

  constructor(snapshot: MeshSnapshot) {
    for (const pod of snapshot.all('Pod')) {
      this.add({
        resource: pod,
        namespace: pod.namespace,
        labels: pod.labels,
        annotations: pod.annotations,
        spec: pod.spec,
        nodeName:
          typeof pod.spec?.nodeName === 'string'
            ? pod.spec.nodeName
            : undefined,
        isPod: true,
      });
    }
    for (const kind of CONTROLLER_KINDS) {
      for (const controller of snapshot.all(kind)) {
        const template = controller.spec?.template;
        if (!template || typeof template !== 'object') continue;
        this.add({
          resource: controller,
          namespace: controller.namespace,
          labels: labelMap(template.metadata?.labels),
          annotations: labelMap(template.metadata?.annotations),
          spec:
            template.spec && typeof template.spec === 'object'
              ? template.spec
              : {},
          isPod: false,
        });
      }
    }
  }

  private add(instance: WorkloadInstance) {
    this.all.push(instance);
    let list = this.byNamespace.get(instance.namespace);
    if (!list) this.byNamespace.set(instance.namespace, (list = []));
    list.push(instance);
  }

  inNamespace(namespace: string): WorkloadInstance[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** Instances whose labels the selector matches, in one namespace or all. */
  selectedBy(
    selector: Record<string, string> | undefined,
    namespace?: string,
  ): WorkloadInstance[] {
    const pool =
      namespace === undefined ? this.all : this.inNamespace(namespace);
    return pool.filter(i => selectorMatches(selector, i.labels));
  }
}

/**
 * Whether a namespace's labels put its pods in ambient mode: dataplane mode
 * `ambient` and no sidecar injection label (`util.NamespaceInAmbientMode`).
 */
export function namespaceIsAmbient(namespace: MeshResource | undefined) {
  if (!namespace) return false;
  const labels = namespace.labels;
  if (labels[INJECTION_LABEL] === 'enabled') return false;
  if (labels[REVISION_LABEL]) return false;
  return labels[DATAPLANE_MODE_LABEL] === 'ambient';
}

/**
 * Whether ztunnel captures the instance: for a running pod its redirection
 * annotation (or the capture rules), for a template the capture rules.
 */
export function isCapturedByAmbient(
  instance: WorkloadInstance,
  snapshot: MeshSnapshot,
): boolean {
  const nsLabels =
    snapshot.get('Namespace', '', instance.namespace)?.labels ?? {};
  if (instance.isPod) return isAmbientPod(instance.resource, nsLabels);
  return isAmbientCaptured(
    nsLabels,
    instance,
    instance.spec,
    isInjectedPod(instance),
  );
}

/**
 * Whether the instance has a sidecar, or gets one when (re)created: an
 * istio-proxy container, or the injector's decision for its labels.
 */
export function hasSidecar(
  instance: WorkloadInstance,
  snapshot: MeshSnapshot,
): boolean {
  return (
    isInjectedPod(instance) ||
    decideInjection(instance.namespace, instance, instance.spec, snapshot)
      .willInject
  );
}
