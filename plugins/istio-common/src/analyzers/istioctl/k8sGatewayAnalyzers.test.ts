import { KubeObject } from '../../model/resources';
import {
  codesAndResources,
  findingsOf,
} from './__testUtils__/analyzerFindings';

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';

const gatewayPod = (
  name: string,
  gateway: string,
  ns = 'shop',
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { [GATEWAY_NAME]: gateway } },
  spec: { containers: [{ name: 'istio-proxy' }] },
});

const policy = (
  kind: string,
  apiVersion: string,
  name: string,
  spec: Record<string, unknown>,
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'shop' },
  spec,
});

const selectGateway = (gateway: string) => ({
  selector: { matchLabels: { [GATEWAY_NAME]: gateway } },
});

describe('k8sgateway.SelectorAnalyzer', () => {
  const run = (objects: KubeObject[]) =>
    codesAndResources(findingsOf('k8sgateway.SelectorAnalyzer', objects));

  it('reports each kind of policy that selects gateway pods, once per Gateway', () => {
    expect(
      run([
        gatewayPod('edge-1', 'edge'),
        gatewayPod('edge-2', 'edge'),
        policy(
          'AuthorizationPolicy',
          'security.istio.io/v1',
          'ap',
          selectGateway('edge'),
        ),
        policy(
          'RequestAuthentication',
          'security.istio.io/v1',
          'ra',
          selectGateway('edge'),
        ),
        policy(
          'Telemetry',
          'telemetry.istio.io/v1',
          'tm',
          selectGateway('edge'),
        ),
        policy('WasmPlugin', 'extensions.istio.io/v1alpha1', 'wp', {
          ...selectGateway('edge'),
          url: 'oci://example/filter:1',
        }),
      ]),
    ).toEqual([
      ['IST0166', 'AuthorizationPolicy shop/ap'],
      ['IST0166', 'RequestAuthentication shop/ra'],
      ['IST0166', 'Telemetry shop/tm'],
      ['IST0166', 'WasmPlugin shop/wp'],
    ]);
  });

  it('accepts a policy with targetRef, one without selector, and gateways in other namespaces', () => {
    expect(
      run([
        gatewayPod('edge-1', 'edge'),
        gatewayPod('other-1', 'other', 'elsewhere'),
        policy('AuthorizationPolicy', 'security.istio.io/v1', 'targeted', {
          ...selectGateway('edge'),
          targetRef: {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: 'edge',
          },
        }),
        policy(
          'AuthorizationPolicy',
          'security.istio.io/v1',
          'namespace-wide',
          {
            action: 'ALLOW',
          },
        ),
        policy(
          'AuthorizationPolicy',
          'security.istio.io/v1',
          'far',
          selectGateway('other'),
        ),
        policy('AuthorizationPolicy', 'security.istio.io/v1', 'app', {
          selector: { matchLabels: { app: 'cart' } },
        }),
      ]),
    ).toEqual([]);
  });
});

const crd = (name: string, bundleVersion?: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: {
    name,
    annotations: bundleVersion
      ? { 'gateway.networking.k8s.io/bundle-version': bundleVersion }
      : {},
  },
  spec: { group: 'gateway.networking.k8s.io' },
});

describe('k8sgateway.CRDVersionAnalyzer', () => {
  const run = (objects: KubeObject[]) =>
    findingsOf('k8sgateway.CRDVersionAnalyzer', objects);

  it('reports a Gateway API CRD below the version Istio needs', () => {
    const result = run([crd('tlsroutes.gateway.networking.k8s.io', 'v1.4.1')]);
    expect(result.map(f => [f.code, f.resource])).toEqual([
      [
        'IST0176',
        'CustomResourceDefinition tlsroutes.gateway.networking.k8s.io',
      ],
    ]);
    expect(result[0].message).toContain('Gateway API 1.4.1');
    expect(result[0].message).toContain('at least 1.5.0');
  });

  it('ignores a prerelease suffix when comparing, as Istio does', () => {
    expect(
      run([crd('tcproutes.gateway.networking.k8s.io', 'v1.6.0-rc.1')]),
    ).toEqual([]);
    expect(
      run([crd('tcproutes.gateway.networking.k8s.io', 'v1.5.9-rc.1')]),
    ).toHaveLength(1);
  });

  it('accepts current CRDs, CRDs without a minimum, and CRDs without a readable version', () => {
    expect(
      run([
        crd('grpcroutes.gateway.networking.k8s.io', 'v1.4.1'),
        crd('httproutes.gateway.networking.k8s.io', 'v0.1.0'),
        crd('tlsroutes.gateway.networking.k8s.io'),
        crd('backendtlspolicies.gateway.networking.k8s.io', 'latest'),
      ]),
    ).toEqual([]);
  });
});
