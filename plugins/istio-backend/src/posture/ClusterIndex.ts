import {
  ClientTlsEntry,
  Finding,
  MeshReport,
  isMeshWideFinding,
  MeshResource,
  MeshSnapshot,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import { EntityWorkloadMapping } from './entityMapping';
import { CONFIG_KINDS } from './entityObjects';
import { LabelIndex } from './labelSelector';
import { HostIndex, ServiceTrafficIndex } from './serviceTraffic';

/** `Kind/namespace/name`: how findings are looked up by the object they concern. */
export const refKey = (kind: string, namespace: string, name: string) =>
  `${kind}/${namespace}/${name}`;

function append<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Lookups over one cluster's report, built once when the report is
 * computed so that an entity page or the adoption summary never scans the
 * whole cluster: workloads and Services by label, routes and client TLS by
 * host, findings by object and by namespace.
 * @public
 */
export class ClusterIndex {
  private readonly workloads = new LabelIndex<WorkloadPosture>();
  private readonly services = new LabelIndex<MeshResource>();
  private readonly configObjects = new LabelIndex<MeshResource>();
  private readonly clientTls = new HostIndex<ClientTlsEntry>();
  private readonly findingsByRef = new Map<string, Finding[]>();
  private readonly findingsByNamespace = new Map<string, Finding[]>();
  private readonly namespaceFindings = new Map<string, Finding[]>();
  /** About the whole mesh (the root certificate): they concern every namespace. */
  private readonly meshWideFindings: Finding[] = [];
  private readonly findingOrder = new Map<Finding, number>();
  readonly traffic: ServiceTrafficIndex;

  constructor(snapshot: MeshSnapshot, report: Omit<MeshReport, 'problems'>) {
    for (const w of report.workloads) {
      const own = snapshot.get(w.kind, w.namespace, w.name);
      // As the Kubernetes plugin shows them: the pod template's labels or the controller's own.
      this.workloads.add(w, own ? [w.labels, own.labels ?? {}] : [w.labels]);
    }
    for (const s of snapshot.all('Service')) {
      this.services.add(s, [s.labels ?? {}]);
    }
    for (const kind of CONFIG_KINDS) {
      for (const o of snapshot.all(kind)) {
        if (Object.keys(o.labels).length) this.configObjects.add(o, [o.labels]);
      }
    }
    for (const t of report.clientTls) this.clientTls.add(t, [t.host]);
    this.traffic = new ServiceTrafficIndex(snapshot);
    for (const f of report.findings) {
      this.findingOrder.set(f, this.findingOrder.size);
      if (isMeshWideFinding(f)) {
        this.meshWideFindings.push(f);
      } else if (f.ref.kind === 'Namespace') {
        append(this.namespaceFindings, f.ref.name, f);
        append(this.findingsByNamespace, f.ref.name, f);
      } else {
        append(
          this.findingsByRef,
          refKey(f.ref.kind, f.ref.namespace, f.ref.name),
          f,
        );
        append(this.findingsByNamespace, f.ref.namespace, f);
      }
    }
  }

  /** The workloads an entity's selector picks, in the report's order. */
  workloadsOf(mapping: EntityWorkloadMapping): WorkloadPosture[] {
    return this.workloads.select(
      mapping.requirements,
      w => !mapping.namespace || w.namespace === mapping.namespace,
    );
  }

  /** The Services labelled for an entity. */
  servicesOf(mapping: EntityWorkloadMapping): MeshResource[] {
    return this.services.select(
      mapping.requirements,
      s => !mapping.namespace || s.namespace === mapping.namespace,
    );
  }

  /** The Istio and Gateway API objects labelled for an entity. */
  configObjectsOf(mapping: EntityWorkloadMapping): MeshResource[] {
    return this.configObjects.select(
      mapping.requirements,
      o => !mapping.namespace || o.namespace === mapping.namespace,
    );
  }

  /** What clients send to a host. */
  clientTlsFor(fqdn: string): ClientTlsEntry[] {
    return this.clientTls.covering(fqdn);
  }

  /**
   * Findings about these objects and these namespaces, and those about the
   * whole mesh when there is any namespace, each once, in the report's order.
   */
  findingsAbout(refs: Iterable<string>, namespaces: string[]): Finding[] {
    const found = new Set<Finding>(
      namespaces.length ? this.meshWideFindings : [],
    );
    for (const ns of namespaces) {
      for (const f of this.namespaceFindings.get(ns) ?? []) found.add(f);
    }
    for (const ref of refs) {
      for (const f of this.findingsByRef.get(ref) ?? []) found.add(f);
    }
    return [...found].sort(
      (a, b) => this.findingOrder.get(a)! - this.findingOrder.get(b)!,
    );
  }

  /**
   * Every finding of a namespace: about its objects, about the namespace
   * itself, or about the whole mesh.
   */
  findingsIn(namespace: string): Finding[] {
    const own = this.findingsByNamespace.get(namespace) ?? [];
    if (!this.meshWideFindings.length) return own;
    return [...own, ...this.meshWideFindings].sort(
      (a, b) => this.findingOrder.get(a)! - this.findingOrder.get(b)!,
    );
  }
}
