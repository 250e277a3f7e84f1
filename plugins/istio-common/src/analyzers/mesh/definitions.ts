import { FindingDefinition } from '../../model/findings';

/** Name of the analyzer for mTLS client/server conflicts. @public */
export const MTLS_CONFLICT_ANALYZER = 'mtls.ConflictAnalyzer';
/** Name of the analyzer for traffic management patterns. @public */
export const TRAFFIC_PATTERN_ANALYZER = 'traffic.PatternAnalyzer';

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
 * A list for a message: the first few items and how many more.
 * @internal
 */
export function listOf(items: string[], max = 5): string {
  const unique = [...new Set(items)];
  return unique.length <= max
    ? unique.join(', ')
    : `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}
