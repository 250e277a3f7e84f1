import { KubeObject } from '../../model/resources';
import { buildSnapshot } from '../../model/snapshot';
import { injectionAnalyzer } from './injectionAnalyzer';
import { namespace } from './__testUtils__/findingsOf';

const pod = (
  name: string,
  ns: string,
  options: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    proxy?: 'container' | 'native';
    hostNetwork?: boolean;
  } = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: ns,
    labels: options.labels ?? {},
    annotations: options.annotations ?? {},
  },
  spec: {
    hostNetwork: options.hostNetwork,
    containers: [
      { name: 'app' },
      ...(options.proxy === 'container'
        ? [{ name: 'istio-proxy', image: 'proxyv2' }]
        : []),
    ],
    initContainers:
      options.proxy === 'native'
        ? [{ name: 'istio-proxy', image: 'proxyv2', restartPolicy: 'Always' }]
        : [],
  },
});

const tagWebhook = (tag: string, revision: string): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {
    name: `istio-revision-tag-${tag}`,
    labels: { 'istio.io/tag': tag, 'istio.io/rev': revision },
  },
  webhooks: [],
});

function analyze(objects: KubeObject[]) {
  const { snapshot } = buildSnapshot(objects);
  return injectionAnalyzer.analyze({ snapshot, posture: undefined as any });
}

describe('revision tags', () => {
  it('reports a pod without proxy in a namespace labelled with a tag, naming the real revision', () => {
    const findings = analyze([
      tagWebhook('prod', '1-22-1'),
      namespace('shop', { 'istio.io/rev': 'prod' }),
      pod('cart', 'shop'),
    ]);
    expect(findings.map(f => [f.code, f.resource])).toEqual([
      ['IST0103', 'Pod shop/cart'],
    ]);
    expect(findings[0].message).toContain('revision 1-22-1');
  });
});

describe('injection.Analyzer', () => {
  it('accepts a sidecar injected as a native sidecar (init container)', () => {
    const findings = analyze([
      namespace('shop', { 'istio-injection': 'enabled' }),
      pod('cart', 'shop', { proxy: 'native' }),
      pod('old', 'shop'),
    ]);
    expect(findings.map(f => f.resource)).toEqual(['Pod shop/old']);
    expect(findings[0].remediation).toContain('kubectl delete pod old -n shop');
  });

  it('lets the pod label win over the legacy annotation, and never expects a proxy on hostNetwork pods', () => {
    const findings = analyze([
      namespace('shop', { 'istio-injection': 'enabled' }),
      pod('label-off', 'shop', {
        labels: { 'sidecar.istio.io/inject': 'false' },
        annotations: { 'sidecar.istio.io/inject': 'true' },
      }),
      pod('label-on', 'shop', {
        labels: { 'sidecar.istio.io/inject': 'true' },
        annotations: { 'sidecar.istio.io/inject': 'false' },
      }),
      pod('host', 'shop', { hostNetwork: true }),
    ]);
    expect(findings.map(f => f.resource)).toEqual(['Pod shop/label-on']);
  });

  it('honours the injector neverInjectSelector', () => {
    const injector: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
      data: {
        config:
          'policy: enabled\nneverInjectSelector:\n- matchLabels:\n    job: migrate\ntemplate: |\n  x',
        values: '{}',
      },
    };
    const findings = analyze([
      injector,
      namespace('shop', { 'istio-injection': 'enabled' }),
      pod('migration', 'shop', { labels: { job: 'migrate' } }),
    ]);
    expect(findings).toEqual([]);
  });

  it('expects a proxy on pods that opt in themselves in an unlabelled namespace', () => {
    const findings = analyze([
      namespace('tools'),
      pod('opted-in', 'tools', {
        labels: { 'sidecar.istio.io/inject': 'true' },
      }),
      pod('plain', 'tools'),
    ]);
    expect(findings.map(f => [f.code, f.resource]).sort()).toEqual([
      ['IST0102', 'Namespace tools'],
      ['IST0103', 'Pod tools/opted-in'],
    ]);
  });

  it('ignores Kubernetes system namespaces and the Istio namespace', () => {
    const findings = analyze([
      namespace('kube-system'),
      namespace('kube-node-lease'),
      namespace('istio-system'),
      namespace('local-path-storage'),
    ]);
    expect(findings).toEqual([]);
  });

  it('does not count labels switched off by istio-injection=disabled as a conflict', () => {
    const findings = analyze([
      namespace('quiet', {
        'istio-injection': 'disabled',
        'istio.io/rev': 'canary',
      }),
      namespace('loud', {
        'istio-injection': 'enabled',
        'istio.io/rev': 'canary',
      }),
    ]);
    expect(findings.map(f => [f.code, f.resource])).toEqual([
      ['IST0123', 'Namespace loud'],
    ]);
    expect(findings[0].remediation).toContain(
      'kubectl label namespace loud istio.io/rev-',
    );
  });
});
