import { analyzeMesh } from '../../analysis/analyzeMesh';
import { DEFAULT_MESH_CONFIG, MeshConfig } from '../../model/meshConfig';
import { KubeObject } from '../../model/resources';

function resources(
  objects: KubeObject[],
  analyzer: string,
  meshConfig?: Partial<MeshConfig>,
) {
  return analyzeMesh(objects, {
    analyzers: [analyzer],
    meshConfig: meshConfig
      ? { ...DEFAULT_MESH_CONFIG, ...meshConfig }
      : undefined,
  })
    .findings.filter(f => f.analyzer === analyzer)
    .map(f => `${f.code} ${f.severity} ${f.resource}`)
    .sort();
}

const serviceEntry = (
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  status?: unknown,
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name, namespace },
  spec: { hosts: ['db.example.com'], resolution: 'DNS', ...spec },
  ...(status ? { status } : {}),
});

describe('serviceentry.ProtocolAddressesAnalyzer', () => {
  const analyzer = 'serviceentry.ProtocolAddressesAnalyzer';

  it('reports each TCP or protocol-less port of an entry without addresses', () => {
    expect(
      resources(
        [
          serviceEntry('db', 'data', {
            ports: [
              { number: 5432, name: 'pg', protocol: 'tcp' },
              { number: 5433, name: 'pg-replica' },
              { number: 443, name: 'https', protocol: 'HTTPS' },
            ],
          }),
        ],
        analyzer,
      ),
    ).toEqual([
      'IST0134 Warning ServiceEntry data/db',
      'IST0134 Warning ServiceEntry data/db',
    ]);
  });

  it('accepts addresses in the spec or allocated in the status, and non-TCP protocols', () => {
    const tcp = { ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] };
    expect(
      resources(
        [
          serviceEntry('spec', 'data', { ...tcp, addresses: ['240.0.0.1'] }),
          serviceEntry('status', 'data', tcp, {
            addresses: [{ host: 'db.example.com', value: '240.240.0.1' }],
          }),
          serviceEntry('https', 'data', {
            ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
          }),
        ],
        analyzer,
      ),
    ).toEqual([]);
  });

  it('trusts auto-allocation only when DNS capture is on as well', () => {
    const entry = serviceEntry('db', 'data', {
      ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }],
    });
    const withMetadata = (proxyMetadata: Record<string, string>) =>
      resources([entry], analyzer, { proxyMetadata });
    const capture = { ISTIO_META_DNS_CAPTURE: 'true' };
    expect(
      withMetadata({ ...capture, ISTIO_META_DNS_AUTO_ALLOCATE: 'true' }),
    ).toEqual([]);
    expect(
      withMetadata({ ...capture, PILOT_ENABLE_IP_AUTOALLOCATE: 'true' }),
    ).toEqual([]);
    expect(withMetadata({ ISTIO_META_DNS_AUTO_ALLOCATE: 'true' })).toEqual([
      'IST0134 Warning ServiceEntry data/db',
    ]);
  });
});

describe('serviceentry.ConflictingServiceEntryProtocolAnalyzer', () => {
  const analyzer = 'serviceentry.ConflictingServiceEntryProtocolAnalyzer';
  const port = (protocol: string) => ({
    ports: [{ number: 8080, name: `p-${protocol}`, protocol }],
  });

  it('reports every entry declaring one host and port with another protocol', () => {
    const objects = [
      serviceEntry('plain', 'a', port('HTTP')),
      serviceEntry('secure', 'b', port('HTTPS')),
      serviceEntry('same', 'c', port('http')),
    ];
    expect(resources(objects, analyzer)).toEqual([
      'IST0177 Warning ServiceEntry a/plain',
      'IST0177 Warning ServiceEntry b/secure',
      'IST0177 Warning ServiceEntry c/same',
    ]);
    const [finding] = analyzeMesh(objects, { analyzers: [analyzer] }).findings;
    expect(finding.message).toContain('a/plain, b/secure, c/same');
    expect(finding.message).toContain('(HTTP, HTTPS)');
  });

  it('compares protocols without case and keeps entries of other namespaces apart', () => {
    expect(
      resources(
        [
          serviceEntry('one', 'a', port('HTTP')),
          serviceEntry('two', 'b', port('http')),
        ],
        analyzer,
      ),
    ).toEqual([]);
    expect(
      resources(
        [
          serviceEntry('one', 'a', { ...port('HTTP'), exportTo: ['.'] }),
          serviceEntry('two', 'b', { ...port('HTTPS'), exportTo: ['.'] }),
        ],
        analyzer,
      ),
    ).toEqual([]);
  });

  it('sees an entry exported everywhere from a namespace-local one', () => {
    expect(
      resources(
        [
          serviceEntry('local', 'a', { ...port('HTTP'), exportTo: ['.'] }),
          serviceEntry('global', 'b', port('TCP')),
        ],
        analyzer,
      ),
    ).toEqual([
      'IST0177 Warning ServiceEntry a/local',
      'IST0177 Warning ServiceEntry b/global',
    ]);
  });
});
