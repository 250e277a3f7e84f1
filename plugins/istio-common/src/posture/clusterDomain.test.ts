import { analyzeMesh } from '../analysis/analyzeMesh';
import { clusterDomainProblem } from '../model/clusterDomain';
import { KubeObject } from '../model/resources';
import { buildSnapshot } from '../model/snapshot';
import { meshIndex, namespaceOfHost, resolveHost } from './meshIndex';
import { deployment, destinationRule, namespace, service } from './testObjects';

const routeTo = (name: string, host: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'shop' },
  spec: { hosts: [name], http: [{ route: [{ destination: { host } }] }] },
});

const objects: KubeObject[] = [
  namespace('shop', { 'istio-injection': 'enabled' }),
  deployment('reviews', 'shop', { app: 'reviews' }),
  service('reviews', 'shop', { app: 'reviews' }),
  destinationRule('reviews', 'shop', 'reviews', { tls: { mode: 'DISABLE' } }),
  routeTo('short', 'reviews'),
  routeTo('default-domain', 'reviews.shop.svc.cluster.local'),
  routeTo('own-domain', 'reviews.shop.svc.corp.internal'),
];

const unknownHosts = (clusterDomain?: string) =>
  analyzeMesh(objects, { clusterDomain })
    .findings.filter(f => f.code === 'IST0101')
    .map(f => f.resource)
    .sort();

describe('cluster domain', () => {
  it('names Services and resolves short hosts in the configured domain', () => {
    const { snapshot } = buildSnapshot(objects, {
      clusterDomain: 'corp.internal',
    });
    expect(snapshot.clusterDomain).toBe('corp.internal');
    expect([...meshIndex(snapshot).serviceByHost.keys()]).toEqual([
      'reviews.shop.svc.corp.internal',
    ]);
    expect(resolveHost('reviews', 'shop', 'corp.internal')).toBe(
      'reviews.shop.svc.corp.internal',
    );
    expect(
      namespaceOfHost('reviews.shop.svc.corp.internal', 'corp.internal'),
    ).toBe('shop');
    expect(
      namespaceOfHost('reviews.shop.svc.cluster.local', 'corp.internal'),
    ).toBe(undefined);
  });

  it("applies a short-host DestinationRule to the Service's FQDN in that domain", () => {
    const report = analyzeMesh(objects, { clusterDomain: 'corp.internal' });
    expect(report.clientTls).toEqual([
      expect.objectContaining({
        host: 'reviews.shop.svc.corp.internal',
        destinationRule: 'shop/reviews',
        mode: 'DISABLE',
      }),
    ]);
  });

  it('reports routes written for another domain as unknown hosts', () => {
    expect(unknownHosts('corp.internal')).toEqual([
      'VirtualService shop/default-domain',
    ]);
    // Omitted, the domain is Kubernetes' default.
    expect(unknownHosts()).toEqual(['VirtualService shop/own-domain']);
  });

  it('accepts DNS names only', () => {
    expect(clusterDomainProblem('cluster.local')).toBeUndefined();
    expect(clusterDomainProblem('corp-1.internal')).toBeUndefined();
    for (const bad of ['', 'Cluster.Local', '.local', 'a..b', 'a_b', 7]) {
      expect(clusterDomainProblem(bad)).toMatch(/must be a DNS name/);
    }
  });
});
