import { KubeObject } from '../../model/resources';
import { webhookAnalyzer } from './webhookAnalyzer';
import { codesOf, findingsOf } from './__testUtils__/findingsOf';

const istiod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'istiod', namespace: 'istio-system' },
  spec: {},
};

function configuration(name: string, webhooks: object[]): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name },
    webhooks,
  };
}

const hook = (name: string, extra: object = {}) => ({
  name,
  clientConfig: { service: { name: 'istiod', namespace: 'istio-system' } },
  ...extra,
});

const run = (...objects: KubeObject[]) =>
  codesOf(findingsOf(webhookAnalyzer, objects));

describe('webhook.Analyzer', () => {
  it('reports each of two injectors that select the same namespaces', () => {
    const selector = {
      namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } },
    };
    const findings = findingsOf(webhookAnalyzer, [
      istiod,
      configuration('injector-a', [
        hook('sidecar-injector.istio.io', selector),
      ]),
      configuration('injector-b', [
        hook('sidecar-injector.istio.io', selector),
      ]),
    ]);
    expect(codesOf(findings)).toEqual([
      'IST0139 MutatingWebhookConfiguration injector-a',
      'IST0139 MutatingWebhookConfiguration injector-b',
    ]);
    expect(findings[0].message).toContain(
      'injector-b/sidecar-injector.istio.io',
    );
  });

  it('accepts revisions whose selectors exclude each other', () => {
    expect(
      run(
        istiod,
        configuration('istio-sidecar-injector', [
          hook('rev.namespace.sidecar-injector.istio.io', {
            namespaceSelector: {
              matchLabels: { 'istio-injection': 'enabled' },
            },
          }),
        ]),
        configuration('istio-sidecar-injector-canary', [
          hook('rev.namespace.sidecar-injector.istio.io', {
            namespaceSelector: {
              matchExpressions: [
                { key: 'istio.io/rev', operator: 'In', values: ['canary'] },
                { key: 'istio-injection', operator: 'DoesNotExist' },
              ],
            },
          }),
        ]),
      ),
    ).toEqual([]);
  });

  it('reports an injector calling a Service that does not exist, not one calling a URL', () => {
    expect(
      run(
        configuration('istio-sidecar-injector', [
          hook('sidecar-injector.istio.io'),
        ]),
        configuration('istio-remote', [
          {
            name: 'remote.sidecar-injector.istio.io',
            clientConfig: { url: 'https://istiod.example.com/inject' },
            objectSelector: { matchLabels: { never: 'x' } },
          },
        ]),
      ),
    ).toEqual(['IST0139 MutatingWebhookConfiguration istio-sidecar-injector']);
  });

  it('checks Service references only when the source read Services', () => {
    const objects = [
      configuration('istio-sidecar-injector', [
        hook('sidecar-injector.istio.io'),
      ]),
    ];
    expect(
      codesOf(
        findingsOf(webhookAnalyzer, objects, {
          observedKinds: ['MutatingWebhookConfiguration'],
        }),
      ),
    ).toEqual([]);
  });

  it('ignores webhooks that are not Istio’s', () => {
    expect(
      run(
        configuration('cert-manager', [hook('webhook.cert-manager.io')]),
        configuration('other', [hook('webhook.example.com')]),
      ),
    ).toEqual([]);
  });
});
