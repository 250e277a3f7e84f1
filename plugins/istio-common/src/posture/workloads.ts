import { Dataplane, WorkloadKind, WorkloadPosture } from '../analysis/types';
import {
  MeshResource,
  PodSpec,
  PodTemplate,
  ServicePort,
  ServiceSpec,
  WorkloadSpec,
} from '../model/resources';
import { MeshSnapshot, selectorMatches } from '../model/snapshot';
import { decideDataplane, isAmbientPod, isInjectedPod } from './injection';
import {
  ComposedPeerAuthentication,
  composePeerAuthentication,
} from './peerAuthentication';

/**
 * One workload with the objects behind its posture, for analyzers that need
 * more than the reported {@link WorkloadPosture}.
 * @public
 */
export interface WorkloadRecord {
  posture: WorkloadPosture;
  /** The Deployment, StatefulSet, DaemonSet, or the bare Pod. */
  resource: MeshResource;
  /** Pod template (the pod's own metadata and spec for bare pods). */
  template: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    spec: PodSpec;
  };
  /** Running pods grouped under the workload. */
  pods: MeshResource[];
  peerAuthentication: ComposedPeerAuthentication;
}

const CONTROLLER_KINDS: ReadonlyArray<Exclude<WorkloadKind, 'Pod'>> = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
];

/** Labels and annotations from raw manifest fields: strings only, never throws. */
function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined && v !== null) out[k] = String(v);
    }
  }
  return out;
}

function templateOf(
  resource: MeshResource<WorkloadSpec>,
): WorkloadRecord['template'] {
  const template: PodTemplate = resource.spec?.template ?? {};
  const spec =
    template?.spec && typeof template.spec === 'object' ? template.spec : {};
  return {
    labels: stringMap(template?.metadata?.labels),
    annotations: stringMap(template?.metadata?.annotations),
    spec,
  };
}

function controllerOf(resource: MeshResource) {
  return (
    resource.ownerReferences.find(o => o.controller) ??
    resource.ownerReferences[0]
  );
}

/** Finished pods are not part of the running workload. */
function isRunning(pod: MeshResource): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function podDataplane(
  pod: MeshResource,
  nsLabels: Record<string, string>,
): Dataplane {
  if (isInjectedPod(pod)) return 'sidecar';
  return isAmbientPod(pod, nsLabels) ? 'ambient' : 'none';
}

/**
 * Whether a workload's pods (some of them, when partial) run a sidecar.
 * @public
 */
export function hasSidecar(workload: WorkloadRecord): boolean {
  const dataplane = workload.posture.dataplane;
  return dataplane === 'sidecar' || dataplane === 'partial';
}

/**
 * The container port a Service port reaches on a workload: a named
 * targetPort is looked up in the pod template, a missing one is the port.
 * Returns the name itself when the template does not declare it.
 * @public
 */
export function targetPortOf(
  servicePort: ServicePort,
  spec: PodSpec,
): number | string {
  const target = servicePort?.targetPort;
  if (target === undefined || target === null || target === '')
    return servicePort?.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of Array.isArray(spec?.containers)
    ? spec.containers
    : []) {
    for (const port of Array.isArray(container?.ports) ? container.ports : []) {
      if (port?.name === target) return port.containerPort;
    }
  }
  return target;
}

function key(...parts: string[]): string {
  return parts.join('\u0000');
}

/**
 * Every workload of the snapshot: Deployments, StatefulSets and DaemonSets
 * with their running pods (Pod to ReplicaSet to Deployment), and pods without
 * such an owner on their own. Sorted by namespace, then name.
 * @public
 */
export function buildWorkloads(snapshot: MeshSnapshot): WorkloadRecord[] {
  const controllers = new Map<
    string,
    { resource: MeshResource; pods: MeshResource[] }
  >();
  for (const kind of CONTROLLER_KINDS) {
    for (const resource of snapshot.all(kind)) {
      controllers.set(key(kind, resource.namespace, resource.name), {
        resource,
        pods: [],
      });
    }
  }
  const deploymentOfReplicaSet = new Map<string, string>();
  for (const rs of snapshot.all('ReplicaSet')) {
    const owner = controllerOf(rs);
    if (owner?.kind === 'Deployment') {
      deploymentOfReplicaSet.set(key(rs.namespace, rs.name), owner.name);
    }
  }

  const barePods: MeshResource[] = [];
  for (const pod of snapshot.all('Pod')) {
    if (!isRunning(pod)) continue;
    const owner = controllerOf(pod);
    let target: { resource: MeshResource; pods: MeshResource[] } | undefined;
    if (owner?.kind === 'ReplicaSet') {
      let deployment = deploymentOfReplicaSet.get(
        key(pod.namespace, owner.name),
      );
      const hash = pod.labels['pod-template-hash'];
      // Without the ReplicaSet object, its name is `<deployment>-<pod-template-hash>`.
      if (!deployment && hash && owner.name.endsWith(`-${hash}`)) {
        deployment = owner.name.slice(0, -hash.length - 1);
      }
      if (deployment)
        target = controllers.get(key('Deployment', pod.namespace, deployment));
    } else if (owner?.kind === 'StatefulSet' || owner?.kind === 'DaemonSet') {
      target = controllers.get(key(owner.kind, pod.namespace, owner.name));
    }
    if (target) target.pods.push(pod);
    else barePods.push(pod);
  }

  const servicesByNamespace = new Map<string, MeshResource<ServiceSpec>[]>();
  const servicesIn = (namespace: string) => {
    let list = servicesByNamespace.get(namespace);
    if (!list) {
      list = (
        snapshot.inNamespace(
          'Service',
          namespace,
        ) as MeshResource<ServiceSpec>[]
      ).filter(s => {
        const selector = s.spec?.selector;
        return (
          selector &&
          typeof selector === 'object' &&
          Object.keys(selector).length > 0
        );
      });
      servicesByNamespace.set(namespace, list);
    }
    return list;
  };

  const records: WorkloadRecord[] = [];
  const add = (
    kind: WorkloadKind,
    resource: MeshResource,
    template: WorkloadRecord['template'],
    pods: MeshResource[],
  ) => {
    const namespace = resource.namespace;
    const nsLabels = snapshot.get('Namespace', '', namespace)?.labels ?? {};
    const newPod = decideDataplane(
      namespace,
      template,
      template.spec,
      snapshot,
    );
    let dataplane: Dataplane = newPod.dataplane;
    let injected = 0;
    if (pods.length > 0) {
      const seen = new Set<Dataplane>();
      for (const pod of pods) {
        const podPlane = podDataplane(pod, nsLabels);
        if (podPlane === 'sidecar') injected++;
        seen.add(podPlane);
      }
      dataplane = seen.size === 1 ? [...seen][0] : 'partial';
    }
    const peerAuthentication = composePeerAuthentication(
      snapshot,
      namespace,
      template.labels,
    );
    const services = servicesIn(namespace)
      .filter(s => selectorMatches(s.spec.selector, template.labels))
      .map(s => s.name)
      .sort();
    records.push({
      resource,
      template,
      pods,
      peerAuthentication,
      posture: {
        namespace,
        name: resource.name,
        kind,
        labels: template.labels,
        dataplane,
        pods: { total: pods.length, injected },
        injection: newPod.injection,
        mtls: peerAuthentication.mtls,
        services,
      },
    });
  };

  for (const { resource, pods } of controllers.values()) {
    add(resource.kind as WorkloadKind, resource, templateOf(resource), pods);
  }
  for (const pod of barePods) {
    const spec = pod.spec && typeof pod.spec === 'object' ? pod.spec : {};
    add(
      'Pod',
      pod,
      { labels: pod.labels, annotations: pod.annotations, spec },
      [pod],
    );
  }
  records.sort(
    (a, b) =>
      a.posture.namespace.localeCompare(b.posture.namespace) ||
      a.posture.name.localeCompare(b.posture.name) ||
      a.posture.kind.localeCompare(b.posture.kind),
  );
  return records;
}
