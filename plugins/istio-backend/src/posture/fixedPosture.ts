import {
  AppliedObject,
  AuthorizationPolicyView,
  MeshResource,
  MeshSnapshot,
  ServicePosture,
  WorkloadPosture,
  selectorMatches,
  serviceHost,
} from '@meshportal/plugin-istio-common';
import { LinkBuilder } from '../links/links';
import { refKey } from './ClusterIndex';
import type { ClusterReport } from './clusterReport';
import { EntityWorkloadMapping } from './entityMapping';
import { objectsSelecting } from './entityObjects';
import type { PreparedClusterPosture } from './preparedPosture';
import { policiesSelecting } from './serviceTraffic';

/** Istio kinds whose manifests the entity page shows (and lets people copy). */
const ISTIO_KINDS = new Set([
  'PeerAuthentication',
  'AuthorizationPolicy',
  'RequestAuthentication',
  'DestinationRule',
  'VirtualService',
  'Gateway',
  'Sidecar',
  'ServiceEntry',
]);

/**
 * The manifests of the Istio objects among `refs` (`Kind/namespace/name`),
 * as the cluster holds them: what a service owner copies into a fix.
 */
function appliedIstioObjects(
  snapshot: MeshSnapshot,
  refs: Set<string>,
): AppliedObject[] {
  const objects: AppliedObject[] = [];
  for (const ref of [...refs].sort()) {
    const [kind, namespace, name] = ref.split('/');
    if (!ISTIO_KINDS.has(kind)) continue;
    const resource = snapshot.get(
      kind as MeshResource['kind'],
      namespace,
      name,
    );
    if (!resource) continue;
    objects.push({
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: {
        name: resource.name,
        namespace: resource.namespace,
        ...(Object.keys(resource.labels).length
          ? { labels: resource.labels }
          : {}),
      },
      spec: resource.spec,
    });
  }
  return objects;
}

const CONTROLLER_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * The part of an entity's posture in one cluster that only the report
 * decides: its workloads, services, policies, findings and manifests.
 */
export function fixedPosture(
  report: ClusterReport,
  mapping: EntityWorkloadMapping,
  links: LinkBuilder,
): Omit<PreparedClusterPosture, 'json'> | null {
  const { snapshot, index } = report;
  const workloads = index.workloadsOf(mapping);

  // Services: labelled for the entity, or selecting one of its workloads.
  const serviceKeys = new Set<string>();
  for (const w of workloads) {
    for (const s of w.services) serviceKeys.add(`${w.namespace}/${s}`);
  }
  for (const s of index.servicesOf(mapping)) {
    serviceKeys.add(`${s.namespace}/${s.name}`);
  }
  if (!workloads.length && !serviceKeys.size) return null;

  const services: ServicePosture[] = [...serviceKeys].sort().flatMap(key => {
    const [namespace, name] = key.split('/');
    const service = snapshot.get('Service', namespace, name);
    if (!service) return [];
    const fqdn = serviceHost(name, namespace, snapshot.clusterDomain);
    return [
      {
        namespace,
        name,
        ports: service.spec?.ports ?? [],
        selector: service.spec?.selector,
        ...index.traffic.forService(namespace, name),
        clientTls: index.clientTlsFor(fqdn),
        links: links.service(namespace, name),
      },
    ];
  });

  const policies = new Map<string, AuthorizationPolicyView>();
  for (const w of workloads) {
    for (const p of policiesSelecting(snapshot, w.namespace, w.labels)) {
      policies.set(`${p.namespace}/${p.name}`, p);
    }
  }

  const namespaces = [
    ...new Set([
      ...workloads.map(w => w.namespace),
      ...services.map(s => s.namespace),
    ]),
  ].sort();
  const touched = touchedRefs(
    snapshot,
    workloads,
    services,
    [...policies.values()],
    namespaces,
    index.configObjectsOf(mapping),
  );
  const findings = index.findingsAbout(touched, namespaces);
  const objects = appliedIstioObjects(snapshot, touched);

  return {
    workloads,
    fixed: {
      cluster: report.cluster,
      generatedAt: report.computedAt.toISOString(),
      reportGeneration: report.generation,
      workloads: workloads.map(w => ({
        ...w,
        links: links.workload(w.namespace, w.name),
      })),
      services,
      authorizationPolicies: [...policies.values()],
      findings,
      links: {
        namespaces: Object.fromEntries(
          namespaces.map(ns => [ns, links.namespace(ns)]),
        ),
        graph: links.graph(namespaces),
      },
      objects,
    },
  };
}

/** `Kind/namespace/name` of every object whose findings concern the entity. */
function touchedRefs(
  snapshot: MeshSnapshot,
  workloads: WorkloadPosture[],
  services: ServicePosture[],
  policies: AuthorizationPolicyView[],
  namespaces: string[],
  labelled: MeshResource[],
): Set<string> {
  const refs = new Set<string>();
  const add = (kind: string, ns: string, name: string) =>
    refs.add(refKey(kind, ns, name));
  // Config labelled for the entity, and objects selecting its workloads
  // (Sidecars, Gateways...), whatever analyzer reports on them.
  labelled.forEach(o => add(o.kind, o.namespace, o.name));
  for (const w of workloads) {
    add(w.kind, w.namespace, w.name);
    for (const o of objectsSelecting(snapshot, w.namespace, w.labels)) {
      add(o.kind, o.namespace, o.name);
    }
    const own = snapshot.get(w.kind, w.namespace, w.name);
    const selector = CONTROLLER_KINDS.has(w.kind)
      ? own?.spec?.selector?.matchLabels
      : undefined;
    if (selector && Object.keys(selector).length) {
      for (const pod of snapshot.inNamespace('Pod', w.namespace)) {
        if (selectorMatches(selector, pod.labels))
          add('Pod', pod.namespace, pod.name);
      }
    }
    const policy = w.mtls.source.policy;
    if (policy?.includes('/')) {
      const [ns, name] = policy.split('/');
      add('PeerAuthentication', ns, name);
    }
  }
  for (const s of services) {
    add('Service', s.namespace, s.name);
    s.virtualServices.forEach(v => add('VirtualService', v.namespace, v.name));
    s.destinationRules.forEach(d =>
      add('DestinationRule', d.namespace, d.name),
    );
  }
  policies.forEach(p => add('AuthorizationPolicy', p.namespace, p.name));
  // Namespace-wide PeerAuthentications govern every workload of the namespace.
  for (const ns of namespaces) {
    for (const pa of snapshot.inNamespace('PeerAuthentication', ns)) {
      add('PeerAuthentication', pa.namespace, pa.name);
    }
  }
  return refs;
}
