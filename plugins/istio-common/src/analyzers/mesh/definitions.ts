import { FindingDefinition } from '../../model/findings';

/** Name of the analyzer for mTLS client/server conflicts. @public */
export const MTLS_CONFLICT_ANALYZER = 'mtls.ConflictAnalyzer';
/** Name of the analyzer for traffic management patterns. @public */
export const TRAFFIC_PATTERN_ANALYZER = 'traffic.PatternAnalyzer';
/** Name of the analyzer for istio-proxy containers that are not ready or restart. @public */
export const PROXY_HEALTH_ANALYZER = 'proxy.HealthAnalyzer';
/** Name of the analyzer for proxies left on another revision or version. @public */
export const PROXY_REVISION_ANALYZER = 'proxy.RevisionAnalyzer';
/** Name of the analyzer for the mesh root certificate. @public */
export const ROOT_CERTIFICATE_ANALYZER = 'certificate.RootCertificateAnalyzer';

function define(
  code: string,
  name: string,
  analyzer: string,
  severity: FindingDefinition['severity'],
  description: string,
): FindingDefinition {
  return { code, name, analyzer, severity, description };
}

/**
 * The MESH findings about mTLS: combinations that break traffic (503
 * UC/UF/URX) or weaken authorization, which istioctl no longer reports.
 * @public
 */
export const MTLS_CONFLICT_DEFINITIONS = {
  MESH001: define(
    'MESH001',
    'DestinationRuleDisablesTlsToStrictWorkload',
    MTLS_CONFLICT_ANALYZER,
    'Error',
    'A DestinationRule sends plaintext (tls.mode DISABLE, set on the port, the subset or the top level; a top-level DISABLE also reaches the endpoints of a port entry without tls) to a port whose workloads require STRICT mTLS: every request is rejected.',
  ),
  MESH002: define(
    'MESH002',
    'AutoMtlsInfersPlaintextToStrictWorkload',
    MTLS_CONFLICT_ANALYZER,
    'Error',
    'A workload or port is STRICT under a namespace or mesh policy that is DISABLE. Auto mTLS infers the mode from the namespace and mesh only, so clients send plaintext and are rejected unless a DestinationRule sets ISTIO_MUTUAL.',
  ),
  MESH003: define(
    'MESH003',
    'StrictWorkloadWithoutMtlsClients',
    MTLS_CONFLICT_ANALYZER,
    'Error',
    'Auto mTLS is off (enableAutoMtls: false) and a STRICT workload has no DestinationRule sending ISTIO_MUTUAL: clients send plaintext and are rejected.',
  ),
  MESH004: define(
    'MESH004',
    'MtlsToWorkloadWithoutMtls',
    MTLS_CONFLICT_ANALYZER,
    'Error',
    'A DestinationRule sends ISTIO_MUTUAL (or MUTUAL to a port that is not itself TLS) to workloads without a sidecar or that accept only plaintext (DISABLE): the server cannot terminate the TLS.',
  ),
  MESH005: define(
    'MESH005',
    'DestinationRuleHidesMeshMtls',
    MTLS_CONFLICT_ANALYZER,
    'Warning',
    'With auto mTLS off, a host-specific DestinationRule without tls replaces a mesh-wide wildcard DestinationRule that sets ISTIO_MUTUAL, so clients of that host send plaintext.',
  ),
  MESH006: define(
    'MESH006',
    'CustomTlsToSidecarWorkload',
    MTLS_CONFLICT_ANALYZER,
    'Warning',
    'A DestinationRule originates SIMPLE or MUTUAL TLS with its own certificates toward workloads that have a sidecar. Against STRICT the handshake fails (Istio mTLS is required); otherwise the traffic bypasses Istio mTLS and works only if the application terminates TLS itself. Warning because the second case can be intended.',
  ),
  MESH007: define(
    'MESH007',
    'AuthorizationIdentityWithoutStrictMtls',
    MTLS_CONFLICT_ANALYZER,
    'Warning',
    'An AuthorizationPolicy matches on peer identity (principals, namespaces, source.principal, source.namespace, connection.sni) on a workload that still accepts plaintext. Plaintext requests carry no identity: ALLOW rules reject them and DENY rules do not match them.',
  ),
  MESH008: define(
    'MESH008',
    'AutoMtlsSendsMtlsToPlaintextWorkload',
    MTLS_CONFLICT_ANALYZER,
    'Error',
    "A DestinationRule port entry without tls makes that port use auto mTLS, but Istio's endpoint check still reads the top-level ISTIO_MUTUAL, so clients send mTLS to endpoints that accept only plaintext (no sidecar, or a DISABLE PeerAuthentication on the port). Without any DestinationRule, Istio sends plaintext to such endpoints by itself (pilot/pkg/xds/endpoints/mtls_checker.go), so that case is not reported.",
  ),
} as const;

/**
 * The MESH findings about traffic management patterns (canary, faults,
 * retries, mirroring).
 * @public
 */
export const TRAFFIC_PATTERN_DEFINITIONS = {
  MESH101: define(
    'MESH101',
    'RouteWeightsInvalid',
    TRAFFIC_PATTERN_ANALYZER,
    'Error',
    'Canary weights that do not say what they do: a route with several destinations whose weights do not sum to 100, or a weight that is not an integer from 0 to 100. Negative weights, non-numbers and a total of 0 are rejected by Istio; other sums are accepted as relative shares, so the traffic split silently differs from the numbers written (an Error here because a canary step would send the wrong share).',
  ),
  MESH102: define(
    'MESH102',
    'FaultInjectionInProduction',
    TRAFFIC_PATTERN_ANALYZER,
    'Warning',
    'A VirtualService injects delays or aborts into traffic of a namespace labelled as production (meshportal.io/environment=production or environment=production).',
  ),
  MESH103: define(
    'MESH103',
    'RetriesWithoutPerTryTimeout',
    TRAFFIC_PATTERN_ANALYZER,
    'Warning',
    'Retries without a valid perTryTimeout shorter than the route timeout: a hung attempt uses the whole budget, so retries never run when they are needed.',
  ),
  MESH104: define(
    'MESH104',
    'MirrorPercentageInvalid',
    TRAFFIC_PATTERN_ANALYZER,
    'Warning',
    'A mirror percentage is not a number between 0 and 100, or is set without any mirror destination, so mirroring does not do what it says.',
  ),
} as const;

/**
 * The MESH findings about the proxies of running pods, read from the
 * Kubernetes API alone (pod status, the injector's annotation, istiod's
 * image).
 * @public
 */
export const PROXY_DEFINITIONS = {
  MESH201: define(
    'MESH201',
    'ProxyNotReady',
    PROXY_HEALTH_ANALYZER,
    'Error',
    "A running pod's istio-proxy container is not ready (failing its readiness probe, crash-looping, or unable to start). The pod is taken out of its Services' endpoints and its traffic, which the proxy intercepts, fails: it neither serves nor makes mTLS connections.",
  ),
  MESH202: define(
    'MESH202',
    'ProxyRestarting',
    PROXY_HEALTH_ANALYZER,
    'Warning',
    'An istio-proxy container keeps restarting: it restarted at least the threshold number of times (3 by default) and is crash-looping or last restarted within the hour. Each restart drops the connections the proxy carries; the last termination reason (OOMKilled, Error) says why.',
  ),
  MESH203: define(
    'MESH203',
    'ProxyOnOtherRevision',
    PROXY_REVISION_ANALYZER,
    'Warning',
    "Pods run a proxy injected by another control-plane revision than the one their namespace (or pod template) now selects, as after a canary upgrade that relabelled the namespace: the injector's sidecar.istio.io/status annotation names the old revision. They keep the old proxy, and stay tied to the old istiod, until they are restarted.",
  ),
  MESH204: define(
    'MESH204',
    'ProxyVersionDiffersFromControlPlane',
    PROXY_REVISION_ANALYZER,
    'Warning',
    'Pods run an istio-proxy image whose version (tag) differs from the image of istiod of their revision, as after an in-place upgrade: they keep the old proxy until they are restarted. Pods with a sidecar.istio.io/proxyImage annotation are not compared, as their image is chosen on purpose.',
  ),
} as const;

/**
 * The MESH findings about the mesh root certificate, read from the public
 * istio-ca-root-cert ConfigMap (never from a Secret).
 * @public
 */
export const ROOT_CERTIFICATE_DEFINITIONS = {
  MESH301: define(
    'MESH301',
    'RootCertificateExpiresSoon',
    ROOT_CERTIFICATE_ANALYZER,
    'Warning',
    'The mesh root certificate (of the istio-ca-root-cert bundle, the one that expires last) expires in less than 30 days. Once it has expired, proxies no longer trust the workload certificates it signed and every mTLS connection fails.',
  ),
  MESH302: define(
    'MESH302',
    'RootCertificateExpired',
    ROOT_CERTIFICATE_ANALYZER,
    'Error',
    'Every root certificate of the istio-ca-root-cert bundle has expired: proxies reject the peer certificates that chain to it, so mTLS handshakes fail across the mesh.',
  ),
  MESH303: define(
    'MESH303',
    'RootCertificateUnreadable',
    ROOT_CERTIFICATE_ANALYZER,
    'Warning',
    "The root-cert.pem key of an istio-ca-root-cert ConfigMap is missing, empty or holds a certificate that does not parse, so the expiry of the mesh root is unknown. Each proxy's istio-agent verifies istiod with this bundle, so a broken copy can also keep new proxies from connecting.",
  ),
} as const;

/**
 * A list for a message: the first few items and how many more.
 * @internal
 */
export function listOf(items: string[], max = 5): string {
  const unique = [...new Set(items)];
  return unique.length <= max
    ? unique.join(', ')
    : `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}

/**
 * Health findings that break mTLS where they apply: a proxy that is not
 * ready, an expired mesh root. Readiness for STRICT counts them as blockers.
 * @public
 */
export const MTLS_BREAKING_HEALTH_CODES: ReadonlySet<string> = new Set([
  PROXY_DEFINITIONS.MESH201.code,
  ROOT_CERTIFICATE_DEFINITIONS.MESH302.code,
]);

/**
 * Whether a finding concerns the whole mesh rather than the namespace of the
 * object it names: the root certificate is one for every namespace, whichever
 * copy of its ConfigMap the finding points at.
 * @public
 */
export function isMeshWideFinding(finding: { analyzer: string }): boolean {
  return finding.analyzer === ROOT_CERTIFICATE_ANALYZER;
}
