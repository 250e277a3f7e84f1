import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { ResourceKind } from '../../model/resources';
import { selectorMatches } from '../../model/snapshot';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { WorkloadIndex, WorkloadInstance } from './workloadInstances';
import { labelMap } from './specFields';

/** The label Istio puts on the pods it deploys for a Gateway API Gateway. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Policies that pick workloads with `selector` or `targetRef`. */
const POLICY_KINDS: ResourceKind[] = [
  'AuthorizationPolicy',
  'RequestAuthentication',
  'Telemetry',
  'WasmPlugin',
];

const selectorDefs = definitionsFor('k8sgateway.SelectorAnalyzer', ['IST0166']);

/**
 * `k8sgateway.SelectorAnalyzer`: a policy without `targetRef` whose
 * workload selector matches the pods of a Gateway API Gateway in its
 * namespace. Istio does not apply selector-based policies to those pods; a
 * `targetRef` to the Gateway does.
 * @public
 */
export const k8sGatewaySelectorAnalyzer: Analyzer = {
  name: 'k8sgateway.SelectorAnalyzer',
  definitions: selectorDefs,
  inputs: [...POLICY_KINDS, 'Pod'],
  analyze({ snapshot }) {
    // Gateway API gateway pods (and templates) per namespace, found once.
    const gatewayPods = new Map<string, WorkloadInstance[]>();
    for (const instance of new WorkloadIndex(snapshot).all) {
      if (instance.labels[GATEWAY_NAME_LABEL] === undefined) continue;
      const group = gatewayPods.get(instance.namespace) ?? [];
      group.push(instance);
      gatewayPods.set(instance.namespace, group);
    }
    const findings: Finding[] = [];
    for (const kind of POLICY_KINDS) {
      for (const policy of snapshot.all(kind)) {
        const spec = policy.spec;
        if (spec.targetRef !== undefined && spec.targetRef !== null) continue;
        if (!spec.selector || typeof spec.selector !== 'object') continue;
        const selector = labelMap(spec.selector.matchLabels);
        // One message per Gateway, however many replicas it runs.
        const gateways = new Set<string>();
        for (const instance of gatewayPods.get(policy.namespace) ?? []) {
          if (selectorMatches(selector, instance.labels)) {
            gateways.add(instance.labels[GATEWAY_NAME_LABEL]);
          }
        }
        for (const gateway of gateways) {
          findings.push(
            report(
              selectorDefs,
              'IST0166',
              policy,
              `${kind} ${policy.namespace}/${policy.name} selects the pods of Kubernetes Gateway ${gateway} with a workload selector; Istio ignores selectors on Gateway API gateways, so the policy does not apply there.`,
              [
                'Point the policy at the Gateway with targetRef instead of selector:',
                'spec:',
                '  targetRef:',
                '    group: gateway.networking.k8s.io',
                '    kind: Gateway',
                `    name: ${gateway}`,
                `kubectl edit ${kind.toLowerCase()} ${
                  policy.name
                }${kubectlNamespace(policy)}`,
              ].join('\n'),
            ),
          );
        }
      }
    }
    return findings;
  },
};

/**
 * The oldest Gateway API bundle version Istio processes, per CRD; istiod
 * ignores older CRDs and their resources (upstream `gatewayapi.MinimumCRDVersions`).
 */
const MINIMUM_CRD_VERSIONS: Record<string, readonly [number, number, number]> =
  {
    'grpcroutes.gateway.networking.k8s.io': [1, 1, 0],
    'backendtlspolicies.gateway.networking.k8s.io': [1, 4, 0],
    'tlsroutes.gateway.networking.k8s.io': [1, 5, 0],
    'tcproutes.gateway.networking.k8s.io': [1, 6, 0],
  };

const BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';
const CHANNEL_ANNOTATION = 'gateway.networking.k8s.io/channel';

/**
 * A semantic version as the Go semver library reads it leniently (`v`
 * prefix, missing minor or patch): major, minor, patch and the text shown,
 * without prerelease for the comparison.
 */
function parseBundleVersion(
  text: string,
): { parts: [number, number, number]; shown: string } | undefined {
  const match =
    /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const parts: [number, number, number] = [
    Number(match[1]),
    Number(match[2] ?? 0),
    Number(match[3] ?? 0),
  ];
  return {
    parts,
    shown: `${parts.join('.')}${match[4] ?? ''}${match[5] ?? ''}`,
  };
}

function lessThan(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return a[i] < b[i];
  }
  return false;
}

const crdDefs = definitionsFor('k8sgateway.CRDVersionAnalyzer', ['IST0176']);

/**
 * `k8sgateway.CRDVersionAnalyzer`: Gateway API CRDs whose bundle version
 * is older than this Istio version processes. istiod ignores them, so
 * routes of that kind never attach.
 * @public
 */
export const crdVersionAnalyzer: Analyzer = {
  name: 'k8sgateway.CRDVersionAnalyzer',
  definitions: crdDefs,
  inputs: ['CustomResourceDefinition'],
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    for (const crd of snapshot.all('CustomResourceDefinition')) {
      const minimum = MINIMUM_CRD_VERSIONS[crd.name];
      const annotation = crd.annotations[BUNDLE_VERSION_ANNOTATION];
      if (!minimum || annotation === undefined) continue;
      const installed = parseBundleVersion(annotation);
      if (!installed || !lessThan(installed.parts, minimum)) continue;
      const required = minimum.join('.');
      const channel =
        crd.annotations[CHANNEL_ANNOTATION] === 'experimental'
          ? 'experimental'
          : 'standard';
      findings.push(
        report(
          crdDefs,
          'IST0176',
          crd,
          `CRD ${crd.name} is from Gateway API ${installed.shown}, but Istio needs at least ${required}; istiod ignores it, so resources of this kind are never processed.`,
          `Install the Gateway API CRDs of version ${required} or later (${channel} channel):\nkubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v${required}/${channel}-install.yaml`,
        ),
      );
    }
    return findings;
  },
};
