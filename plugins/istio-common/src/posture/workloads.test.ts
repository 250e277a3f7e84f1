import { KubeObject } from '../model/resources';
import { computePosture } from './computePosture';
import { targetPortOf } from './workloads';
import {
  deployment,
  namespace,
  pod,
  replicaSet,
  service,
  snapshotOf,
} from './testObjects';

const APP = { app: 'reviews' };

function workloads(objects: KubeObject[]) {
  return computePosture(snapshotOf(objects)).workloads;
}

describe('workloads', () => {
  it('groups pods under their Deployment through the ReplicaSet', () => {
    const [w] = workloads([
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('reviews', 'shop', APP),
      replicaSet('reviews-7d9f', 'shop', 'reviews'),
      pod('reviews-7d9f-a', 'shop', APP, {
        owner: { kind: 'ReplicaSet', name: 'reviews-7d9f' },
        sidecar: 'container',
      }),
      pod('reviews-7d9f-b', 'shop', APP, {
        owner: { kind: 'ReplicaSet', name: 'reviews-7d9f' },
        sidecar: 'container',
      }),
    ]);
    expect(w).toMatchObject({
      kind: 'Deployment',
      name: 'reviews',
      dataplane: 'sidecar',
      pods: { total: 2, injected: 2 },
    });
  });

  it('finds the Deployment from pod-template-hash when the ReplicaSet is not in the input', () => {
    const list = workloads([
      deployment('reviews', 'shop', APP),
      pod(
        'reviews-5c8b-x',
        'shop',
        { ...APP, 'pod-template-hash': '5c8b' },
        {
          owner: { kind: 'ReplicaSet', name: 'reviews-5c8b' },
        },
      ),
    ]);
    expect(list).toHaveLength(1);
    expect(list[0].pods.total).toBe(1);
  });

  it('groups StatefulSet and DaemonSet pods directly, and keeps bare pods on their own', () => {
    const list = workloads([
      deployment('db', 'shop', { app: 'db' }, {}, 'StatefulSet'),
      deployment('agent', 'shop', { app: 'agent' }, {}, 'DaemonSet'),
      pod(
        'db-0',
        'shop',
        { app: 'db' },
        { owner: { kind: 'StatefulSet', name: 'db' } },
      ),
      pod(
        'agent-x',
        'shop',
        { app: 'agent' },
        { owner: { kind: 'DaemonSet', name: 'agent' } },
      ),
      pod('debug', 'shop', { run: 'debug' }),
      pod('job-x', 'shop', { job: 'x' }, { owner: { kind: 'Job', name: 'x' } }),
    ]);
    expect(list.map(w => [w.kind, w.name, w.pods.total])).toEqual([
      ['DaemonSet', 'agent', 1],
      ['StatefulSet', 'db', 1],
      ['Pod', 'debug', 1],
      ['Pod', 'job-x', 1],
    ]);
  });

  it('reports partial when some running pods lack the proxy, and ignores finished pods', () => {
    const owner = { kind: 'ReplicaSet', name: 'reviews-1' };
    const [w] = workloads([
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('reviews', 'shop', APP),
      replicaSet('reviews-1', 'shop', 'reviews'),
      pod('reviews-1-a', 'shop', APP, { owner, sidecar: 'container' }),
      pod('reviews-1-b', 'shop', APP, { owner }),
      pod('reviews-1-c', 'shop', APP, { owner, phase: 'Succeeded' }),
    ]);
    expect(w.dataplane).toBe('partial');
    expect(w.pods).toEqual({ total: 2, injected: 1 });
    // A new pod would be injected: the old one needs a restart.
    expect(w.injection.willInject).toBe(true);
  });

  it('counts a native sidecar (istio-proxy init container) as injected', () => {
    const owner = { kind: 'ReplicaSet', name: 'reviews-1' };
    const [w] = workloads([
      deployment('reviews', 'shop', APP),
      replicaSet('reviews-1', 'shop', 'reviews'),
      pod('reviews-1-a', 'shop', APP, { owner, sidecar: 'native' }),
    ]);
    expect(w).toMatchObject({
      dataplane: 'sidecar',
      pods: { total: 1, injected: 1 },
    });
  });

  it('reports a workload without pods from what a new pod would get', () => {
    const list = workloads([
      namespace('shop', { 'istio-injection': 'enabled' }),
      namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }),
      deployment('reviews', 'shop', APP),
      deployment(
        'legacy',
        'shop',
        { app: 'legacy' },
        { annotations: { 'sidecar.istio.io/inject': 'false' } },
      ),
      deployment('api', 'amb', { app: 'api' }),
      deployment('plain', 'other', { app: 'plain' }),
    ]);
    const byName = Object.fromEntries(list.map(w => [w.name, w]));
    expect(byName.reviews.dataplane).toBe('sidecar');
    expect(byName.reviews.pods).toEqual({ total: 0, injected: 0 });
    expect(byName.legacy.dataplane).toBe('none');
    expect(byName.api.dataplane).toBe('ambient');
    expect(byName.plain.dataplane).toBe('none');
  });

  it('reports ambient pods from the CNI annotation', () => {
    const [w] = workloads([
      pod('p', 'shop', APP, {
        annotations: { 'ambient.istio.io/redirection': 'enabled' },
      }),
    ]);
    expect(w.dataplane).toBe('ambient');
  });

  it('lists the Services of the namespace whose selector matches the template', () => {
    const [w] = workloads([
      deployment('reviews', 'shop', { ...APP, version: 'v1' }),
      service('reviews', 'shop', APP),
      service('reviews-v1', 'shop', { ...APP, version: 'v1' }),
      service('reviews-v2', 'shop', { ...APP, version: 'v2' }),
      service('elsewhere', 'other', APP),
      service('headless-no-selector', 'shop', {}),
    ]);
    expect(w.services).toEqual(['reviews', 'reviews-v1']);
  });

  it('sorts by namespace, then name', () => {
    const list = workloads([
      deployment('b', 'z', {}),
      deployment('a', 'z', {}),
      deployment('c', 'a', {}),
    ]);
    expect(list.map(w => `${w.namespace}/${w.name}`)).toEqual([
      'a/c',
      'z/a',
      'z/b',
    ]);
  });

  it('does not throw on malformed workloads', () => {
    const bad: KubeObject[] = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x', namespace: 's' },
        spec: { template: 'nope' },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 's' },
        spec: { containers: 3 },
      },
    ];
    expect(() => workloads(bad)).not.toThrow();
    expect(workloads(bad)).toHaveLength(2);
  });

  it('handles 5,000 pods quickly', () => {
    const objects: KubeObject[] = [
      namespace('big', { 'istio-injection': 'enabled' }),
    ];
    for (let d = 0; d < 500; d++) {
      const labels = { app: `app-${d}` };
      objects.push(
        deployment(`app-${d}`, 'big', labels),
        replicaSet(`app-${d}-h`, 'big', `app-${d}`),
      );
      objects.push(service(`app-${d}`, 'big', labels));
      for (let p = 0; p < 10; p++) {
        objects.push(
          pod(`app-${d}-h-${p}`, 'big', labels, {
            owner: { kind: 'ReplicaSet', name: `app-${d}-h` },
            sidecar: 'container',
          }),
        );
      }
    }
    const started = Date.now();
    const list = workloads(objects);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(list).toHaveLength(500);
    expect(
      list.every(w => w.pods.total === 10 && w.services.length === 1),
    ).toBe(true);
  });
});

describe('targetPortOf', () => {
  it('resolves named target ports from the pod template', () => {
    const spec = {
      containers: [
        { name: 'app', ports: [{ name: 'web', containerPort: 8080 }] },
      ],
    };
    expect(targetPortOf({ port: 80, targetPort: 'web' }, spec)).toBe(8080);
    expect(targetPortOf({ port: 80, targetPort: 9090 }, spec)).toBe(9090);
    expect(targetPortOf({ port: 80 }, spec)).toBe(80);
    expect(targetPortOf({ port: 80, targetPort: 'missing' }, spec)).toBe(
      'missing',
    );
  });
});
