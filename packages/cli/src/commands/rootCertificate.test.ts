import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capturedIo } from '../testing/capturedIo';
import { analyzeCommand } from './analyze';

/*
 * The CLI reads the mesh root from istio-ca-root-cert with Node's
 * X509Certificate and the engine judges it against the current time. These
 * self-signed roots were issued with `openssl ca` for fixed dates, so one
 * stays expired (2019 to 2020) and the other valid (until 2099).
 */
const EXPIRED = `-----BEGIN CERTIFICATE-----
MIIBYTCCAQegAwIBAgIBATAKBggqhkjOPQQDAjAYMRYwFAYDVQQKDA1jbHVzdGVy
LmxvY2FsMB4XDTE5MDEwMTAwMDAwMFoXDTIwMDEwMTAwMDAwMFowGDEWMBQGA1UE
CgwNY2x1c3Rlci5sb2NhbDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGiKzq/g
ePjQ502UVS9F+C1IyAbfkSe1VRepbC/in/3O77FnOpTI3/5ekHqlp/YYz7k9MRPX
92MvPo2spg0Eqj+jQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEG
MB0GA1UdDgQWBBSIu/ChJ1QjHenHWz4LvPZD6fk0szAKBggqhkjOPQQDAgNIADBF
AiEAqtQiKUgRHHCBGGw2Q6q7gTZeBqTZvmBkscSi/aLqX9YCIB0nNIAjDrInUYQj
8w9pqM1Y777fTm7XdNtyk2Pw9cLS
-----END CERTIFICATE-----`;
const VALID_UNTIL_2099 = `-----BEGIN CERTIFICATE-----
MIIBYjCCAQmgAwIBAgIBAjAKBggqhkjOPQQDAjAYMRYwFAYDVQQKDA1jbHVzdGVy
LmxvY2FsMCAXDTI1MDEwMTAwMDAwMFoYDzIwOTkxMjMxMDAwMDAwWjAYMRYwFAYD
VQQKDA1jbHVzdGVyLmxvY2FsMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBIzE
ASB2CbDZqTC1zU2T8mfZ8b6b3aRiyc0TU/08TleQU92WOZfkzME/NtarWH9o4JwV
EIduUe2VcgjWDTnKQ6NCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMC
AQYwHQYDVR0OBBYEFMHR4T0hdfhAZMQk+hqRgE7Tdm3oMAoGCCqGSM49BAMCA0cA
MEQCIGySEYJni88C1uX7NnOWcs3eLjtlp1iSZy6C1p8BUgjtAiBg/6brvhWhJ+gv
pB8Y4ZR/SJH8/3vPF7/qLPGgUf/sNg==
-----END CERTIFICATE-----`;

const rootConfigMap = (pem: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-ca-root-cert', namespace: 'istio-system' },
    data: { 'root-cert.pem': pem },
  });

describe('meshportal analyze and the mesh root certificate', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshportal-root-cert-'));
    fs.writeFileSync(path.join(dir, 'expired.json'), rootConfigMap(EXPIRED));
    fs.writeFileSync(
      path.join(dir, 'valid.json'),
      rootConfigMap(VALID_UNTIL_2099),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const analyze = async (file: string) => {
    const { io, stdout } = capturedIo(dir);
    const code = await analyzeCommand(
      { inputs: [file], output: 'json', failOn: 'error' },
      io,
      '0.0.0',
    );
    return { code, findings: JSON.parse(stdout()).findings as any[] };
  };

  it('fails on an expired root (MESH302) with its expiry date', async () => {
    const { code, findings } = await analyze('expired.json');
    expect(code).toBe(1);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'MESH302',
        resource: 'ConfigMap istio-system/istio-ca-root-cert',
      }),
    ]);
    expect(findings[0].message).toContain('expired on 2020-01-01');
  });

  it('passes a root valid for decades', async () => {
    const { code, findings } = await analyze('valid.json');
    expect(code).toBe(0);
    expect(findings).toEqual([]);
  });
});
