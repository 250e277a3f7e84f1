import { KubeObject } from '../model/resources';
import {
  decideDataplane,
  decideInjection,
  isAmbientCaptured,
  isInjectedPod,
  resolveRevision,
  revisionTags,
} from './injection';
import { buildWorkloads } from './workloads';
import {
  deployment,
  injectorConfigMap,
  namespace,
  pod,
  snapshotOf,
  tagWebhook,
} from './testObjects';

const INJECT = 'sidecar.istio.io/inject';

describe('decideInjection', () => {
  it('injects from the default revision in a namespace labelled istio-injection=enabled', () => {
    const snapshot = snapshotOf([
      namespace('shop', { 'istio-injection': 'enabled' }),
    ]);
    const decision = decideInjection(
      'shop',
      { labels: { app: 'a' } },
      {},
      snapshot,
    );
    expect(decision).toEqual({
      willInject: true,
      revision: 'default',
      reason: 'namespace shop is labelled istio-injection=enabled',
    });
  });

  it('lets istio-injection win over istio.io/rev, and only "enabled" selects', () => {
    const snapshot = snapshotOf([
      namespace('a', {
        'istio-injection': 'disabled',
        'istio.io/rev': 'canary',
      }),
      namespace('b', { 'istio-injection': 'yes' }),
      namespace('c', {
        'istio-injection': 'enabled',
        'istio.io/rev': 'canary',
      }),
    ]);
    expect(decideInjection('a', {}, {}, snapshot).willInject).toBe(false);
    expect(decideInjection('b', {}, {}, snapshot).willInject).toBe(false);
    expect(decideInjection('c', {}, {}, snapshot).revision).toBe('default');
  });

  it('resolves a namespace istio.io/rev naming a revision tag to the real revision', () => {
    const snapshot = snapshotOf([
      tagWebhook('prod-stable', '1-24-1'),
      namespace('shop', { 'istio.io/rev': 'prod-stable' }),
      namespace('lab', { 'istio.io/rev': '1-25-0' }),
    ]);
    expect(resolveRevision(snapshot, 'prod-stable')).toBe('1-24-1');
    const tagged = decideInjection('shop', {}, {}, snapshot);
    expect(tagged.willInject).toBe(true);
    expect(tagged.revision).toBe('1-24-1');
    expect(tagged.reason).toContain('prod-stable');
    expect(decideInjection('lab', {}, {}, snapshot).revision).toBe('1-25-0');
  });

  it('maps istio-injection=enabled to the revision of the "default" tag', () => {
    const snapshot = snapshotOf([
      tagWebhook('default', '1-24-1'),
      namespace('shop', { 'istio-injection': 'enabled' }),
    ]);
    expect(decideInjection('shop', {}, {}, snapshot).revision).toBe('1-24-1');
  });

  it('selects by pod labels only in a namespace without injection labels', () => {
    const snapshot = snapshotOf([
      tagWebhook('canary', '1-25-0'),
      namespace('plain'),
      namespace('off', { 'istio-injection': 'disabled' }),
    ]);
    expect(
      decideInjection('plain', { labels: { [INJECT]: 'true' } }, {}, snapshot),
    ).toMatchObject({
      willInject: true,
      revision: 'default',
    });
    expect(
      decideInjection(
        'plain',
        { labels: { 'istio.io/rev': 'canary' } },
        {},
        snapshot,
      ).revision,
    ).toBe('1-25-0');
    // The namespace label wins: pod labels cannot opt in there.
    expect(
      decideInjection('off', { labels: { [INJECT]: 'true' } }, {}, snapshot)
        .willInject,
    ).toBe(false);
  });

  it('never injects from an annotation alone', () => {
    const snapshot = snapshotOf([namespace('plain')]);
    const decision = decideInjection(
      'plain',
      { annotations: { [INJECT]: 'true' } },
      {},
      snapshot,
    );
    expect(decision.willInject).toBe(false);
    expect(decision.reason).toContain('annotation');
  });

  it('lets an annotation veto injection in an injected namespace', () => {
    const snapshot = snapshotOf([
      namespace('shop', { 'istio-injection': 'enabled' }),
    ]);
    const decision = decideInjection(
      'shop',
      { annotations: { [INJECT]: 'false' } },
      {},
      snapshot,
    );
    expect(decision).toMatchObject({ willInject: false, revision: null });
    expect(decision.reason).toContain(
      'annotation sidecar.istio.io/inject=false',
    );
  });

  it('prefers the pod label over the legacy annotation', () => {
    const snapshot = snapshotOf([
      namespace('shop', { 'istio-injection': 'enabled' }),
    ]);
    const labelTrue = {
      labels: { [INJECT]: 'true' },
      annotations: { [INJECT]: 'false' },
    };
    const labelFalse = {
      labels: { [INJECT]: 'false' },
      annotations: { [INJECT]: 'true' },
    };
    expect(decideInjection('shop', labelTrue, {}, snapshot).willInject).toBe(
      true,
    );
    expect(decideInjection('shop', labelFalse, {}, snapshot).willInject).toBe(
      false,
    );
  });

  it('treats values other than true/false as unset', () => {
    const snapshot = snapshotOf([
      namespace('shop', { 'istio-injection': 'enabled' }),
    ]);
    expect(
      decideInjection('shop', { annotations: { [INJECT]: 'no' } }, {}, snapshot)
        .willInject,
    ).toBe(true);
  });

  it('never injects hostNetwork pods', () => {
    const snapshot = snapshotOf([
      namespace('shop', { 'istio-injection': 'enabled' }),
    ]);
    const decision = decideInjection(
      'shop',
      {},
      { hostNetwork: true },
      snapshot,
    );
    expect(decision.willInject).toBe(false);
    expect(decision.reason).toContain('hostNetwork');
  });

  it('never injects into kube-system, even when labelled', () => {
    const snapshot = snapshotOf([
      namespace('kube-system', { 'istio-injection': 'enabled' }),
    ]);
    const decision = decideInjection(
      'kube-system',
      { labels: { [INJECT]: 'true' } },
      {},
      snapshot,
    );
    expect(decision.willInject).toBe(false);
    expect(decision.reason).toContain('kube-system');
  });

  it('applies neverInjectSelector, then alwaysInjectSelector, then the policy', () => {
    const config = [
      'policy: disabled',
      'neverInjectSelector:',
      '- matchLabels: {batch: "true"}',
      'alwaysInjectSelector:',
      '- matchExpressions: [{key: tier, operator: In, values: [web]}]',
      'template: |',
      '  {{ .Values }}',
    ].join('\n');
    const snapshot = snapshotOf([
      injectorConfigMap(config),
      namespace('shop', { 'istio-injection': 'enabled' }),
    ]);
    const inject = (labels: Record<string, string>, annotations = {}) =>
      decideInjection('shop', { labels, annotations }, {}, snapshot);
    expect(inject({ tier: 'web' }).willInject).toBe(true);
    expect(inject({ tier: 'web', batch: 'true' }).willInject).toBe(false);
    expect(inject({ tier: 'db' }).reason).toContain('policy is disabled');
    // An explicit value skips the selectors.
    expect(inject({ batch: 'true' }, { [INJECT]: 'true' }).willInject).toBe(
      true,
    );
  });

  it('injects unlabelled namespaces only with enableNamespacesByDefault', () => {
    const values =
      'sidecarInjectorWebhook:\n  enableNamespacesByDefault: true\n';
    const snapshot = snapshotOf([
      injectorConfigMap('policy: enabled', values),
      namespace('plain'),
    ]);
    expect(decideInjection('plain', {}, {}, snapshot).willInject).toBe(true);
    expect(decideInjection('kube-public', {}, {}, snapshot).willInject).toBe(
      false,
    );
    expect(
      decideInjection('plain', {}, {}, snapshotOf([namespace('plain')]))
        .willInject,
    ).toBe(false);
  });
});

describe('ambient capture', () => {
  it('captures pods of an ambient namespace unless the pod opts out or has a sidecar', () => {
    const ns = { 'istio.io/dataplane-mode': 'ambient' };
    expect(isAmbientCaptured(ns, { labels: {} }, {}, false)).toBe(true);
    expect(
      isAmbientCaptured(
        ns,
        { labels: { 'istio.io/dataplane-mode': 'none' } },
        {},
        false,
      ),
    ).toBe(false);
    expect(isAmbientCaptured(ns, {}, {}, true)).toBe(false);
    expect(isAmbientCaptured(ns, {}, { hostNetwork: true }, false)).toBe(false);
    expect(
      isAmbientCaptured(
        {},
        { labels: { 'istio.io/dataplane-mode': 'ambient' } },
        {},
        false,
      ),
    ).toBe(true);
  });

  it('gives a new pod a sidecar over ambient when both would apply', () => {
    const snapshot = snapshotOf([
      namespace('both', {
        'istio-injection': 'enabled',
        'istio.io/dataplane-mode': 'ambient',
      }),
      namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }),
    ]);
    expect(decideDataplane('both', {}, {}, snapshot).dataplane).toBe('sidecar');
    expect(decideDataplane('amb', {}, {}, snapshot).dataplane).toBe('ambient');
  });
});

describe('isInjectedPod', () => {
  it('recognises an istio-proxy container and a native sidecar init container', () => {
    const plain = pod('p', 'ns', {}) as any;
    expect(isInjectedPod(plain)).toBe(false);
    expect(
      isInjectedPod(pod('p', 'ns', {}, { sidecar: 'container' }) as any),
    ).toBe(true);
    expect(
      isInjectedPod(pod('p', 'ns', {}, { sidecar: 'native' }) as any),
    ).toBe(true);
    expect(isInjectedPod({ spec: { containers: 'bad' } } as any)).toBe(false);
  });
});

describe('installed revisions', () => {
  const injector = (name: string, revision?: string): KubeObject => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels: revision ? { 'istio.io/rev': revision } : {} },
    webhooks: [],
  });

  it('does not inject for a revision without an injector webhook', () => {
    const snapshot = snapshotOf([
      injector('istio-sidecar-injector-1-24-1', '1-24-1'),
      namespace('old', { 'istio-injection': 'enabled' }),
      namespace('new', { 'istio.io/rev': '1-24-1' }),
    ]);
    const old = decideInjection('old', {}, {}, snapshot);
    expect(old.willInject).toBe(false);
    expect(old.reason).toContain('no injector webhook for revision default');
    expect(decideInjection('new', {}, {}, snapshot).willInject).toBe(true);
  });

  it('assumes the revision exists when the snapshot holds no injector webhook', () => {
    const snapshot = snapshotOf([
      namespace('new', { 'istio.io/rev': '1-24-1' }),
    ]);
    expect(decideInjection('new', {}, {}, snapshot).willInject).toBe(true);
  });
});

describe('decision-rule deviations fixed for issue 16', () => {
  const ambientNs = { 'istio.io/dataplane-mode': 'ambient' };
  const status = { 'sidecar.istio.io/status': '{"revision":"default"}' };

  it('does not report a pod carrying sidecar.istio.io/status in an ambient namespace as ambient', () => {
    // The CNI's test for "has a sidecar" is the injector's status annotation.
    expect(isAmbientCaptured(ambientNs, { annotations: status }, {})).toBe(
      false,
    );
    // istioctl kube-inject output: status annotation and the proxy in the template.
    const manual = deployment(
      'manual',
      'amb',
      { app: 'manual' },
      { annotations: status },
    );
    (manual.spec as any).template.spec.containers.push({
      name: 'istio-proxy',
      image: 'proxyv2',
    });
    const snapshot = snapshotOf([
      namespace('amb', ambientNs),
      manual,
      // A running pod the injector processed, whatever its containers are named.
      pod('processed', 'amb', { app: 'processed' }, { annotations: status }),
    ]);
    const workloads = buildWorkloads(snapshot);
    expect(workloads.map(w => [w.posture.name, w.posture.dataplane])).toEqual([
      ['manual', 'sidecar'],
      ['processed', 'none'],
    ]);
  });

  it('injects nothing under an unknown injector policy', () => {
    const snapshot = snapshotOf([
      injectorConfigMap('policy: enable\ntemplate: x'),
      namespace('shop', { 'istio-injection': 'enabled' }),
    ]);
    const decision = decideInjection('shop', {}, {}, snapshot);
    expect(decision.willInject).toBe(false);
    expect(decision.reason).toContain('"enable"');
    // A pod that opts in explicitly is still decided by its label.
    expect(
      decideInjection('shop', { labels: { [INJECT]: 'true' } }, {}, snapshot)
        .willInject,
    ).toBe(true);
  });

  it('finds a revision-tag webhook by its istio.io/tag label, whatever its name', () => {
    const tag: KubeObject = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: 'prod-stable',
        labels: { 'istio.io/tag': 'prod-stable', 'istio.io/rev': '1-24-1' },
      },
      webhooks: [],
    };
    const snapshot = snapshotOf([
      tag,
      namespace('shop', { 'istio.io/rev': 'prod-stable' }),
    ]);
    expect(revisionTags(snapshot).get('prod-stable')).toBe('1-24-1');
    expect(decideInjection('shop', {}, {}, snapshot).revision).toBe('1-24-1');
  });
});
