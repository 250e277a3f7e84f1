import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { selectorMatches } from '../../model/snapshot';
import { NEVER_INJECTED_NAMESPACES } from '../../posture/injection';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { WorkloadIndex, hasSidecar } from './workloadInstances';
import { list, labelMap } from './specFields';

const MANAGED_GATEWAY_LABEL = 'gateway.istio.io/managed';
const WAYPOINT_CONTROLLER = 'istio.io-mesh-controller';

/** Protocol names Istio understands in a port name prefix or appProtocol. */
const KNOWN_PROTOCOLS = new Set([
  'tcp',
  'udp',
  'grpc',
  'grpc-web',
  'http',
  'http_proxy',
  'http2',
  'https',
  'tls',
  'mongo',
  'redis',
  'mysql',
]);

/** Ports Istio treats as TCP without a name (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

/** Kubernetes' standard appProtocol values. */
const KUBERNETES_APP_PROTOCOLS = new Set([
  'kubernetes.io/h2c',
  'kubernetes.io/ws',
  'kubernetes.io/wss',
]);

/**
 * Whether Istio can tell a Service port's protocol (`kube.ConvertProtocol`):
 * UDP, a known `appProtocol`, a port name `<protocol>[-<suffix>]`, or a
 * well-known TCP port number.
 * @public
 */
export function portProtocolKnown(port: {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}): boolean {
  if (port.protocol === 'UDP') return true;
  let name =
    typeof port.appProtocol === 'string' ? port.appProtocol : port.name ?? '';
  if (KUBERNETES_APP_PROTOCOLS.has(name)) return true;
  name = name.toLowerCase();
  if (name.startsWith('grpc-web')) return true;
  const prefix = name.split('-')[0];
  if (KNOWN_PROTOCOLS.has(prefix)) return true;
  return WELL_KNOWN_TCP_PORTS.has(Number(port.port));
}

function isControlPlane(service: MeshResource): boolean {
  return 'istio' in service.labels || service.labels.release === 'istio';
}

const portNameDefs = definitionsFor('service.PortNameAnalyzer', [
  'IST0118',
  'IST0150',
]);

/**
 * `service.PortNameAnalyzer`: Service ports whose protocol Istio cannot
 * tell from the name or appProtocol, and ExternalName Service ports with a
 * name Istio cannot route.
 * @public
 */
export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  definitions: portNameDefs,
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    for (const service of snapshot.all('Service')) {
      if (NEVER_INJECTED_NAMESPACES.has(service.namespace)) continue;
      if (isControlPlane(service)) continue;
      // Gateways and waypoints Istio deploys itself name their ports its way.
      if (service.labels[MANAGED_GATEWAY_LABEL]?.startsWith('istio.io-'))
        continue;
      const external = service.spec.type === 'ExternalName';
      for (const port of list(service.spec.ports)) {
        if (!port || typeof port !== 'object') continue;
        const known = portProtocolKnown(port);
        if (known && !(external && port.name === 'tcp')) continue;
        const name = typeof port.name === 'string' ? port.name : '';
        const where = `${service.namespace}/${service.name}`;
        if (external) {
          findings.push(
            report(
              portNameDefs,
              'IST0150',
              service,
              `ExternalName Service ${where} has port ${port.port} named "${name}"; Istio needs a protocol other than plain tcp in the name (http-, https-, tls-...) to route to an external name.`,
              `Name the port after its protocol:\nspec:\n  ports:\n  - name: https   # or http, tls, ...\n    port: ${port.port}`,
            ),
          );
          continue;
        }
        findings.push(
          report(
            portNameDefs,
            'IST0118',
            service,
            `Port ${port.port}${
              name ? ` ("${name}")` : ' (unnamed)'
            } of Service ${where}, target port ${
              port.targetPort ?? port.port
            }, does not say its protocol, so Istio falls back to protocol sniffing and HTTP features may not apply.`,
            `Name the port <protocol>[-<suffix>] or set appProtocol:\nspec:\n  ports:\n  - name: http${
              name ? `-${name}` : ''
            }\n    port: ${port.port}\n    appProtocol: http`,
          ),
        );
      }
    }
    return findings;
  },
};

const associationDefs = definitionsFor(
  'deployment.ServiceAssociationAnalyzer',
  ['IST0116', 'IST0137'],
);

/**
 * `deployment.ServiceAssociationAnalyzer`: for Deployments in the mesh, the
 * Services selecting their pods must not use one port number with two
 * protocols, nor send two service ports to one target port.
 * @public
 */
export const serviceAssociationAnalyzer: Analyzer = {
  name: 'deployment.ServiceAssociationAnalyzer',
  definitions: associationDefs,
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    const workloads = new WorkloadIndex(snapshot);
    for (const instance of workloads.all) {
      const deployment = instance.resource;
      if (deployment.kind !== 'Deployment') continue;
      if (deployment.labels[MANAGED_GATEWAY_LABEL] === WAYPOINT_CONTROLLER)
        continue;
      if (!hasSidecar(instance, snapshot)) continue;

      const services = snapshot
        .inNamespace('Service', deployment.namespace)
        .filter(s => {
          const selector = labelMap(s.spec.selector);
          return (
            Object.keys(selector).length > 0 &&
            selectorMatches(selector, instance.labels)
          );
        });
      if (services.length === 0) continue;

      // port -> protocol -> services; targetPort -> service port -> service
      const protocols = new Map<number, Map<string, string[]>>();
      const targets = new Map<string, Map<number, string>>();
      for (const service of services) {
        const svcName = `${service.namespace}/${service.name}`;
        for (const p of list(service.spec.ports)) {
          const number = Number(p?.port);
          if (!Number.isInteger(number)) continue;
          const protocol =
            typeof p.protocol === 'string' && p.protocol ? p.protocol : 'TCP';
          const byProtocol =
            protocols.get(number) ?? new Map<string, string[]>();
          byProtocol.set(protocol, [
            ...(byProtocol.get(protocol) ?? []),
            svcName,
          ]);
          protocols.set(number, byProtocol);
          const target =
            p.targetPort === undefined ||
            p.targetPort === 0 ||
            p.targetPort === ''
              ? String(number)
              : String(p.targetPort);
          const byPort = targets.get(target) ?? new Map<number, string>();
          byPort.set(number, svcName);
          targets.set(target, byPort);
        }
      }
      const where = `${deployment.namespace}/${deployment.name}`;
      for (const [port, byProtocol] of protocols) {
        // TCP and UDP may share a port number (DNS does); Istio leaves UDP alone.
        if ([...byProtocol.keys()].filter(p => p !== 'UDP').length < 2)
          continue;
        const names = [...byProtocol.values()].flat().sort();
        findings.push(
          report(
            associationDefs,
            'IST0116',
            deployment,
            `The pods of Deployment ${where} are selected by Services ${names.join(
              ', ',
            )}, which use port ${port} with different protocols (${[
              ...byProtocol.keys(),
            ].join(', ')}); the sidecar can handle only one protocol per port.`,
            `Give port ${port} the same protocol (and name prefix) in every Service that selects these pods, or use a different port number:\nkubectl get services${kubectlNamespace(
              deployment,
            )} -o wide`,
          ),
        );
      }
      for (const [target, byPort] of targets) {
        if (byPort.size < 2) continue;
        const names = [...new Set(byPort.values())].sort();
        const ports = [...byPort.keys()].sort((a, b) => a - b);
        findings.push(
          report(
            associationDefs,
            'IST0137',
            deployment,
            `The pods of Deployment ${where} receive target port ${target} from several service ports (${ports.join(
              ', ',
            )}) of Services ${names.join(
              ', ',
            )}; Istio cannot tell which service a request on that port is for.`,
            `Use one service port for target port ${target} in all Services selecting these pods, or point the ports at different container ports.`,
          ),
        );
      }
    }
    return findings;
  },
};
