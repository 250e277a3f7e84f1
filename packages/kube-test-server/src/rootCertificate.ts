/*
 * Self-signed CA certificates with chosen validity dates, as a mesh root
 * (istio-ca-root-cert) for certificate-expiry tests. Made with `openssl ca`,
 * the one openssl 3.0 command that takes explicit start and end dates, so an
 * already expired certificate can be issued.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Validity and subject of a {@link rootCertificatePem}. */
export interface RootCertificateOptions {
  notBefore: Date;
  notAfter: Date;
  /** The subject's O=; Istio's self-signed root uses the trust domain. */
  organization?: string;
}

/** openssl's `YYYYMMDDHHMMSSZ`. */
function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

const CA_CONFIG = `[ca]
default_ca = root
[root]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[any]
organizationName = supplied
`;

/**
 * A PEM self-signed CA certificate valid from `notBefore` to `notAfter`
 * (seconds precision), which may lie in the past.
 */
export function rootCertificatePem(options: RootCertificateOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'kube-test-server-root-'));
  const openssl = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    openssl([
      'req',
      '-new',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      'key.pem',
      '-out',
      'req.csr',
      '-subj',
      `/O=${options.organization ?? 'cluster.local'}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    openssl([
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'key.pem',
      '-in',
      'req.csr',
      '-out',
      'cert.pem',
      '-notext',
      '-startdate',
      opensslTime(options.notBefore),
      '-enddate',
      opensslTime(options.notAfter),
    ]);
    return readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
