import { LinkBuilder } from './links';

const config = {
  kialiUrl: 'https://kiali.example.com',
  grafanaUrl: 'https://grafana.example.com',
  grafanaDashboards: { service: 'svc-uid', workload: 'wl-uid' },
  tracingUrl: 'https://jaeger.example.com',
};

describe('LinkBuilder', () => {
  it('builds Kiali, Grafana and tracing links for a workload', () => {
    expect(new LinkBuilder(config).workload('shop', 'checkout')).toEqual({
      kiali:
        'https://kiali.example.com/console/namespaces/shop/workloads/checkout?tab=info',
      grafana:
        'https://grafana.example.com/d/wl-uid?var-namespace=shop&var-workload=checkout',
      tracing: 'https://jaeger.example.com/search?service=checkout.shop',
    });
  });

  it('uses the service FQDN for the Grafana service dashboard', () => {
    expect(new LinkBuilder(config).service('shop', 'checkout').grafana).toBe(
      'https://grafana.example.com/d/svc-uid?var-service=checkout.shop.svc.cluster.local&var-namespace=shop',
    );
    expect(
      new LinkBuilder({ ...config, clusterDomain: 'corp.internal' }).service(
        'shop',
        'checkout',
      ).grafana,
    ).toBe(
      'https://grafana.example.com/d/svc-uid?var-service=checkout.shop.svc.corp.internal&var-namespace=shop',
    );
  });

  it('adds clusterName only when configured, and keeps an existing /console', () => {
    const links = new LinkBuilder({
      ...config,
      kialiUrl: 'https://mesh.example.com/kiali/console',
      kialiClusterName: 'east',
    });
    expect(links.namespace('shop').kiali).toBe(
      'https://mesh.example.com/kiali/console/namespaces/shop?clusterName=east',
    );
    expect(links.graph(['shop', 'legacy'])).toBe(
      'https://mesh.example.com/kiali/console/graph/namespaces?namespaces=shop%2Clegacy&clusterName=east',
    );
  });

  it('encodes names so they cannot change the host or the path', () => {
    const links = new LinkBuilder(config).workload(
      'a/../../evil',
      'x?y=1#@attacker.example',
    );
    for (const url of Object.values(links)) {
      expect(new URL(url!).host).not.toContain('attacker');
      expect(url).not.toContain('/../');
    }
    expect(links.kiali).toBe(
      'https://kiali.example.com/console/namespaces/a%2F..%2F..%2Fevil/workloads/x%3Fy%3D1%23%40attacker.example?tab=info',
    );
  });

  it('gives no link for a tool without a configured base URL', () => {
    const links = new LinkBuilder({ grafanaDashboards: {} });
    expect(links.workload('shop', 'checkout')).toEqual({
      kiali: undefined,
      grafana: undefined,
      tracing: undefined,
    });
    expect(links.graph(['shop'])).toBeUndefined();
  });

  it('leaves out Grafana workload links when the dashboard uid is unknown', () => {
    const links = new LinkBuilder({ ...config, grafanaDashboards: {} });
    expect(links.workload('shop', 'checkout').grafana).toBeUndefined();
    expect(links.namespace('shop').grafana).toBe(
      'https://grafana.example.com/d/1a9a8ea49444aae205c7737573e894f9',
    );
  });
});
