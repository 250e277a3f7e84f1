import { buildSnapshot } from '@meshportal/plugin-istio-common';
import { HostIndex, ServiceTrafficIndex } from './serviceTraffic';

describe('HostIndex', () => {
  it('finds exact and wildcard hosts covering a service, in insertion order', () => {
    const index = new HostIndex<string>();
    index.add('all', ['*']);
    index.add('checkout', ['checkout.shop.svc.cluster.local']);
    index.add('shop-wide', ['*.shop.svc.cluster.local']);
    index.add('other', [
      'ledger.legacy.svc.cluster.local',
      '*.legacy.svc.cluster.local',
    ]);
    index.add('twice', [
      'checkout.shop.svc.cluster.local',
      'checkout.shop.svc.cluster.local',
    ]);
    expect(index.covering('checkout.shop.svc.cluster.local')).toEqual([
      'all',
      'checkout',
      'shop-wide',
      'twice',
    ]);
    expect(index.covering('ledger.legacy.svc.cluster.local')).toEqual([
      'all',
      'other',
    ]);
  });
});

describe('ServiceTrafficIndex', () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'reviews', namespace: 'prod' },
    spec: { selector: { app: 'reviews' }, ports: [{ port: 9080 }] },
  };
  const virtualService = (name: string, host: string) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'prod' },
    spec: { hosts: [host], http: [{ route: [{ destination: { host } }] }] },
  });
  const destinationRule = (name: string, host: string) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, namespace: 'prod' },
    spec: { host },
  });
  const objects = [
    service,
    virtualService('short', 'reviews'),
    virtualService('fqdn', 'reviews.prod.svc.cluster.local'),
    // Istio's ResolveShortnameToFQDN keeps any host with a dot as written,
    // so these name hosts that do not exist and apply to nothing.
    virtualService('two-labels', 'reviews.prod'),
    virtualService('svc-suffix', 'reviews.prod.svc'),
    destinationRule('short', 'reviews'),
    destinationRule('two-labels', 'reviews.prod'),
  ];
  const attached = (clusterDomain?: string) => {
    const { snapshot } = buildSnapshot(objects, { clusterDomain });
    const found = new ServiceTrafficIndex(snapshot).forService(
      'prod',
      'reviews',
    );
    return {
      virtualServices: found.virtualServices.map(v => v.name),
      destinationRules: found.destinationRules.map(d => d.name),
    };
  };

  it('attaches routes and rules to a Service only where Istio does', () => {
    expect(attached()).toEqual({
      virtualServices: ['short', 'fqdn'],
      destinationRules: ['short'],
    });
  });

  it("resolves hosts in the cluster's own domain", () => {
    const { snapshot } = buildSnapshot(objects, {
      clusterDomain: 'corp.internal',
    });
    const view = new ServiceTrafficIndex(snapshot).forService('prod', 'reviews')
      .virtualServices[0];
    expect(view.hosts).toEqual(['reviews.prod.svc.corp.internal']);
    // The cluster.local FQDN is another host there.
    expect(attached('corp.internal')).toEqual({
      virtualServices: ['short'],
      destinationRules: ['short'],
    });
  });
});
