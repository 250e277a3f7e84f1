import { DEFAULT_CLUSTER_DOMAIN } from '../model/clusterDomain';
import { MeshResource, ServiceSpec } from '../model/resources';
import { MeshSnapshot } from '../model/snapshot';
import { WorkloadRecord, buildWorkloads } from './workloads';

/**
 * A Service with its FQDN host and the workloads its selector matches.
 * @public
 */
export interface ServiceRecord {
  resource: MeshResource<ServiceSpec>;
  /** `<name>.<namespace>.svc.<cluster domain>` */
  host: string;
  workloads: WorkloadRecord[];
}

/**
 * The snapshot's workloads and services, indexed once and shared by the
 * posture and the analyzers.
 * @public
 */
export interface MeshIndex {
  workloads: WorkloadRecord[];
  services: ServiceRecord[];
  serviceByHost: ReadonlyMap<string, ServiceRecord>;
}

/**
 * Istio's `ResolveShortnameToFQDN` (pilot/pkg/model): a host without a dot
 * is a Service name in `namespace`; anything else (`*`, an IP address, and
 * also `reviews.prod` or `reviews.prod.svc`) is kept as written.
 * @public
 */
export function resolveHost(
  host: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string {
  if (!host || host === '*' || host.includes('.') || host.includes(':'))
    return host;
  return `${host}.${namespace}.svc.${clusterDomain}`;
}

/**
 * The FQDN of a Kubernetes Service.
 * @public
 */
export function serviceHost(
  name: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string {
  return `${name}.${namespace}.svc.${clusterDomain}`;
}

/**
 * The namespace of a Kubernetes Service FQDN, or undefined for other hosts.
 * @public
 */
export function namespaceOfHost(
  host: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string | undefined {
  const suffix = `.svc.${clusterDomain}`;
  if (!host.endsWith(suffix) || host.startsWith('*')) return undefined;
  const parts = host.slice(0, -suffix.length).split('.');
  return parts.length === 2 ? parts[1] : undefined;
}

/**
 * Whether a (possibly wildcard) host pattern covers a concrete host:
 * `*` covers everything, `*.suffix` covers any host ending in `.suffix`.
 * @public
 */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern === '*') return true;
  return pattern.startsWith('*.') && host.endsWith(pattern.slice(1));
}

const indexCache = new WeakMap<MeshSnapshot, MeshIndex>();

/**
 * The index of a snapshot, built on first use and reused after.
 * @public
 */
export function meshIndex(snapshot: MeshSnapshot): MeshIndex {
  const cached = indexCache.get(snapshot);
  if (cached) return cached;
  const workloads = buildWorkloads(snapshot);
  const byServiceKey = new Map<string, WorkloadRecord[]>();
  for (const workload of workloads) {
    for (const service of workload.posture.services) {
      const k = `${workload.posture.namespace}/${service}`;
      const list = byServiceKey.get(k);
      if (list) list.push(workload);
      else byServiceKey.set(k, [workload]);
    }
  }
  const services: ServiceRecord[] = [];
  const serviceByHost = new Map<string, ServiceRecord>();
  for (const resource of snapshot.all(
    'Service',
  ) as MeshResource<ServiceSpec>[]) {
    const record: ServiceRecord = {
      resource,
      host: serviceHost(
        resource.name,
        resource.namespace,
        snapshot.clusterDomain,
      ),
      workloads:
        byServiceKey.get(`${resource.namespace}/${resource.name}`) ?? [],
    };
    services.push(record);
    serviceByHost.set(record.host, record);
  }
  const index = { workloads, services, serviceByHost };
  indexCache.set(snapshot, index);
  return index;
}
