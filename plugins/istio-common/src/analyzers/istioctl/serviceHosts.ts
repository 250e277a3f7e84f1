import { MeshResource } from '../../model/resources';
import { MeshSnapshot } from '../../model/snapshot';
import { resolveHost } from '../../posture/meshIndex';
import { exportScopes, hostsOverlap, isWildcardHost } from './hostNames';

const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

/**
 * A host some Service or ServiceEntry makes reachable, and where it is visible.
 * @public
 */
export interface ServiceHost {
  /** FQDN, or a wildcard such as `*.example.com`. */
  host: string;
  /** Namespace the host is visible in, or `*` for every namespace. */
  scope: string;
  /** Port numbers it exposes. */
  ports: number[];
  /** The Service or ServiceEntry that declares it. */
  source: MeshResource;
}

function portNumbers(ports: unknown, field: 'port' | 'number'): number[] {
  if (!Array.isArray(ports)) return [];
  return ports
    .map(p => Number(p?.[field]))
    .filter(n => Number.isInteger(n) && n > 0);
}

/**
 * The hosts that Services and ServiceEntries declare, indexed the way
 * istioctl looks a destination up: exact host per visibility scope first,
 * wildcard hosts last.
 * @public
 */
export class ServiceHostRegistry {
  private readonly exact = new Map<string, ServiceHost>();
  private readonly wildcards: ServiceHost[] = [];
  private readonly all: ServiceHost[] = [];
  private readonly clusterDomain: string;

  constructor(snapshot: MeshSnapshot) {
    this.clusterDomain = snapshot.clusterDomain;
    for (const entry of snapshot.all('ServiceEntry')) {
      const hosts: unknown[] = Array.isArray(entry.spec.hosts)
        ? entry.spec.hosts
        : [];
      const ports = portNumbers(entry.spec.ports, 'number');
      const scopes = exportScopes(entry.spec.exportTo, entry.namespace);
      for (const host of hosts) {
        if (typeof host !== 'string' || !host) continue;
        for (const scope of scopes) {
          this.add({
            host: resolveHost(host, entry.namespace, this.clusterDomain),
            scope,
            ports,
            source: entry,
          });
        }
      }
    }
    for (const service of snapshot.all('Service')) {
      const annotation = service.annotations[EXPORT_TO_ANNOTATION];
      const scopes = exportScopes(
        annotation ? annotation.split(',') : undefined,
        service.namespace,
      );
      const ports = portNumbers(service.spec.ports, 'port');
      for (const scope of scopes) {
        this.add({
          host: resolveHost(
            service.name,
            service.namespace,
            this.clusterDomain,
          ),
          scope,
          ports,
          source: service,
        });
      }
    }
  }

  private add(entry: ServiceHost) {
    this.exact.set(`${entry.scope}/${entry.host}`, entry);
    if (isWildcardHost(entry.host)) this.wildcards.push(entry);
    this.all.push(entry);
  }

  /**
   * What `host`, written in a resource of `namespace` with the given
   * `exportTo`, refers to, as istioctl resolves it: a host exported to all
   * namespaces, then one exported to a namespace the referring resource is
   * exported to (its own when `exportTo` is empty), then a wildcard host
   * visible from `namespace` whose suffix covers it.
   */
  resolve(
    namespace: string,
    exportTo: ReadonlyArray<string> | undefined,
    host: string,
  ): ServiceHost | undefined {
    if (typeof host !== 'string' || !host) return undefined;
    const fqdn = resolveHost(host, namespace, this.clusterDomain);
    const global = this.exact.get(`*/${fqdn}`);
    if (global) return global;
    const scopes =
      Array.isArray(exportTo) && exportTo.length > 0
        ? exportTo.map(e => (e === '.' ? namespace : e))
        : [namespace];
    for (const scope of scopes) {
      const found = this.exact.get(`${scope}/${fqdn}`);
      if (found) return found;
    }
    const bare = isWildcardHost(fqdn) ? fqdn.slice(1) : fqdn;
    return this.wildcards.find(
      w =>
        (w.scope === '*' || w.scope === namespace) &&
        bare.endsWith(w.host.slice(1)),
    );
  }

  /**
   * Every host visible from `namespace` that overlaps a wildcard `host`
   * (for wildcard DestinationRules such as `*.local`).
   */
  overlapping(namespace: string, host: string): ServiceHost[] {
    const fqdn = resolveHost(host, namespace, this.clusterDomain);
    return this.all.filter(
      e =>
        (e.scope === '*' || e.scope === namespace) &&
        hostsOverlap(fqdn, e.host),
    );
  }
}
