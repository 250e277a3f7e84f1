import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshConfig } from '../../model/meshConfig';
import { MeshResource } from '../../model/resources';
import { exportScopes } from './hostNames';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { list, strings } from './specFields';

/**
 * Whether proxies get virtual IPs for ServiceEntries without addresses: DNS
 * capture on, plus either auto-allocation switch, in the mesh-wide proxy
 * metadata.
 */
function addressesAutoAllocated(meshConfig: MeshConfig): boolean {
  const metadata = meshConfig.proxyMetadata ?? {};
  if (metadata.ISTIO_META_DNS_CAPTURE !== 'true') return false;
  return (
    metadata.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' ||
    metadata.PILOT_ENABLE_IP_AUTOALLOCATE === 'true'
  );
}

/** Istio's controller writes the addresses it allocated into the status. */
function statusAddresses(entry: MeshResource): number {
  return list(entry.status?.addresses).length;
}

function portProtocol(port: any): string {
  return typeof port?.protocol === 'string' ? port.protocol : '';
}

const addressDefs = definitionsFor('serviceentry.ProtocolAddressesAnalyzer', [
  'IST0134',
]);

/**
 * `serviceentry.ProtocolAddressesAnalyzer` (upstream Metadata name
 * `serviceentry.Analyzer`): ServiceEntry ports serving TCP, or no protocol,
 * need addresses unless Istio allocates them.
 * @public
 */
export const protocolAddressesAnalyzer: Analyzer = {
  name: 'serviceentry.ProtocolAddressesAnalyzer',
  definitions: addressDefs,
  inputs: ['ServiceEntry'],
  analyze({ snapshot }) {
    if (addressesAutoAllocated(snapshot.meshConfig)) return [];
    const findings: Finding[] = [];
    for (const entry of snapshot.all('ServiceEntry')) {
      if (list(entry.spec.addresses).length > 0) continue;
      if (statusAddresses(entry) > 0) continue;
      for (const port of list(entry.spec.ports)) {
        const protocol = portProtocol(port);
        if (protocol !== '' && protocol.toUpperCase() !== 'TCP') continue;
        const label = typeof port?.name === 'string' ? ` ("${port.name}")` : '';
        findings.push(
          report(
            addressDefs,
            'IST0134',
            entry,
            `Port ${port?.number ?? '?'}${label} of ServiceEntry ${
              entry.namespace
            }/${entry.name} serves ${
              protocol ? protocol.toUpperCase() : 'an unset protocol (TCP)'
            } but the entry has no addresses and Istio allocates none, so sidecars cannot tell its traffic from other TCP traffic on that port.`,
            [
              'Give the entry a virtual IP, or name the protocol if it is HTTP or TLS:',
              'spec:',
              '  addresses: ["240.240.0.10"]',
              'Or let Istio allocate addresses mesh-wide (meshConfig.defaultConfig.proxyMetadata):',
              '  ISTIO_META_DNS_CAPTURE: "true"',
              '  ISTIO_META_DNS_AUTO_ALLOCATE: "true"',
              `kubectl edit serviceentry ${entry.name}${kubectlNamespace(
                entry,
              )}`,
            ].join('\n'),
          ),
        );
      }
    }
    return findings;
  },
};

interface PortDeclaration {
  protocol: string;
  entry: MeshResource;
}

const conflictDefs = definitionsFor(
  'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  ['IST0177'],
);

/**
 * `serviceentry.ConflictingServiceEntryProtocolAnalyzer`: ServiceEntries
 * visible in one namespace (by `exportTo`) that declare the same host and
 * port with different protocols. Each entry is reported once.
 * @public
 */
export const conflictingServiceEntryProtocolAnalyzer: Analyzer = {
  name: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  definitions: conflictDefs,
  inputs: ['ServiceEntry'],
  analyze({ snapshot }) {
    // scope \0 host \0 port -> declarations, in input order
    const index = new Map<string, PortDeclaration[]>();
    const keyOf = (scope: string, host: string, port: unknown) =>
      `${scope}\u0000${host}\u0000${port}`;
    for (const entry of snapshot.all('ServiceEntry')) {
      const scopes = exportScopes(
        strings(entry.spec.exportTo),
        entry.namespace,
      );
      for (const scope of scopes) {
        for (const host of strings(entry.spec.hosts)) {
          for (const port of list(entry.spec.ports)) {
            const key = keyOf(scope, host, Number(port?.number ?? 0));
            const declarations = index.get(key) ?? [];
            declarations.push({ protocol: portProtocol(port), entry });
            index.set(key, declarations);
          }
        }
      }
    }

    const findings: Finding[] = [];
    const reported = new Set<MeshResource>();
    for (const [key, own] of index) {
      const [scope, host, port] = key.split('\u0000');
      // Entries exported everywhere are visible in every namespace scope too.
      const declarations =
        scope === '*'
          ? own
          : [...own, ...(index.get(keyOf('*', host, port)) ?? [])];
      const protocols = [
        ...new Set(declarations.map(d => d.protocol.toUpperCase())),
      ].sort();
      if (protocols.length < 2) continue;
      const names = [
        ...new Set(
          declarations.map(d => `${d.entry.namespace}/${d.entry.name}`),
        ),
      ].sort();
      for (const { entry } of declarations) {
        if (reported.has(entry)) continue;
        reported.add(entry);
        findings.push(
          report(
            conflictDefs,
            'IST0177',
            entry,
            `ServiceEntries ${names.join(
              ', ',
            )} declare host "${host}" port ${port} with different protocols (${protocols
              .map(p => p || 'unset')
              .join(', ')})${
              scope === '*' ? '' : ` for namespace ${scope}`
            }; proxies keep only one of them, so traffic may be handled with the wrong protocol.`,
            `Use one protocol for ${host}:${port} in every ServiceEntry that declares it, or keep them apart with exportTo:\nkubectl get serviceentries -A`,
          ),
        );
      }
    }
    return findings;
  },
};
