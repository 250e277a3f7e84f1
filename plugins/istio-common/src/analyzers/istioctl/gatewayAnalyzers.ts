import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { selectorMatches } from '../../model/snapshot';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { WorkloadIndex, WorkloadInstance } from './workloadInstances';
import { list, labelMap, selectorString } from './specFields';

function serverPort(server: any): number {
  const n = server?.port?.number;
  return typeof n === 'number' ? n : 0;
}

/** Gateway pods per selector, computed once per distinct selector. */
class GatewayWorkloads {
  private readonly cache = new Map<string, WorkloadInstance[]>();
  constructor(private readonly workloads: WorkloadIndex) {}

  /** Pods (and templates) in any namespace the gateway selector picks. */
  selectedBy(selector: Record<string, string>): WorkloadInstance[] {
    const key = selectorString(selector);
    let found = this.cache.get(key);
    if (!found) {
      found = this.workloads.selectedBy(selector);
      this.cache.set(key, found);
    }
    return found;
  }
}

/** How to expose a gateway port on the Service in front of the gateway. */
function exposePortRemediation(port: number, service?: MeshResource) {
  return [
    'Expose the port on the gateway Service, for example:',
    ...(service
      ? [`kubectl edit service ${service.name} -n ${service.namespace}`]
      : []),
    'spec:',
    '  ports:',
    `  - name: http-${port}`,
    `    port: ${port}`,
    `    targetPort: ${port}`,
    '    protocol: TCP',
  ].join('\n');
}

const portDefs = definitionsFor('gateway.IngressGatewayPortAnalyzer', [
  'IST0101',
  'IST0162',
]);

/**
 * `gateway.IngressGatewayPortAnalyzer`: Gateways whose selector matches no
 * gateway pod, and server ports no Service in front of those pods exposes
 * (as `port` or `targetPort`).
 * @public
 */
export const ingressGatewayPortAnalyzer: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  definitions: portDefs,
  analyze({ snapshot }) {
    const gatewayPods = new GatewayWorkloads(new WorkloadIndex(snapshot));
    const findings: Finding[] = [];
    for (const gateway of snapshot.all('Gateway')) {
      const selector = labelMap(gateway.spec.selector);
      const shown = selectorString(selector);
      const pods = gatewayPods.selectedBy(selector);
      if (pods.length === 0) {
        findings.push(
          report(
            portDefs,
            'IST0101',
            gateway,
            `Gateway ${gateway.namespace}/${gateway.name} selects gateway pods with "${shown}", but no pod has these labels, so no proxy serves it.`,
            [
              'Use the labels of your gateway pods, for example:',
              'spec:',
              '  selector:',
              '    istio: ingressgateway',
              'kubectl get pods -A -l istio=ingressgateway --show-labels',
            ].join('\n'),
          ),
        );
        continue;
      }
      const ports = new Set<number>();
      const services = new Set<MeshResource>();
      for (const pod of pods) {
        for (const service of snapshot.inNamespace('Service', pod.namespace)) {
          const svcSelector = labelMap(service.spec.selector);
          if (Object.keys(svcSelector).length === 0) continue;
          if (!selectorMatches(svcSelector, pod.labels)) continue;
          services.add(service);
          for (const p of list(service.spec.ports)) {
            if (!p || typeof p !== 'object') continue;
            if ((p.protocol ?? 'TCP') !== 'TCP') continue;
            if (typeof p.port === 'number') ports.add(p.port);
            if (typeof p.targetPort === 'number') ports.add(p.targetPort);
          }
        }
      }
      for (const server of list(gateway.spec.servers)) {
        if (!server?.port) continue;
        const port = serverPort(server);
        if (ports.has(port)) continue;
        const front = [...services];
        const names = front.map(svc => `${svc.namespace}/${svc.name}`);
        findings.push(
          report(
            portDefs,
            'IST0162',
            gateway,
            `Gateway ${gateway.namespace}/${
              gateway.name
            } listens on port ${port}, but no Service in front of the pods it selects (${shown}) exposes it${
              names.length ? ` (services: ${names.join(', ')})` : ''
            }, so clients cannot reach it.`,
            exposePortRemediation(port, front[0]),
          ),
        );
      }
    }
    return findings;
  },
};

const conflictDefs = definitionsFor('gateway.ConflictingGatewayAnalyzer', [
  'IST0145',
]);

/**
 * `gateway.ConflictingGatewayAnalyzer`: Gateways on the same gateway pods
 * (same selector, or selectors sharing a pod) with a server on the same port
 * claiming the same host and bind address.
 * @public
 */
export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  definitions: conflictDefs,
  analyze({ snapshot }) {
    const gatewayPods = new GatewayWorkloads(new WorkloadIndex(snapshot));
    const gateways = snapshot.all('Gateway');
    const selectors = new Map(
      gateways.map(g => [g, labelMap(g.spec.selector)] as const),
    );
    const overlapCache = new Map<string, boolean>();
    const sharePods = (a: MeshResource, b: MeshResource) => {
      const sa = selectors.get(a)!;
      const sb = selectors.get(b)!;
      const ka = selectorString(sa);
      const kb = selectorString(sb);
      if (ka === kb) return true;
      const key = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
      let shared = overlapCache.get(key);
      if (shared === undefined) {
        shared = gatewayPods
          .selectedBy(sa)
          .some(p => selectorMatches(sb, p.labels));
        overlapCache.set(key, shared);
      }
      return shared;
    };

    // port -> gateways with a server on it, with that server's hosts and bind
    const byPort = new Map<
      number,
      Array<{ gateway: MeshResource; hosts: string[]; bind: string }>
    >();
    for (const gateway of gateways) {
      for (const server of list(gateway.spec.servers)) {
        const port = serverPort(server);
        const entries = byPort.get(port) ?? [];
        entries.push({
          gateway,
          hosts: list(server?.hosts).filter(h => typeof h === 'string'),
          bind: typeof server?.bind === 'string' ? server.bind : '',
        });
        byPort.set(port, entries);
      }
    }

    const findings: Finding[] = [];
    for (const gateway of gateways) {
      for (const server of list(gateway.spec.servers)) {
        const port = serverPort(server);
        const hosts = list<string>(server?.hosts).filter(
          h => typeof h === 'string',
        );
        const bind = typeof server?.bind === 'string' ? server.bind : '';
        const rivals = new Set<string>();
        for (const other of byPort.get(port) ?? []) {
          if (other.gateway === gateway || other.bind !== bind) continue;
          if (!other.hosts.some(h => hosts.includes(h))) continue;
          if (!sharePods(gateway, other.gateway)) continue;
          rivals.add(`${other.gateway.namespace}/${other.gateway.name}`);
        }
        if (rivals.size === 0) continue;
        const names = [...rivals].sort();
        findings.push(
          report(
            conflictDefs,
            'IST0145',
            gateway,
            `Gateway ${gateway.namespace}/${gateway.name} and ${names.join(
              ', ',
            )} run on the same gateway pods (${selectorString(
              selectors.get(gateway)!,
            )}) and all declare port ${port} for host(s) ${hosts.join(
              ', ',
            )}; only one of them takes effect.`,
            `Merge the servers into one Gateway, or give each Gateway its own hosts or port:\nkubectl edit gateway ${
              gateway.name
            }${kubectlNamespace(gateway)}`,
          ),
        );
      }
    }
    return findings;
  },
};
