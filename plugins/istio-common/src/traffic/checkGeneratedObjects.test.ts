import { KubeObject } from '../model/resources';
import { checkGeneratedObjects } from './checkGeneratedObjects';
import { generateTrafficPattern } from './trafficPattern';
import { generateNamespaceOnboarding } from './namespaceOnboarding';

const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'reviews', namespace: 'shop' },
  spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] },
};
const pod = (version: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `reviews-${version}`,
    namespace: 'shop',
    labels: { app: 'reviews', version },
  },
  spec: { containers: [{ name: 'app' }, { name: 'istio-proxy' }] },
});

function canary() {
  return generateTrafficPattern({
    service: 'reviews',
    namespace: 'shop',
    versions: ['v1', 'v2'],
    pattern: {
      type: 'canary',
      steps: [
        [
          { subset: 'v1', weight: 90 },
          { subset: 'v2', weight: 10 },
        ],
      ],
    },
  }).objects;
}

describe('checkGeneratedObjects', () => {
  it('passes a generated canary next to the service it routes to', () => {
    const check = checkGeneratedObjects(
      canary(),
      [service, pod('v1'), pod('v2')],
      { contextComplete: true },
    );
    expect(check.blocking).toEqual([]);
    expect(check.problems).toEqual([]);
  });

  it('blocks an object that breaks Istio, with the finding to show', () => {
    const objects = canary();
    // As a buggy generator would write it: weights summing to 110.
    objects[0].spec.http[0].route[1].weight = 20;
    const check = checkGeneratedObjects(
      objects,
      [service, pod('v1'), pod('v2')],
      { contextComplete: true },
    );
    expect(check.blocking.map(f => [f.code, f.severity, f.ref.kind])).toEqual([
      ['MESH101', 'Error', 'VirtualService'],
    ]);
    expect(check.blocking[0].remediation).not.toBe('');
  });

  it('keeps findings about missing references unverified unless the context is complete', () => {
    const objects = canary();
    const alone = checkGeneratedObjects(objects);
    expect(alone.blocking).toEqual([]);
    const complete = checkGeneratedObjects(objects, [], {
      contextComplete: true,
    });
    expect(complete.blocking.length).toBeGreaterThan(0);
    expect(
      complete.blocking.every(f =>
        alone.unverified.some(
          u => u.code === f.code && u.resource === f.resource,
        ),
      ),
    ).toBe(true);
  });

  it('reports only on the generated objects, not on their context', () => {
    const brokenContext: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'other', namespace: 'shop' },
      spec: {
        hosts: ['other'],
        http: [
          {
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 30 },
              { destination: { host: 'reviews', subset: 'v2' }, weight: 30 },
            ],
          },
        ],
      },
    };
    const check = checkGeneratedObjects(
      canary(),
      [service, pod('v1'), pod('v2'), brokenContext],
      { contextComplete: true },
    );
    expect(check.findings.filter(f => f.ref.name === 'other')).toEqual([]);
    expect(check.blocking).toEqual([]);
  });

  it('reports what the generated objects break in their context', () => {
    // A client-side DestinationRule that sends plaintext to the namespace's pods.
    const plaintextRule: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews-plaintext', namespace: 'shop' },
      spec: {
        host: 'reviews.shop.svc.cluster.local',
        trafficPolicy: { tls: { mode: 'DISABLE' } },
      },
    };
    const namespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } },
    };
    const context = [namespace, service, pod('v1'), plaintextRule];
    expect(checkGeneratedObjects([], context).findings).toEqual([]);
    const strict = generateNamespaceOnboarding({
      namespace: 'shop',
      stage: 'strict',
      skipNamespace: true,
    }).objects;
    const check = checkGeneratedObjects(strict, context);
    expect(check.blocking.map(f => [f.code, f.ref.name])).toEqual([
      ['MESH001', 'reviews-plaintext'],
    ]);
  });

  it('passes the onboarding of a namespace at each stage', () => {
    for (const stage of ['permissive', 'strict']) {
      const { objects } = generateNamespaceOnboarding({
        namespace: 'shop',
        stage,
        revision: 'stable',
      });
      expect(checkGeneratedObjects(objects, [pod('v1')]).blocking).toEqual([]);
    }
  });
});

describe('checkGeneratedObjects with an earlier version in the context', () => {
  it('lets generated objects replace same-named context objects', () => {
    const previous = canary();
    previous[0].spec.http[0].route[1].weight = 20;
    const check = checkGeneratedObjects(
      canary(),
      [service, pod('v1'), pod('v2'), ...previous],
      { contextComplete: true },
    );
    expect(check.findings.filter(f => f.severity === 'Error')).toEqual([]);
  });
});
