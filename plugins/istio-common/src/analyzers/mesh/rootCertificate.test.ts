import { analyzeMesh } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import {
  RootCertificate,
  RootCertificateBundle,
  X509Fields,
  readRootCertificates,
} from '../../model/rootCertificate';
import { buildSnapshot } from '../../model/snapshot';
import { nextRootCertificateChange } from './rootCertificate';

const NOW = '2026-06-01T00:00:00.000Z';

function rootConfigMap(ns: string, pem = 'PEM'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-ca-root-cert', namespace: ns },
    data: { 'root-cert.pem': pem },
  };
}

function certificate(notAfter: string, fingerprint = 'AA:BB'): RootCertificate {
  return {
    subject: 'O=cluster.local',
    issuer: 'O=cluster.local',
    notBefore: '2016-01-01T00:00:00.000Z',
    notAfter,
    fingerprint256: fingerprint,
    serialNumber: '01',
  };
}

function bundle(
  ns: string,
  certificates: RootCertificate[],
  problem?: string,
): RootCertificateBundle {
  return { namespace: ns, name: 'istio-ca-root-cert', certificates, problem };
}

function run(
  rootCertificates: RootCertificateBundle[] | undefined,
  now: string | null = NOW,
) {
  const namespaces = [
    ...new Set((rootCertificates ?? []).map(b => b.namespace)),
  ];
  return analyzeMesh(
    namespaces.map(ns => rootConfigMap(ns)),
    {
      analyzers: ['certificate.RootCertificateAnalyzer'],
      rootCertificates,
      now: now ?? undefined,
    },
  ).findings;
}

describe('certificate.RootCertificateAnalyzer', () => {
  it('reports an expired root as an Error (MESH302) on the control plane copy, once for all copies', () => {
    const expired = [certificate('2026-05-31T00:00:00.000Z')];
    const findings = run([
      bundle('shop', expired),
      bundle('istio-system', expired),
      bundle('bank', expired),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH302',
      severity: 'Error',
      resource: 'ConfigMap istio-system/istio-ca-root-cert',
    });
    expect(findings[0].message).toContain('expired on 2026-05-31');
    expect(findings[0].message).toContain(
      'The same bundle is in 2 other namespaces: bank, shop.',
    );
  });

  it('warns under 30 days (MESH301) and says nothing at 30 days or more', () => {
    const [soon] = run([
      bundle('istio-system', [certificate('2026-06-30T23:00:00.000Z')]),
    ]);
    expect(soon).toMatchObject({ code: 'MESH301', severity: 'Warning' });
    expect(soon.message).toContain('expires on 2026-06-30, in 29 days');
    expect(
      run([bundle('istio-system', [certificate('2026-07-01T00:00:00.000Z')])]),
    ).toEqual([]);
  });

  it('judges a rotating bundle by the root that expires last', () => {
    const rotating = [
      certificate('2026-05-01T00:00:00.000Z', 'OLD'),
      certificate('2036-05-01T00:00:00.000Z', 'NEW'),
    ];
    expect(run([bundle('istio-system', rotating)])).toEqual([]);
  });

  it('reports an unreadable bundle (MESH303) and still judges what was read', () => {
    const findings = run([
      bundle(
        'istio-system',
        [certificate('2026-05-01T00:00:00.000Z')],
        'certificate 2: bad DER',
      ),
    ]);
    expect(findings.map(f => f.code).sort()).toEqual(['MESH302', 'MESH303']);
  });

  it('says nothing about expiry without a time to judge against, nor without parsed certificates', () => {
    expect(
      run(
        [bundle('istio-system', [certificate('2020-01-01T00:00:00.000Z')])],
        null,
      ),
    ).toEqual([]);
    expect(run(undefined)).toEqual([]);
  });

  it('tells when the findings next change on their own', () => {
    const { snapshot } = buildSnapshot([], {
      now: NOW,
      rootCertificates: [
        bundle('istio-system', [certificate('2026-08-01T00:00:00.000Z')]),
      ],
    });
    expect(nextRootCertificateChange(snapshot)).toBe(
      '2026-07-02T00:00:00.000Z',
    );
  });
});

describe('readRootCertificates', () => {
  const fields = (validTo: string): X509Fields => ({
    subject: 'O=cluster.local',
    issuer: 'O=cluster.local',
    validFrom: 'Jan  1 00:00:00 2026 GMT',
    validTo,
    fingerprint256: 'AA',
    serialNumber: '01',
  });
  const block = (n: number) =>
    `-----BEGIN CERTIFICATE-----\nMII${n}\n-----END CERTIFICATE-----`;

  it('parses every PEM block of root-cert.pem, and records what it could not read', () => {
    const [read] = readRootCertificates(
      [rootConfigMap('shop', `${block(1)}\n${block(2)}\n`)],
      pem => {
        if (pem.includes('MII2')) throw new Error('bad DER\nmore');
        return fields('Feb  1 12:00:00 2027 GMT');
      },
    );
    expect(read).toEqual({
      namespace: 'shop',
      name: 'istio-ca-root-cert',
      certificates: [
        expect.objectContaining({ notAfter: '2027-02-01T12:00:00.000Z' }),
      ],
      problem: 'certificate 2: bad DER',
    });
  });

  it('records a missing key and text without a certificate, and ignores other ConfigMaps', () => {
    const other = {
      ...rootConfigMap('shop'),
      metadata: { name: 'istio', namespace: 'shop' },
    };
    const read = readRootCertificates(
      [rootConfigMap('a', ''), rootConfigMap('b', 'not a certificate'), other],
      () => fields('Feb  1 12:00:00 2027 GMT'),
    );
    expect(read.map(b => [b.namespace, b.problem])).toEqual([
      ['a', 'key root-cert.pem is missing or empty'],
      ['b', 'key root-cert.pem holds no PEM certificate'],
    ]);
  });
});
