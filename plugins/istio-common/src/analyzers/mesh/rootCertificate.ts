import { Analyzer } from '../../analysis/types';
import { Finding, findingAbout } from '../../model/findings';
import {
  ROOT_CERT_KEY,
  RootCertificate,
  RootCertificateBundle,
} from '../../model/rootCertificate';
import { MeshSnapshot } from '../../model/snapshot';
import {
  ROOT_CERTIFICATE_ANALYZER,
  ROOT_CERTIFICATE_DEFINITIONS as DEFS,
  listOf,
} from './definitions';

/** A root expiring sooner than this is reported (MESH301). @public */
export const ROOT_CERTIFICATE_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The certificate of a bundle that stays valid longest: what the mesh can still trust. */
function lastToExpire(
  bundle: RootCertificateBundle,
): RootCertificate | undefined {
  return bundle.certificates.reduce<RootCertificate | undefined>(
    (last, c) => (!last || c.notAfter > last.notAfter ? c : last),
    undefined,
  );
}

/** Copies of one bundle (the same certificates) across namespaces. */
function distinctBundles(
  snapshot: MeshSnapshot,
  bundles: ReadonlyArray<RootCertificateBundle>,
): RootCertificateBundle[][] {
  const groups = new Map<string, RootCertificateBundle[]>();
  for (const bundle of bundles) {
    const key = bundle.problem
      ? `problem\u0000${bundle.namespace}`
      : bundle.certificates
          .map(c => c.fingerprint256)
          .sort()
          .join(',');
    groups.set(key, [...(groups.get(key) ?? []), bundle]);
  }
  // The control plane's copy first: it is the one istiod publishes from.
  return [...groups.values()].map(group =>
    [...group].sort(
      (a, b) =>
        Number(b.namespace === snapshot.istioNamespace) -
          Number(a.namespace === snapshot.istioNamespace) ||
        a.namespace.localeCompare(b.namespace),
    ),
  );
}

function copies(group: RootCertificateBundle[]): string {
  if (group.length === 1) return '';
  return ` The same bundle is in ${group.length - 1} other namespace${
    group.length === 2 ? '' : 's'
  }: ${listOf(group.slice(1).map(b => b.namespace))}.`;
}

function checkCommand(bundle: RootCertificateBundle): string {
  return `kubectl -n ${bundle.namespace} get configmap ${
    bundle.name
  } -o jsonpath='{.data.${ROOT_CERT_KEY.replace(
    '.',
    '\\.',
  )}}' | openssl x509 -noout -subject -enddate`;
}

function rotation(
  snapshot: MeshSnapshot,
  bundle: RootCertificateBundle,
): string {
  return [
    '# Rotate the root before it expires: add the new root next to the old one in',
    "# istiod's CA bundle (the root-cert.pem of the cacerts Secret for a plugged-in CA),",
    '# restart istiod so it republishes istio-ca-root-cert, restart the workloads so',
    '# their proxies get certificates of the new chain, then drop the old root.',
    `kubectl -n ${snapshot.istioNamespace} rollout restart deployment/istiod`,
    checkCommand(bundle),
  ].join('\n');
}

function describe(certificate: RootCertificate): string {
  return `${
    certificate.subject || '(no subject)'
  } (SHA-256 ${certificate.fingerprint256.slice(0, 23)}...)`;
}

function expiryFinding(
  snapshot: MeshSnapshot,
  group: RootCertificateBundle[],
  now: number,
): Finding | undefined {
  const [bundle] = group;
  const resource = snapshot.get('ConfigMap', bundle.namespace, bundle.name);
  const last = lastToExpire(bundle);
  if (!resource || !last) return undefined;
  const expires = Date.parse(last.notAfter);
  const date = last.notAfter.slice(0, 10);
  if (expires <= now) {
    return findingAbout(
      DEFS.MESH302,
      resource,
      `The mesh root certificate ${describe(last)} expired on ${date}${
        bundle.certificates.length > 1
          ? `, and so did the ${
              bundle.certificates.length - 1
            } other roots of the bundle`
          : ''
      }: mTLS handshakes fail.${copies(group)}`,
      rotation(snapshot, bundle),
    );
  }
  const days = (expires - now) / DAY_MS;
  if (days >= ROOT_CERTIFICATE_WARNING_DAYS) return undefined;
  const whole = Math.floor(days);
  return findingAbout(
    DEFS.MESH301,
    resource,
    `The mesh root certificate ${describe(last)} expires on ${date}, in ${
      whole < 1 ? 'less than a day' : `${whole} day${whole === 1 ? '' : 's'}`
    }; after that, mTLS handshakes fail.${copies(group)}`,
    rotation(snapshot, bundle),
  );
}

function unreadableFinding(
  snapshot: MeshSnapshot,
  bundle: RootCertificateBundle,
): Finding | undefined {
  const resource = snapshot.get('ConfigMap', bundle.namespace, bundle.name);
  if (!resource) return undefined;
  return findingAbout(
    DEFS.MESH303,
    resource,
    `ConfigMap ${bundle.namespace}/${bundle.name}: ${bundle.problem}, so the expiry of the mesh root is unknown.`,
    `# istiod rewrites this ConfigMap when it is deleted\nkubectl -n ${
      bundle.namespace
    } delete configmap ${bundle.name}\n${checkCommand(bundle)}`,
  );
}

/**
 * The expiry of the mesh root certificate, relative to the snapshot's `now`:
 * MESH301 under {@link ROOT_CERTIFICATE_WARNING_DAYS} days, MESH302 once
 * every root of the bundle has expired, MESH303 when a bundle cannot be
 * read. A bundle holding several roots (during a rotation) is judged by the
 * one that expires last. Copies of the same bundle in many namespaces give
 * one finding, on the control plane's copy when it is among them. Runs only
 * when the adapter parsed the certificates (`rootCertificates`).
 * @public
 */
export const rootCertificateAnalyzer: Analyzer = {
  name: ROOT_CERTIFICATE_ANALYZER,
  definitions: [DEFS.MESH301, DEFS.MESH302, DEFS.MESH303],
  inputs: ['ConfigMap'],
  analyze({ snapshot }) {
    const bundles = snapshot.rootCertificates;
    if (!bundles?.length) return [];
    const now = Date.parse(snapshot.now ?? '');
    const findings: Finding[] = [];
    for (const group of distinctBundles(snapshot, bundles)) {
      const [bundle] = group;
      const unreadable = bundle.problem && unreadableFinding(snapshot, bundle);
      if (unreadable) findings.push(unreadable);
      // What was read of a partly readable bundle is still judged.
      const expiry = !Number.isNaN(now) && expiryFinding(snapshot, group, now);
      if (expiry) findings.push(expiry);
    }
    return findings;
  },
};

/**
 * When the root certificate findings next change on their own, as time
 * passes (a root enters its last 30 days, or expires): a long-lived report
 * should be recomputed then. Undefined when nothing is due.
 * @public
 */
export function nextRootCertificateChange(
  snapshot: MeshSnapshot,
): string | undefined {
  const now = Date.parse(snapshot.now ?? '');
  if (Number.isNaN(now)) return undefined;
  let next: number | undefined;
  for (const bundle of snapshot.rootCertificates ?? []) {
    const last = lastToExpire(bundle);
    if (!last) continue;
    const expires = Date.parse(last.notAfter);
    for (const time of [
      expires - ROOT_CERTIFICATE_WARNING_DAYS * DAY_MS,
      expires,
    ]) {
      if (time > now && (next === undefined || time < next)) next = time;
    }
  }
  return next === undefined ? undefined : new Date(next).toISOString();
}
