import { analyzeMesh } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import { portProtocolKnown } from './serviceAnalyzers';
import { istioctlAnalyzers } from '.';

const istioctlNames = istioctlAnalyzers.map(a => a.name);

function codes(objects: KubeObject[], analyzer: string) {
  return analyzeMesh(objects, { analyzers: [analyzer] })
    .findings.filter(f => f.analyzer === analyzer)
    .map(f => `${f.code} ${f.resource}`)
    .sort();
}

const vs = (
  name: string,
  namespace: string,
  hosts: string[],
  exportTo?: string[],
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace },
  spec: {
    hosts,
    exportTo,
    http: [{ route: [{ destination: { host: hosts[0] } }] }],
  },
});

describe('virtualservice.ConflictingMeshGatewayHostsAnalyzer', () => {
  const analyzer = 'virtualservice.ConflictingMeshGatewayHostsAnalyzer';

  it('sees no conflict between VirtualServices kept to their own namespaces', () => {
    expect(
      codes(
        [
          vs('a', 'one', ['api.example.com'], ['.']),
          vs('b', 'two', ['api.example.com'], ['.']),
        ],
        analyzer,
      ),
    ).toEqual([]);
  });

  it('reports a namespace-local VirtualService clashing with one exported everywhere', () => {
    expect(
      codes(
        [
          vs('a', 'one', ['api.example.com'], ['.']),
          vs('b', 'two', ['api.example.com']),
        ],
        analyzer,
      ),
    ).toEqual(['IST0109 VirtualService one/a', 'IST0109 VirtualService two/b']);
  });

  it('compares short names as the FQDN of their own namespace', () => {
    expect(
      codes(
        [
          vs('a', 'one', ['ratings']),
          vs('b', 'two', ['ratings.one.svc.cluster.local']),
        ],
        analyzer,
      ),
    ).toEqual(['IST0109 VirtualService one/a', 'IST0109 VirtualService two/b']);
    expect(
      codes(
        [vs('a', 'one', ['ratings']), vs('b', 'two', ['ratings'])],
        analyzer,
      ),
    ).toEqual([]);
  });
});

describe('destinationrule.PodNotSelectedAnalyzer', () => {
  const analyzer = 'destinationrule.PodNotSelectedAnalyzer';
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'reviews', namespace: 'shop' },
      spec: {
        selector: { app: 'reviews' },
        ports: [{ name: 'http', port: 80 }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-v2', namespace: 'shop' },
      spec: {
        template: { metadata: { labels: { app: 'reviews', version: 'v2' } } },
      },
    },
  ];
  const rule = (
    name: string,
    host: string,
    subsets: string[] = [],
  ): KubeObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, namespace: 'shop' },
    spec: {
      host,
      subsets: subsets.map(v => ({ name: v, labels: { version: v } })),
    },
  });

  it('judges subsets on the pod templates of Deployments when no pods are given', () => {
    expect(
      codes([...objects, rule('reviews', 'reviews', ['v2', 'v3'])], analyzer),
    ).toEqual(['IST0173 DestinationRule shop/reviews']);
  });

  it('accepts a wildcard host that covers a known service, not one that covers none', () => {
    expect(
      codes(
        [...objects, rule('all', '*.local'), rule('none', '*.example.org')],
        analyzer,
      ),
    ).toEqual(['IST0174 DestinationRule shop/none']);
  });
});

describe('portProtocolKnown', () => {
  it('reads the protocol from the name prefix, appProtocol, UDP, or a well-known port', () => {
    expect(portProtocolKnown({ name: 'http-web', port: 8080 })).toBe(true);
    expect(portProtocolKnown({ name: 'GRPC', port: 9000 })).toBe(true);
    expect(portProtocolKnown({ name: 'grpc-web-ui', port: 9000 })).toBe(true);
    expect(
      portProtocolKnown({ name: 'web', port: 8080, appProtocol: 'https' }),
    ).toBe(true);
    expect(
      portProtocolKnown({
        name: 'web',
        port: 8080,
        appProtocol: 'kubernetes.io/h2c',
      }),
    ).toBe(true);
    expect(portProtocolKnown({ name: 'dns', port: 53 })).toBe(true);
    expect(
      portProtocolKnown({ name: 'syslog', port: 514, protocol: 'UDP' }),
    ).toBe(true);
    expect(portProtocolKnown({ name: 'web', port: 8080 })).toBe(false);
    expect(portProtocolKnown({ port: 8080 })).toBe(false);
    // appProtocol wins over a good name
    expect(
      portProtocolKnown({ name: 'http', port: 8080, appProtocol: 'custom' }),
    ).toBe(false);
  });
});

describe('malformed input', () => {
  const garbage = [null, 'text', 42, [], {}, [null, 'x', 7, { a: null }]];
  const kinds: Array<[string, string]> = [
    ['v1', 'Namespace'],
    ['v1', 'Pod'],
    ['v1', 'Service'],
    ['v1', 'Node'],
    ['apps/v1', 'Deployment'],
    ['networking.istio.io/v1', 'VirtualService'],
    ['networking.istio.io/v1', 'DestinationRule'],
    ['networking.istio.io/v1', 'Gateway'],
    ['networking.istio.io/v1', 'Sidecar'],
    ['networking.istio.io/v1', 'ServiceEntry'],
    ['security.istio.io/v1', 'AuthorizationPolicy'],
    ['gateway.networking.k8s.io/v1', 'Gateway'],
    ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
  ];

  it('never makes an analyzer throw, whatever shape the spec fields have', () => {
    const objects: KubeObject[] = [];
    kinds.forEach(([apiVersion, kind], k) =>
      garbage.forEach((value, g) => {
        const spec: Record<string, unknown> = {};
        for (const field of [
          'hosts',
          'gateways',
          'http',
          'tcp',
          'tls',
          'exportTo',
          'host',
          'subsets',
          'trafficPolicy',
          'selector',
          'servers',
          'ports',
          'workloadSelector',
          'rules',
          'listeners',
          'containers',
          'initContainers',
          'template',
          'endpoints',
          'type',
        ]) {
          spec[field] = value;
        }
        objects.push({
          apiVersion,
          kind,
          metadata: {
            name: `o-${k}-${g}`,
            namespace: 'junk',
            labels: { app: 'x' },
          },
          spec,
        });
      }),
    );
    expect(() =>
      analyzeMesh(objects, { analyzers: istioctlNames }),
    ).not.toThrow();
  });
});
