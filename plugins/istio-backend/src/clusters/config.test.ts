import { ConfigReader } from '@backstage/config';
import { readIstioClusters } from './config';

const kubernetes = {
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'prod',
          url: 'https://prod.example.com:6443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'prod-token',
          caData: 'Q0E=',
        },
        {
          name: 'dev',
          url: 'https://dev.example.com',
          authProvider: 'serviceAccount',
        },
      ],
    },
  ],
};

describe('readIstioClusters', () => {
  it('inherits connection settings from the Kubernetes plugin by cluster name', () => {
    const [prod] = readIstioClusters(
      new ConfigReader({
        kubernetes,
        istio: {
          clusters: [{ name: 'prod', kialiUrl: 'https://kiali.example.com/' }],
        },
      }),
    );
    expect(prod).toMatchObject({
      name: 'prod',
      url: 'https://prod.example.com:6443',
      authProvider: 'serviceAccount',
      serviceAccountToken: 'prod-token',
      caData: 'Q0E=',
      kialiUrl: 'https://kiali.example.com',
      meshRootNamespace: 'istio-system',
      skipTLSVerify: false,
    });
  });

  it('reads every config-located Kubernetes cluster when istio.clusters is absent', () => {
    const clusters = readIstioClusters(new ConfigReader({ kubernetes }));
    expect(clusters.map(c => c.name)).toEqual(['prod', 'dev']);
  });

  it('reads a cluster domain per cluster and refuses one that is not a DNS name', () => {
    const read = (clusterDomain?: string) =>
      readIstioClusters(
        new ConfigReader({
          istio: {
            clusters: [
              { name: 'demo', snapshotPaths: ['/tmp'], clusterDomain },
            ],
          },
        }),
      )[0].clusterDomain;
    expect(read('corp.internal')).toBe('corp.internal');
    // Unset, the engine uses Kubernetes' default, cluster.local.
    expect(read()).toBeUndefined();
    expect(() => read('Corp_Internal')).toThrow(
      'istio cluster demo: clusterDomain "Corp_Internal" must be a DNS name',
    );
  });

  it('reads the proxy restart threshold and refuses one that is not a whole number from 1', () => {
    const read = (proxyRestartThreshold?: number) =>
      readIstioClusters(
        new ConfigReader({
          istio: {
            clusters: [
              { name: 'demo', snapshotPaths: ['/tmp'], proxyRestartThreshold },
            ],
          },
        }),
      )[0].proxyRestartThreshold;
    expect(read(5)).toBe(5);
    expect(read()).toBeUndefined();
    for (const bad of [0, 2.5, -1]) {
      expect(() => read(bad)).toThrow(
        `istio cluster demo: proxyRestartThreshold must be a whole number from 1 (got ${bad})`,
      );
    }
  });

  it('accepts a cluster given only as files', () => {
    const [files] = readIstioClusters(
      new ConfigReader({
        istio: { clusters: [{ name: 'demo', snapshotPaths: ['/tmp/demo'] }] },
      }),
    );
    expect(files).toMatchObject({ name: 'demo', snapshotPaths: ['/tmp/demo'] });
  });

  it.each([
    [{ name: 'x' }, /needs a url/],
    [{ name: 'x', url: 'https://a', authProvider: 'oidc' }, /not supported/],
    [
      { name: 'x', url: 'https://a', kialiUrl: 'file:///etc/passwd' },
      /http\(s\)/,
    ],
    [{ name: 'x', url: 'https://a', grafanaUrl: 'not a url' }, /not a URL/],
  ])('rejects invalid cluster %j', (cluster, message) => {
    expect(() =>
      readIstioClusters(new ConfigReader({ istio: { clusters: [cluster] } })),
    ).toThrow(message);
  });

  it('reads the credentials and CA of a Prometheus behind auth', () => {
    const [cluster] = readIstioClusters(
      new ConfigReader({
        istio: {
          clusters: [
            {
              name: 'x',
              url: 'https://a',
              prometheusUrl: 'https://thanos.example.com',
              prometheus: {
                basicAuth: { username: 'reader', password: 'p' },
                caFile: '/etc/ssl/thanos-ca.pem',
              },
            },
          ],
        },
      }),
    );
    expect(cluster.prometheus).toEqual({
      bearerToken: undefined,
      username: 'reader',
      password: 'p',
      caData: undefined,
      caFile: '/etc/ssl/thanos-ca.pem',
    });
  });

  it('lists every problem of a prometheus block at once', () => {
    const read = () =>
      readIstioClusters(
        new ConfigReader({
          istio: {
            clusters: [
              {
                name: 'x',
                url: 'https://a',
                prometheus: {
                  bearerToken: 't',
                  basicAuth: { username: 'reader' },
                  caData: 'Q0E=',
                  caFile: '/ca.pem',
                },
              },
            ],
          },
        }),
      );
    expect(read).toThrow(
      'istio cluster x: prometheus is set without prometheusUrl; give prometheus.bearerToken or prometheus.basicAuth, not both; prometheus.basicAuth needs a username and a password; give prometheus.caData or prometheus.caFile, not both',
    );
  });

  it('rejects duplicate names', () => {
    expect(() =>
      readIstioClusters(
        new ConfigReader({
          istio: {
            clusters: [
              { name: 'a', url: 'https://a' },
              { name: 'a', url: 'https://b' },
            ],
          },
        }),
      ),
    ).toThrow(/duplicate/);
  });
});
