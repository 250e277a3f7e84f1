import { rootCertificatePem } from '@meshportal/kube-test-server';
import { buildSnapshot } from '@meshportal/plugin-istio-common';
import { certificateReviewDelay, rootCertificatesOf } from './rootCertificates';

const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-06-01T00:00:00Z');

const configMap = (namespace: string, pem: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'istio-ca-root-cert', namespace },
  data: { 'root-cert.pem': pem },
});

const issued = (notAfter: number) =>
  rootCertificatePem({
    notBefore: new Date(notAfter - 365 * DAY),
    notAfter: new Date(notAfter),
    organization: 'harbor.bank',
  });

describe('rootCertificatesOf', () => {
  it('reads the validity and identity of real certificates with X509Certificate', () => {
    const expired = issued(NOW - DAY);
    const [bundle] = rootCertificatesOf([configMap('istio-system', expired)]);
    expect(bundle.problem).toBeUndefined();
    expect(bundle.certificates).toEqual([
      expect.objectContaining({
        subject: 'O=harbor.bank',
        notAfter: new Date(NOW - DAY).toISOString(),
        notBefore: new Date(NOW - 366 * DAY).toISOString(),
        fingerprint256: expect.stringMatching(
          /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/,
        ),
      }),
    ]);
  });

  it('reads a rotation bundle of two roots, and records a broken block instead of throwing', () => {
    const soon = issued(NOW + 10 * DAY);
    const later = issued(NOW + 3650 * DAY);
    const broken = soon.replace(/^MII.{20}/m, 'MIInotbase64@@@@');
    const [rotating, unreadable] = rootCertificatesOf([
      configMap('istio-system', `${soon}${later}`),
      configMap('shop', broken),
    ]);
    expect(rotating.certificates.map(c => c.notAfter)).toEqual([
      new Date(NOW + 10 * DAY).toISOString(),
      new Date(NOW + 3650 * DAY).toISOString(),
    ]);
    expect(unreadable.certificates).toEqual([]);
    expect(unreadable.problem).toMatch(/^certificate 1: /);
  });
});

describe('certificateReviewDelay', () => {
  it('is the time to the next boundary (30 days before expiry, then expiry), capped to what a timer holds', () => {
    const snapshotAt = (now: number, pem: string) =>
      buildSnapshot([], {
        now: new Date(now),
        rootCertificates: rootCertificatesOf([configMap('istio-system', pem)]),
      }).snapshot;
    const in40Days = issued(NOW + 40 * DAY);
    expect(certificateReviewDelay(snapshotAt(NOW, in40Days), NOW)).toBe(
      10 * DAY + 1000,
    );
    const later = NOW + 20 * DAY;
    expect(certificateReviewDelay(snapshotAt(later, in40Days), later)).toBe(
      20 * DAY + 1000,
    );
    const expired = NOW + 41 * DAY;
    expect(
      certificateReviewDelay(snapshotAt(expired, in40Days), expired),
    ).toBeUndefined();
    const in10Years = issued(NOW + 3650 * DAY);
    expect(certificateReviewDelay(snapshotAt(NOW, in10Years), NOW)).toBe(
      2 ** 31 - 1,
    );
  });
});
