import { AnalysisContext } from '../../analysis/types';
import { KubeObject } from '../../model/resources';
import { buildSnapshot } from '../../model/snapshot';
import { istioctlAnalyzers } from '.';

/**
 * A healthy mesh of about 20,000 objects: 40 injected namespaces of 100
 * apps (Deployment, Service, two injected pods), every fourth app with a
 * VirtualService, DestinationRule, AuthorizationPolicy and Sidecar, and one
 * Gateway per namespace whose ingress pods are not part of the input.
 */
function largeMesh(): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let n = 0; n < 40; n++) {
    const ns = `team-${n}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'istio-injection': 'enabled' } },
    });
    for (let a = 0; a < 100; a++) {
      const app = `app-${a}`;
      const labels = { app, version: 'v1' };
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: app, namespace: ns },
        spec: {
          template: {
            metadata: { labels },
            spec: { containers: [{ name: app }] },
          },
        },
      });
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace: ns },
        spec: { selector: { app }, ports: [{ name: 'http', port: 80 }] },
      });
      for (let p = 0; p < 2; p++) {
        objects.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${app}-${p}`, namespace: ns, labels },
          spec: {
            containers: [
              { name: app },
              { name: 'istio-proxy', image: 'proxyv2' },
            ],
          },
        });
      }
      if (a % 4 !== 0) continue;
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: app, namespace: ns },
        spec: {
          hosts: [app],
          exportTo: a % 8 === 0 ? ['.'] : undefined,
          http: [{ route: [{ destination: { host: app, subset: 'v1' } }] }],
        },
      });
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: app, namespace: ns },
        spec: {
          host: app,
          subsets: [{ name: 'v1', labels: { version: 'v1' } }],
        },
      });
      objects.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: app, namespace: ns },
        spec: {
          selector: { matchLabels: { app } },
          rules: [{ from: [{ source: { namespaces: ['team-*'] } }] }],
        },
      });
      objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: app, namespace: ns },
        spec: { workloadSelector: { labels: { app } } },
      });
    }
    objects.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: ns },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 443 }, hosts: [`${ns}.example.com`] }],
      },
    });
  }
  return objects;
}

describe('istioctl analyzers at scale', () => {
  it('index and analyze a 20k-object mesh well within the 2 s budget, reporting only what is wrong', () => {
    const objects = largeMesh();
    expect(objects.length).toBeGreaterThan(20000);
    const started = Date.now();
    const { snapshot } = buildSnapshot(objects);
    // These analyzers never need the posture; fail loudly if one asks.
    const context: AnalysisContext = {
      snapshot,
      get posture(): never {
        throw new Error('posture not expected');
      },
    };
    const findings = istioctlAnalyzers.flatMap(a => a.analyze(context));
    const elapsed = Date.now() - started;

    expect(elapsed).toBeLessThan(2000);
    // The only defect in this mesh: no ingress gateway pod for the Gateways.
    expect(new Set(findings.map(f => `${f.code} ${f.ref.kind}`))).toEqual(
      new Set(['IST0101 Gateway']),
    );
    expect(findings).toHaveLength(40);
  });
});
