import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { ClientTlsSettings, MeshResource } from '../../model/resources';
import { selectorMatches } from '../../model/snapshot';
import { isWildcardHost } from './hostNames';
import { definitionsFor, report } from './messages';
import { ServiceHost, ServiceHostRegistry } from './serviceHosts';
import { WorkloadIndex, WorkloadInstance } from './workloadInstances';
import { list, labelMap } from './specFields';

/**
 * True when TLS origination leaves the server certificate unchecked:
 * SIMPLE or MUTUAL without `caCertificates`. A `credentialName` carries the
 * CA only where it is honoured, on a DestinationRule with a workload
 * selector; `insecureSkipVerify` says the gap is deliberate.
 */
function skipsServerVerification(
  tls: ClientTlsSettings | undefined,
  hasWorkloadSelector: boolean,
): tls is ClientTlsSettings {
  if (!tls || (tls.mode !== 'SIMPLE' && tls.mode !== 'MUTUAL')) return false;
  if (tls.caCertificates) return false;
  if (tls.insecureSkipVerify === true) return false;
  return !(tls.credentialName && hasWorkloadSelector);
}

/** The DestinationRule change that makes the client verify the server. */
function caRemediation(host: string, port?: number | string): string {
  const tls =
    port === undefined
      ? ['    tls:', '      caCertificates: /etc/certs/ca.pem']
      : [
          '    portLevelSettings:',
          `    - port: {number: ${port}}`,
          '      tls:',
          '        caCertificates: /etc/certs/ca.pem',
        ];
  return [
    `Give the client the CA that signs ${host}'s certificate (on a gateway DestinationRule with a workloadSelector, a credentialName holding it also works):`,
    'spec:',
    '  trafficPolicy:',
    ...tls,
  ].join('\n');
}

const caDefs = definitionsFor('destinationrule.CaCertificateAnalyzer', [
  'IST0128',
  'IST0129',
]);

/**
 * `destinationrule.CaCertificateAnalyzer`: TLS origination (SIMPLE or
 * MUTUAL) that does not verify the server, at destination or port level.
 * @public
 */
export const caCertificateAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  definitions: caDefs,
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    for (const dr of snapshot.all('DestinationRule')) {
      const policy = dr.spec.trafficPolicy;
      const host = typeof dr.spec.host === 'string' ? dr.spec.host : '';
      const selected =
        Object.keys(labelMap(dr.spec.workloadSelector?.matchLabels)).length > 0;
      if (skipsServerVerification(policy?.tls, selected)) {
        findings.push(
          report(
            caDefs,
            'IST0128',
            dr,
            `DestinationRule ${dr.namespace}/${dr.name} originates ${policy.tls.mode} TLS to ${host} without caCertificates, so the server's certificate is not verified.`,
            caRemediation(host),
          ),
        );
      }
      for (const setting of list(policy?.portLevelSettings)) {
        if (!skipsServerVerification(setting?.tls, selected)) continue;
        const port = setting.port?.number;
        findings.push(
          report(
            caDefs,
            'IST0129',
            dr,
            `DestinationRule ${dr.namespace}/${dr.name} originates ${
              setting.tls.mode
            } TLS to ${host} port ${
              port ?? '?'
            } without caCertificates, so the server's certificate is not verified.`,
            caRemediation(host, port ?? '<port>'),
          ),
        );
      }
    }
    return findings;
  },
};

/** Topology labels Istio adds to endpoints from their node. */
const NODE_TOPOLOGY_LABELS = [
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
];
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/**
 * The labels a subset selector sees on an endpoint: the pod's, plus the
 * region, zone and subzone of its node and the node name, as Istio's
 * service registry adds them.
 */
function endpointLabels(
  instance: WorkloadInstance,
  nodes: Map<string, Record<string, string>>,
): Record<string, string> {
  if (!instance.nodeName) return instance.labels;
  const labels = { ...instance.labels };
  const node = nodes.get(instance.nodeName);
  for (const key of NODE_TOPOLOGY_LABELS) {
    if (node?.[key]) labels[key] = node[key];
  }
  labels[HOSTNAME_LABEL] = instance.nodeName;
  return labels;
}

/**
 * Label sets of the endpoints behind a host: pods (and pod templates) a
 * Service or ServiceEntry selects, or a ServiceEntry's inline endpoints.
 * Undefined when they cannot be known (a Service without selector).
 */
function endpointsOf(
  target: ServiceHost,
  workloads: WorkloadIndex,
  nodes: Map<string, Record<string, string>>,
): Array<Record<string, string>> | undefined {
  const source = target.source;
  if (source.kind === 'Service') {
    const selector = labelMap(source.spec.selector);
    if (Object.keys(selector).length === 0) return undefined;
    return workloads
      .selectedBy(selector, source.namespace)
      .map(i => endpointLabels(i, nodes));
  }
  const selector = labelMap(source.spec.workloadSelector?.labels);
  if (Object.keys(selector).length > 0) {
    return workloads
      .selectedBy(selector, source.namespace)
      .map(i => endpointLabels(i, nodes));
  }
  const inline = list(source.spec.endpoints);
  if (inline.length > 0) return inline.map(e => labelMap(e?.labels));
  // Like istioctl: without a selector or endpoints, any pod may back it.
  return workloads.all.map(i => endpointLabels(i, nodes));
}

const podDefs = definitionsFor('destinationrule.PodNotSelectedAnalyzer', [
  'IST0173',
  'IST0174',
]);

/**
 * `destinationrule.PodNotSelectedAnalyzer`: DestinationRules whose host
 * matches no visible Service or ServiceEntry, and subsets that select none
 * of the host's pods.
 * @public
 */
export const podNotSelectedAnalyzer: Analyzer = {
  name: 'destinationrule.PodNotSelectedAnalyzer',
  definitions: podDefs,
  analyze({ snapshot }) {
    const registry = new ServiceHostRegistry(snapshot);
    const workloads = new WorkloadIndex(snapshot);
    const nodes = new Map(snapshot.all('Node').map(n => [n.name, n.labels]));
    const findings: Finding[] = [];

    for (const dr of snapshot.all('DestinationRule')) {
      const host = typeof dr.spec.host === 'string' ? dr.spec.host : '';
      const exportTo = list<string>(dr.spec.exportTo).filter(
        e => typeof e === 'string',
      );
      const target = registry.resolve(dr.namespace, exportTo, host);
      if (!target) {
        // A wildcard rule (say *.local) is fine while it covers some host.
        if (
          isWildcardHost(host) &&
          registry.overlapping(dr.namespace, host).length > 0
        ) {
          continue;
        }
        findings.push(
          report(
            podDefs,
            'IST0174',
            dr,
            `DestinationRule ${dr.namespace}/${dr.name} is for host "${host}", but no Service or ServiceEntry visible from namespace ${dr.namespace} declares it, so the rule applies to nothing.`,
            `Point spec.host at an existing service (<service>.<namespace>.svc.cluster.local), or declare the host with a ServiceEntry:\nkubectl get services,serviceentries -A`,
          ),
        );
        continue;
      }
      const subsets = list(dr.spec.subsets);
      if (subsets.length === 0) continue;
      const endpoints = endpointsOf(target, workloads, nodes);
      if (!endpoints) continue;
      for (const subset of subsets) {
        const labels = labelMap(subset?.labels);
        if (endpoints.some(e => selectorMatches(labels, e))) continue;
        findings.push(
          subsetFinding(dr, host, String(subset?.name ?? ''), labels, target),
        );
      }
    }
    return findings;
  },
};

function subsetFinding(
  dr: MeshResource,
  host: string,
  subset: string,
  labels: Record<string, string>,
  target: ServiceHost,
): Finding {
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return report(
    podDefs,
    'IST0173',
    dr,
    `Subset "${subset}" of DestinationRule ${dr.namespace}/${
      dr.name
    } selects no pod of ${host} (labels ${
      selector || 'none'
    }); traffic routed to it fails with 503 (NR).`,
    `Check which pods carry the labels, then fix the subset labels or deploy the version:\nkubectl get pods -n ${
      target.source.namespace
    } -l ${selector || '<labels>'} --show-labels`,
  );
}
