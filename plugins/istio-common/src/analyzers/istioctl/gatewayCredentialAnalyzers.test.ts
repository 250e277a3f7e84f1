import { AnalyzeOptions } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import {
  TEST_CERT_BASE64,
  TEST_KEY_BASE64,
} from './__testUtils__/testCertificate';
import {
  codesAndResources,
  findingsOf,
} from './__testUtils__/analyzerFindings';

function findings(
  analyzer: string,
  objects: KubeObject[],
  options?: AnalyzeOptions,
) {
  return codesAndResources(findingsOf(analyzer, objects, options));
}

const gatewayPod = (
  name: string,
  namespace: string,
  labels: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'istio-proxy' }] },
});

const gateway = (
  name: string,
  namespace: string,
  selector: Record<string, string>,
  tls: Record<string, unknown> | undefined,
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace },
  spec: {
    selector,
    servers: [
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: [`${name}.example.com`],
        ...(tls ? { tls: { mode: 'SIMPLE', ...tls } } : {}),
      },
    ],
  },
});

const secret = (
  name: string,
  namespace: string,
  data: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type: 'kubernetes.io/tls',
  data,
});

const validTls = { 'tls.crt': TEST_CERT_BASE64, 'tls.key': TEST_KEY_BASE64 };
const ingress = { istio: 'ingressgateway' };
const ingressPod = gatewayPod('ingress-1', 'istio-system', ingress);

describe('gateway.CertificateAnalyzer', () => {
  const run = (objects: KubeObject[]) =>
    findings('gateway.CertificateAnalyzer', objects);

  it('reports both Gateways of one selector that serve one credential', () => {
    expect(
      run([
        gateway('shop', 'istio-system', ingress, { credentialName: 'wild' }),
        gateway('blog', 'istio-system', ingress, { credentialName: 'wild' }),
      ]),
    ).toEqual([
      ['IST0138', 'Gateway istio-system/blog'],
      ['IST0138', 'Gateway istio-system/shop'],
    ]);
  });

  it('reports only the Gateway whose selector lies within the other one, across namespaces', () => {
    expect(
      run([
        gateway('wide', 'default', ingress, { credentialName: 'wild' }),
        gateway(
          'narrow',
          'istio-system',
          { ...ingress, type: 'internal' },
          { credentialName: 'wild' },
        ),
      ]),
    ).toEqual([['IST0138', 'Gateway default/wide']]);
  });

  it('compares certificate and key files when no credentialName is set', () => {
    const files = {
      serverCertificate: '/etc/certs/tls.crt',
      privateKey: '/etc/certs/tls.key',
    };
    expect(
      run([
        gateway('a', 'istio-system', ingress, files),
        gateway('b', 'istio-system', ingress, files),
      ]),
    ).toHaveLength(2);
    expect(
      run([
        gateway('a', 'istio-system', ingress, files),
        gateway('b', 'istio-system', ingress, {
          ...files,
          privateKey: '/etc/other/tls.key',
        }),
      ]),
    ).toEqual([]);
  });

  it('stays quiet for distinct credentials and for servers without TLS', () => {
    expect(
      run([
        gateway('shop', 'istio-system', ingress, { credentialName: 'shop' }),
        gateway('blog', 'istio-system', ingress, { credentialName: 'blog' }),
        gateway('plain-1', 'istio-system', ingress, undefined),
        gateway('plain-2', 'istio-system', ingress, undefined),
      ]),
    ).toEqual([]);
  });
});

describe('gateway.SecretAnalyzer', () => {
  const run = (objects: KubeObject[], options?: AnalyzeOptions) =>
    findings('gateway.SecretAnalyzer', objects, options);

  beforeAll(() => {
    // The test certificate is valid from 2026-12-04 to 2126-11-10.
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
  });
  afterAll(() => jest.useRealTimers());

  it('accepts a valid Secret in the namespace of the gateway pods', () => {
    expect(
      run([
        ingressPod,
        secret('shop-cert', 'istio-system', validTls),
        gateway('shop', 'shop', ingress, { credentialName: 'shop-cert' }),
      ]),
    ).toEqual([]);
  });

  it('looks for the Secret where the pods run, not where the Gateway is', () => {
    expect(
      run([
        ingressPod,
        secret('shop-cert', 'shop', validTls),
        gateway('shop', 'shop', ingress, { credentialName: 'shop-cert' }),
      ]),
    ).toEqual([['IST0101', 'Gateway shop/shop']]);
  });

  it('reads a namespace/name credentialName as written', () => {
    expect(
      run([
        ingressPod,
        secret('shop-cert', 'shop', validTls),
        gateway('shop', 'shop', ingress, {
          credentialName: 'shop/shop-cert',
        }),
      ]),
    ).toEqual([]);
  });

  it('reports a Secret without a usable certificate, and an expired one', () => {
    const objects = [
      ingressPod,
      secret('broken', 'istio-system', { cert: btoa('hush'), key: btoa('x') }),
      secret('shop-cert', 'istio-system', validTls),
      gateway('broken', 'istio-system', ingress, { credentialName: 'broken' }),
      gateway('shop', 'istio-system', ingress, { credentialName: 'shop-cert' }),
    ];
    expect(run(objects)).toEqual([['IST0161', 'Gateway istio-system/broken']]);
    jest.setSystemTime(new Date('2127-01-01T00:00:00Z'));
    try {
      expect(run(objects)).toEqual([
        ['IST0161', 'Gateway istio-system/broken'],
        ['IST0161', 'Gateway istio-system/shop'],
      ]);
    } finally {
      jest.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    }
  });

  it('reports a TLS Gateway whose selector matches no pod, leaving plain ones to the port analyzer', () => {
    expect(
      run([
        ingressPod,
        gateway(
          'lost',
          'istio-system',
          { istio: 'egress' },
          {
            credentialName: 'egress-cert',
          },
        ),
        gateway('plain', 'istio-system', { istio: 'egress' }, undefined),
      ]),
    ).toEqual([['IST0101', 'Gateway istio-system/lost']]);
  });

  it('says nothing when the source did not read Secrets, as a cluster source never does', () => {
    const objects = [
      ingressPod,
      gateway('shop', 'shop', ingress, { credentialName: 'shop-cert' }),
      gateway(
        'lost',
        'istio-system',
        { istio: 'egress' },
        {
          credentialName: 'egress-cert',
        },
      ),
    ];
    expect(
      run(objects, { observedKinds: ['Pod', 'Gateway', 'Namespace'] }),
    ).toEqual([]);
    // The same input with Secrets read reports the missing one.
    expect(
      run(objects, { observedKinds: ['Pod', 'Gateway', 'Secret'] }),
    ).toEqual([
      ['IST0101', 'Gateway istio-system/lost'],
      ['IST0101', 'Gateway shop/shop'],
    ]);
  });
});
