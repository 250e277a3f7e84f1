/**
 * Reads a gateway's TLS Secret the way istiod's credential controller does:
 * which keys hold the certificate, whether it is PEM, and whether the
 * certificates in the first PEM block are valid now. Pure: no Node APIs, so
 * it runs in the browser too.
 */

/** Key pairs istiod accepts, in the order it tries them. */
const KEY_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['cert', 'key'],
  ['tls.crt', 'tls.key'],
];

/** Decodes standard base64; undefined when the text is not base64. */
function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    return undefined;
  }
  try {
    const binary = atob(compact);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** Bytes as text, one character per byte (chunked: Secrets can be large). */
function byteText(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/** The base64 body of the first PEM block, of any type, as Go's pem.Decode finds it. */
function firstPemBody(text: string): string | undefined {
  const match =
    /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) return undefined;
  // Optional RFC 1421 headers ("Key: value" lines) end with a blank line.
  return match[2].replace(/^(?:[^\r\n:]+:[^\r\n]*\r?\n)+\r?\n/, '');
}

/** One DER element: its tag and where its content lies. */
interface DerElement {
  tag: number;
  start: number;
  end: number;
}

/** Reads the DER element at `offset`; undefined when it does not fit in `limit`. */
function readElement(
  bytes: Uint8Array,
  offset: number,
  limit: number,
): DerElement | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // DER has no indefinite lengths; certificates never need more than 4 octets.
    if (octets === 0 || octets > 4 || start + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[start + i];
    start += octets;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const EXPLICIT_VERSION = 0xa0;

/** An ASN.1 UTCTime or GeneralizedTime in UTC (`Z`), as X.509 requires. */
function readTime(bytes: Uint8Array, element: DerElement): Date | undefined {
  const text = byteText(bytes.subarray(element.start, element.end));
  let match: RegExpExecArray | null;
  let year: number;
  if (element.tag === UTC_TIME) {
    match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
    if (!match) return undefined;
    const yy = Number(match[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (element.tag === GENERALIZED_TIME) {
    match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
    if (!match) return undefined;
    year = Number(match[1]);
  } else {
    return undefined;
  }
  const [, , month, day, hour, minute, second] = match.map(Number);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

/** Validity windows of DER certificates laid end to end; undefined when malformed. */
export function certificateValidity(
  der: Uint8Array,
): Array<{ notBefore: Date; notAfter: Date }> | undefined {
  const windows: Array<{ notBefore: Date; notAfter: Date }> = [];
  let offset = 0;
  while (offset < der.length) {
    const cert = readElement(der, offset, der.length);
    if (!cert || cert.tag !== SEQUENCE) return undefined;
    const tbs = readElement(der, cert.start, cert.end);
    if (!tbs || tbs.tag !== SEQUENCE) return undefined;
    const algorithm = readElement(der, tbs.end, cert.end);
    if (!algorithm || algorithm.tag !== SEQUENCE) return undefined;
    const signature = readElement(der, algorithm.end, cert.end);
    if (
      !signature ||
      signature.tag !== BIT_STRING ||
      signature.end !== cert.end
    ) {
      return undefined;
    }
    // tbsCertificate: [0] version (optional), serial, signature, issuer, validity
    let field = readElement(der, tbs.start, tbs.end);
    if (field?.tag === EXPLICIT_VERSION)
      field = readElement(der, field.end, tbs.end);
    if (!field || field.tag !== INTEGER) return undefined;
    const tbsAlgorithm = readElement(der, field.end, tbs.end);
    if (!tbsAlgorithm || tbsAlgorithm.tag !== SEQUENCE) return undefined;
    const issuer = readElement(der, tbsAlgorithm.end, tbs.end);
    if (!issuer || issuer.tag !== SEQUENCE) return undefined;
    const validity = readElement(der, issuer.end, tbs.end);
    if (!validity || validity.tag !== SEQUENCE) return undefined;
    const first = readElement(der, validity.start, validity.end);
    const second = first && readElement(der, first.end, validity.end);
    const notBefore = first && readTime(der, first);
    const notAfter = second && readTime(der, second);
    if (!notBefore || !notAfter) return undefined;
    windows.push({ notBefore, notAfter });
    offset = cert.end;
  }
  return windows.length ? windows : undefined;
}

/** Up to three key names, then how many more, as istiod words it. */
function keyList(keys: string[]): string {
  const sorted = [...keys].sort();
  if (sorted.length <= 3) return sorted.join(', ') || 'no keys';
  return `${sorted.slice(0, 3).join(', ')}, and ${sorted.length - 3} more`;
}

/**
 * Why a gateway could not serve this Secret's certificate, or undefined when
 * it can: the certificate key pair (`cert`/`key` or `tls.crt`/`tls.key`),
 * a PEM block in the certificate, parsable certificates in it, and each of
 * them valid at `now`. `data` is the Secret's base64 encoded data.
 */
export function gatewayCredentialProblem(
  data: Record<string, string> | undefined,
  now: Date,
): string | undefined {
  const values = data ?? {};
  const decoded = new Map<string, Uint8Array>();
  for (const [key, value] of Object.entries(values)) {
    const bytes = decodeBase64(value);
    if (!bytes) return `the value of key "${key}" is not base64`;
    decoded.set(key, bytes);
  }
  const pair = KEY_PAIRS.find(([cert, key]) =>
    [cert, key].every(k => (decoded.get(k)?.length ?? 0) > 0),
  );
  if (!pair) {
    const present = KEY_PAIRS.find(([cert, key]) =>
      [cert, key].every(k => decoded.has(k)),
    );
    return present
      ? `keys "${present[0]}" and "${present[1]}" are empty`
      : `it has neither keys "cert" and "key" nor "tls.crt" and "tls.key" (found: ${keyList(
          [...decoded.keys()],
        )})`;
  }
  const certKey = pair[0];
  const pem = byteText(decoded.get(certKey)!);
  const body = firstPemBody(pem);
  const der = body === undefined ? undefined : decodeBase64(body);
  if (!der) return `key "${certKey}" holds no PEM encoded certificate`;
  const windows = certificateValidity(der);
  if (!windows) return `key "${certKey}" holds no parsable X.509 certificate`;
  const at = now.getTime();
  const stale = windows.find(
    w => at < w.notBefore.getTime() || at > w.notAfter.getTime(),
  );
  if (stale) {
    return `the certificate in key "${certKey}" is valid from ${stale.notBefore.toISOString()} to ${stale.notAfter.toISOString()}, not now`;
  }
  return undefined;
}
