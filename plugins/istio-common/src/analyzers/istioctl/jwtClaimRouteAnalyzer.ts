import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { selectorMatches } from '../../model/snapshot';
import { definitionsFor, report } from './messages';
import { list, labelMap, strings } from './specFields';
import { gatewayRef } from './virtualServiceAnalyzers';

const MESH_GATEWAY = 'mesh';
const JWT_CLAIM_HEADER = '@request.auth.claims';

/**
 * Whether a header name asks Envoy to match a JWT claim (Istio's
 * `jwt.ToRoutingClaim`): `@request.auth.claims` (any case) followed by
 * `.claim[.nested]` or `[claim][nested]`.
 * @public
 */
export function isJwtClaimHeader(header: string): boolean {
  if (!header.toLowerCase().startsWith(JWT_CLAIM_HEADER)) return false;
  const rest = header.slice(JWT_CLAIM_HEADER.length);
  if (rest.startsWith('.')) return rest.length > 1;
  return rest.startsWith('[') && rest.endsWith(']') && rest.length > 2;
}

/** The first JWT claim header an HTTP match (or its withoutHeaders) uses. */
function jwtClaimKey(vs: MeshResource): string | undefined {
  for (const rule of list(vs.spec.http)) {
    for (const match of list(rule?.match)) {
      for (const field of ['headers', 'withoutHeaders']) {
        const headers = match?.[field];
        if (!headers || typeof headers !== 'object') continue;
        const key = Object.keys(headers).find(isJwtClaimHeader);
        if (key) return key;
      }
    }
  }
  return undefined;
}

/** The `selector:` block of a RequestAuthentication for these labels. */
function selectorLines(labels: Record<string, string>): string[] {
  const entries = Object.entries(labels);
  if (entries.length === 0) return [];
  return [
    '  selector:',
    '    matchLabels:',
    ...entries.map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`),
  ];
}

const defs = definitionsFor('virtualservice.JWTClaimRouteAnalyzer', [
  'IST0149',
]);

/**
 * `virtualservice.JWTClaimRouteAnalyzer`: a VirtualService routing on a JWT
 * claim through a gateway needs a RequestAuthentication for every gateway
 * pod, or the claim is never extracted and the route never matches.
 * @public
 */
export const jwtClaimRouteAnalyzer: Analyzer = {
  name: 'virtualservice.JWTClaimRouteAnalyzer',
  definitions: defs,
  inputs: ['VirtualService', 'RequestAuthentication', 'Gateway', 'Pod'],
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    const pods = snapshot.all('Pod');
    // A RequestAuthentication in the root namespace applies to every
    // namespace (upstream's analyzer names istio-system, the default root).
    const authnSelectors = (namespace: string) =>
      [
        ...snapshot.inNamespace(
          'RequestAuthentication',
          snapshot.meshConfig.rootNamespace,
        ),
        ...(namespace === snapshot.meshConfig.rootNamespace
          ? []
          : snapshot.inNamespace('RequestAuthentication', namespace)),
      ].map(ra => labelMap(ra.spec.selector?.matchLabels));

    for (const vs of snapshot.all('VirtualService')) {
      const key = jwtClaimKey(vs);
      if (!key) continue;
      // A gateway listed twice gives the same messages, which istioctl prints once.
      for (const ref of new Set(strings(vs.spec.gateways))) {
        if (ref === MESH_GATEWAY) continue;
        const { namespace, name } = gatewayRef(ref, vs.namespace);
        const gateway = snapshot.get('Gateway', namespace, name);
        // A missing gateway is virtualservice.GatewayAnalyzer's finding.
        if (!gateway) continue;
        const selector = labelMap(gateway.spec.selector);
        for (const pod of pods) {
          if (!selectorMatches(selector, pod.labels)) continue;
          const validated = authnSelectors(pod.namespace).some(s =>
            selectorMatches(s, pod.labels),
          );
          if (validated) continue;
          findings.push(
            report(
              defs,
              'IST0149',
              vs,
              `VirtualService ${vs.namespace}/${vs.name} routes on the JWT claim header "${key}" through gateway ${namespace}/${name}, but no RequestAuthentication applies to its pod ${pod.namespace}/${pod.name}; without one the token is not validated, the claim is never set and the rule never matches.`,
              [
                `Validate tokens on the gateway pods, for example:`,
                'apiVersion: security.istio.io/v1',
                'kind: RequestAuthentication',
                'metadata:',
                `  name: ${name}-jwt`,
                `  namespace: ${pod.namespace}`,
                'spec:',
                ...selectorLines(selector),
                '  jwtRules:',
                '  - issuer: <issuer>',
                '    jwksUri: <jwks URL>',
              ].join('\n'),
            ),
          );
        }
      }
    }
    return findings;
  },
};
