import { KubeObject } from './resources';

/**
 * The public ConfigMap istiod writes into every namespace it serves, holding
 * the mesh's root certificate(s): what proxies trust when they verify a
 * peer. Reading it never needs a Secret.
 * @public
 */
export const ROOT_CERT_CONFIG_MAP = 'istio-ca-root-cert';

/** The key of {@link ROOT_CERT_CONFIG_MAP} that holds the PEM bundle. @public */
export const ROOT_CERT_KEY = 'root-cert.pem';

/**
 * What the engine needs of a parsed X.509 certificate. Node's
 * `X509Certificate` has these fields, so an adapter passes
 * `pem => new X509Certificate(pem)`; the engine itself never parses DER and
 * stays browser-safe.
 * @public
 */
export interface X509Fields {
  subject: string;
  issuer: string;
  /** As Node prints it, e.g. `Jan  1 00:00:00 2027 GMT`. */
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  serialNumber: string;
}

/** One certificate of a root bundle, as plain data. @public */
export interface RootCertificate {
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notBefore: string;
  /** ISO 8601. */
  notAfter: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  serialNumber: string;
}

/**
 * The root certificates of one `istio-ca-root-cert` ConfigMap. A bundle holds
 * several certificates while a root is being rotated (old and new roots are
 * trusted side by side).
 * @public
 */
export interface RootCertificateBundle {
  namespace: string;
  /** The ConfigMap's name: {@link ROOT_CERT_CONFIG_MAP}. */
  name: string;
  certificates: RootCertificate[];
  /** Why some or all of the bundle could not be read; absent when all was read. */
  problem?: string;
}

const PEM_BLOCK =
  /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function isoDate(text: string): string | undefined {
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

/**
 * Reads the root bundle of every `istio-ca-root-cert` ConfigMap among the
 * objects, parsing each PEM block with `parse`. Never throws: what cannot
 * be read is recorded as the bundle's `problem`, so a caller reports the
 * expiry as unknown rather than healthy.
 * @public
 */
export function readRootCertificates(
  objects: ReadonlyArray<KubeObject>,
  parse: (pem: string) => X509Fields,
): RootCertificateBundle[] {
  const bundles: RootCertificateBundle[] = [];
  for (const object of objects) {
    if (
      object?.kind !== 'ConfigMap' ||
      object.metadata?.name !== ROOT_CERT_CONFIG_MAP
    ) {
      continue;
    }
    const namespace = object.metadata.namespace || 'default';
    const pem = object.data?.[ROOT_CERT_KEY];
    const bundle: RootCertificateBundle = {
      namespace,
      name: ROOT_CERT_CONFIG_MAP,
      certificates: [],
    };
    bundles.push(bundle);
    if (typeof pem !== 'string' || !pem.trim()) {
      bundle.problem = `key ${ROOT_CERT_KEY} is missing or empty`;
      continue;
    }
    const blocks = pem.match(PEM_BLOCK) ?? [];
    if (!blocks.length) {
      bundle.problem = `key ${ROOT_CERT_KEY} holds no PEM certificate`;
      continue;
    }
    const unreadable: string[] = [];
    blocks.forEach((block, i) => {
      try {
        const x509 = parse(block);
        const notBefore = isoDate(x509.validFrom);
        const notAfter = isoDate(x509.validTo);
        if (!notBefore || !notAfter) {
          unreadable.push(`certificate ${i + 1} has no readable validity`);
          return;
        }
        bundle.certificates.push({
          subject: x509.subject,
          issuer: x509.issuer,
          notBefore,
          notAfter,
          fingerprint256: x509.fingerprint256,
          serialNumber: x509.serialNumber,
        });
      } catch (error) {
        unreadable.push(`certificate ${i + 1}: ${firstLine(error)}`);
      }
    });
    if (unreadable.length) bundle.problem = unreadable.join('; ');
  }
  return bundles;
}
