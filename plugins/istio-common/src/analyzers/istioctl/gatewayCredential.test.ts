import { gatewayCredentialProblem } from './gatewayCredential';
import {
  TEST_CERT_BASE64,
  TEST_KEY_BASE64,
} from './__testUtils__/testCertificate';

const inWindow = new Date('2030-01-01T00:00:00Z');

describe('gatewayCredentialProblem', () => {
  it('accepts tls.crt and tls.key holding a certificate valid now', () => {
    expect(
      gatewayCredentialProblem(
        { 'tls.crt': TEST_CERT_BASE64, 'tls.key': TEST_KEY_BASE64 },
        inWindow,
      ),
    ).toBeUndefined();
  });

  it('accepts the generic cert and key pair too', () => {
    expect(
      gatewayCredentialProblem(
        { cert: TEST_CERT_BASE64, key: TEST_KEY_BASE64 },
        inWindow,
      ),
    ).toBeUndefined();
  });

  it('reads both ASN.1 time forms of the validity window', () => {
    const data = { 'tls.crt': TEST_CERT_BASE64, 'tls.key': TEST_KEY_BASE64 };
    expect(
      gatewayCredentialProblem(data, new Date('2026-12-04T19:08:30Z')),
    ).toContain(
      'valid from 2026-12-04T19:08:31.000Z to 2126-11-10T19:08:31.000Z',
    );
    expect(
      gatewayCredentialProblem(data, new Date('2126-11-10T19:08:32Z')),
    ).toContain('not now');
    expect(
      gatewayCredentialProblem(data, new Date('2126-11-10T19:08:30Z')),
    ).toBeUndefined();
  });

  it('checks every certificate of a chain in the first PEM block', () => {
    const pem = atob(TEST_CERT_BASE64);
    const der = atob(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
    // Two certificates laid end to end in one block parse as a chain.
    const chain = `-----BEGIN CERTIFICATE-----\n${btoa(
      der + der,
    )}\n-----END CERTIFICATE-----\n`;
    expect(
      gatewayCredentialProblem(
        { 'tls.crt': btoa(chain), 'tls.key': TEST_KEY_BASE64 },
        inWindow,
      ),
    ).toBeUndefined();
    // A truncated second certificate does not.
    const broken = `-----BEGIN CERTIFICATE-----\n${btoa(
      der + der.slice(0, 40),
    )}\n-----END CERTIFICATE-----\n`;
    expect(
      gatewayCredentialProblem(
        { 'tls.crt': btoa(broken), 'tls.key': TEST_KEY_BASE64 },
        inWindow,
      ),
    ).toContain('no parsable X.509 certificate');
  });

  it('names what is wrong with unusable data', () => {
    expect(
      gatewayCredentialProblem(
        { 'tls.cert': TEST_CERT_BASE64, 'tls.key': TEST_KEY_BASE64 },
        inWindow,
      ),
    ).toBe(
      'it has neither keys "cert" and "key" nor "tls.crt" and "tls.key" (found: tls.cert, tls.key)',
    );
    expect(
      gatewayCredentialProblem({ 'tls.crt': '', 'tls.key': '' }, inWindow),
    ).toBe('keys "tls.crt" and "tls.key" are empty');
    expect(
      gatewayCredentialProblem(
        { cert: btoa('hush hush hush\n'), key: TEST_KEY_BASE64 },
        inWindow,
      ),
    ).toBe('key "cert" holds no PEM encoded certificate');
    expect(
      gatewayCredentialProblem({ 'tls.crt': 'not base64!' }, inWindow),
    ).toBe('the value of key "tls.crt" is not base64');
    expect(gatewayCredentialProblem(undefined, inWindow)).toContain(
      '(found: no keys)',
    );
  });
});
