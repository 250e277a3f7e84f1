import { parseMeshConfig } from '../../model/meshConfig';
import { KubeObject } from '../../model/resources';
import {
  injectionImageAnalyzer,
  injectionImageAutoAnalyzer,
  injectorProxyImage,
} from './injectionImageAnalyzers';
import { codesOf, findingsOf, namespace } from './__testUtils__/findingsOf';

const values = (global: object) => JSON.stringify({ global });

const injector = (name = 'istio-sidecar-injector'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'istio-system' },
  data: {
    values: values({
      hub: 'docker.io/istio',
      tag: '1.24.0',
      proxy: { image: 'proxyv2' },
    }),
  },
});

const pod = (
  name: string,
  image: string,
  metadata: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', ...metadata },
  spec: {
    containers: [
      { name: 'app', image: 'shop:1' },
      { name: 'istio-proxy', image },
    ],
  },
});

const current = 'docker.io/istio/proxyv2:1.24.0';
const old = 'docker.io/istio/proxyv2:1.23.2';

describe('injection.ImageAnalyzer', () => {
  it('builds the proxy image from the injector values as its template does', () => {
    expect(
      injectorProxyImage(
        values({ hub: 'h', tag: 't', proxy: { image: 'proxyv2' } }),
      ),
    ).toBe('h/proxyv2:t');
    expect(
      injectorProxyImage(
        values({ hub: 'h', tag: 't', proxy: { image: 'my.registry/proxy:x' } }),
      ),
    ).toBe('my.registry/proxy:x');
    expect(injectorProxyImage('global: {}')).toBe('');
  });

  it('reports a namespace once for its pods with an old proxy, naming them', () => {
    const findings = findingsOf(injectionImageAnalyzer, [
      injector(),
      namespace('shop', { 'istio-injection': 'enabled' }),
      pod('b-old', old),
      pod('a-old', old),
      pod('current', current),
    ]);
    expect(codesOf(findings)).toEqual(['IST0158 Namespace shop']);
    expect(findings[0].message).toContain('a-old, b-old');
    expect(findings[0].message).not.toContain('current');
  });

  it('accepts the variant the pod gets, and pods that choose their own image', () => {
    const distroless = `${current}-distroless`;
    const objects = [
      injector(),
      namespace('shop', { 'istio-injection': 'enabled' }),
      pod('annotated', distroless, {
        annotations: {
          'proxy.istio.io/config': 'image:\n  imageType: distroless',
        },
      }),
      pod('own', old, { annotations: { 'sidecar.istio.io/proxyImage': old } }),
    ];
    expect(codesOf(findingsOf(injectionImageAnalyzer, objects))).toEqual([]);
    expect(
      codesOf(
        findingsOf(injectionImageAnalyzer, [
          ...objects,
          pod('plain', distroless),
        ]),
      ),
    ).toEqual(['IST0158 Namespace shop']);
    expect(
      codesOf(
        findingsOf(
          injectionImageAnalyzer,
          [...objects, pod('plain', distroless)],
          {
            meshConfig: parseMeshConfig(
              'defaultConfig: {image: {imageType: distroless}}',
            ),
          },
        ),
      ),
    ).toEqual([]);
  });

  it('judges revisioned namespaces by their own injector, and says nothing without one', () => {
    const objects = [
      injector(),
      namespace('shop', { 'istio.io/rev': 'canary' }),
      pod('old', old),
    ];
    expect(codesOf(findingsOf(injectionImageAnalyzer, objects))).toEqual([]);
    expect(
      codesOf(
        findingsOf(injectionImageAnalyzer, [
          ...objects,
          injector('istio-sidecar-injector-canary'),
        ]),
      ),
    ).toEqual(['IST0158 Namespace shop']);
    expect(
      codesOf(
        findingsOf(injectionImageAnalyzer, [
          namespace('shop', { 'istio-injection': 'enabled' }),
          pod('old', old),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('injection.ImageAutoAnalyzer', () => {
  const webhooks: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'istio-sidecar-injector' },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.istio.io',
        namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } },
      },
    ],
  };
  const deployment = (ns: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'gateway', namespace: ns },
    spec: {
      template: {
        metadata: { labels: { istio: 'gateway' } },
        spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
      },
    },
  });

  it('reports a Pod with image auto: the injector never replaced it', () => {
    expect(
      codesOf(
        findingsOf(injectionImageAutoAnalyzer, [
          webhooks,
          pod('p', 'auto'),
          pod('q', current),
        ]),
      ),
    ).toEqual(['IST0147 Pod shop/p']);
  });

  it('reports a Deployment with image auto only where no Istio webhook selects its pods', () => {
    expect(
      codesOf(
        findingsOf(injectionImageAutoAnalyzer, [
          webhooks,
          namespace('injected', { 'istio-injection': 'enabled' }),
          namespace('plain', {}),
          deployment('injected'),
          deployment('plain'),
        ]),
      ),
    ).toEqual(['IST0146 Deployment plain/gateway']);
  });
});
