import { KubeObject } from '@meshportal/plugin-istio-common';
import {
  CounterSeries,
  counterValue,
  openMetricsChunks,
  sampleTimes,
  telemetryWorkloads,
  TrafficEdge,
  trafficSeries,
} from './meshTelemetry';

const NOW_S = 1_800_000_000;

function workload(namespace: string, name: string, proxied: boolean) {
  const labels = { app: name, version: 'v1' };
  const objects: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [] } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${name}-1`, namespace, labels },
      spec: {
        containers: [
          { name },
          ...(proxied
            ? [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.2' }]
            : []),
        ],
      },
      status: { podIP: '10.0.0.1' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: { app: name } },
    },
  ];
  return objects;
}

const mesh = telemetryWorkloads([
  ...workload('shop', 'checkout', true),
  ...workload('shop', 'frontend', true),
  ...workload('legacy', 'batch', false),
  ...workload('db', 'postgres', false),
]);

const seriesOf = (edges: TrafficEdge[], days = 1, seed = 1) =>
  trafficSeries(mesh, { seed, days, edges }, NOW_S);

const byReporter = (series: CounterSeries[], reporter: string) =>
  series.filter(s => s.labels.reporter === reporter);

describe('Istio metrics for a mesh snapshot', () => {
  it('reads which workloads run a proxy and which Service fronts them', () => {
    expect(mesh.get('shop/checkout')).toMatchObject({
      proxied: true,
      service: 'checkout.shop.svc.cluster.local',
      instance: '10.0.0.1:15090',
    });
    expect(mesh.get('legacy/batch')?.proxied).toBe(false);
  });

  it('labels each side as its proxy sees it', () => {
    const series = seriesOf([
      {
        from: 'shop/frontend',
        to: 'shop/checkout',
        protocol: 'http',
        perMinute: 60,
      },
      {
        from: 'legacy/batch',
        to: 'shop/checkout',
        protocol: 'http',
        perMinute: 6,
      },
      {
        from: 'shop/frontend',
        to: 'db/postgres',
        protocol: 'tcp',
        perMinute: 1,
      },
      {
        from: 'shop/checkout',
        to: 'shop/frontend',
        protocol: 'grpc',
        perMinute: 1,
        plaintext: true,
      },
    ]);
    const server = byReporter(series, 'destination').map(s => [
      s.labels.source_workload,
      s.labels.destination_workload,
      s.labels.connection_security_policy,
      s.labels.source_principal,
    ]);
    // Successes and errors of each call the server's proxy sees; postgres has none.
    expect(new Set(server.map(l => l.join(' ')))).toEqual(
      new Set([
        'frontend checkout mutual_tls spiffe://cluster.local/ns/shop/sa/default',
        // No proxy on the caller: no peer metadata, no certificate.
        'unknown checkout none unknown',
        // A proxy told to send plaintext still names its workload.
        'checkout frontend none unknown',
      ]),
    );
    // The client's copy never knows the handshake; a caller without a proxy reports nothing.
    const client = byReporter(series, 'source');
    expect(
      client.every(s => s.labels.connection_security_policy === 'unknown'),
    ).toBe(true);
    expect(client.some(s => s.labels.source_workload === 'batch')).toBe(false);
    expect(
      client
        .filter(s => s.labels.destination_workload === 'postgres')
        .map(s => s.metric)
        .sort(),
    ).toEqual([
      'istio_tcp_connections_closed_total',
      'istio_tcp_connections_opened_total',
    ]);
  });

  it('names every workload of the story the snapshot lacks', () => {
    expect(() =>
      seriesOf([
        {
          from: 'shop/cart',
          to: 'shop/checkout',
          protocol: 'http',
          perMinute: 1,
        },
        {
          from: 'outside',
          to: 'shop/basket',
          protocol: 'tcp',
          perMinute: 1,
        },
      ]),
    ).toThrow(
      'the traffic story does not match the mesh: no workload shop/cart, no workload shop/basket',
    );
  });

  it('grows each counter at the average rate over a day, and never backwards', () => {
    const [series] = seriesOf(
      [
        {
          from: 'shop/frontend',
          to: 'shop/checkout',
          protocol: 'http',
          perMinute: 120,
        },
      ],
      3,
      7,
    );
    const day =
      counterValue(series, NOW_S) - counterValue(series, NOW_S - 86_400);
    expect(day / 1440).toBeGreaterThan(series.perSecond * 60 * 0.99);
    expect(day / 1440).toBeLessThan(series.perSecond * 60 * 1.01);
    const times = sampleTimes(series.startS, NOW_S);
    const values = times.map(t => counterValue(series, t));
    expect(values.every((v, i) => i === 0 || v >= values[i - 1])).toBe(true);
    // Hourly, then every five minutes over the last 26 hours.
    expect(times[1] - times[0]).toBe(3600);
    expect(times[times.length - 1] - times[times.length - 2]).toBe(300);
    expect(times[times.length - 1]).toBe(NOW_S);
  });

  it('writes OpenMetrics promtool reads: one family at a time, then EOF', () => {
    const series = seriesOf([
      {
        from: 'shop/frontend',
        to: 'db/postgres',
        protocol: 'tcp',
        perMinute: 1,
      },
    ]);
    const text = [...openMetricsChunks(series, [NOW_S - 60, NOW_S])].join('');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('# TYPE istio_tcp_connections_opened counter');
    expect(lines[lines.length - 1]).toBe('# EOF');
    expect(lines.filter(l => l.startsWith('# TYPE'))).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(
        `^istio_tcp_connections_opened_total\\{.*reporter="source".*\\} \\d+ ${
          NOW_S - 60
        }$`,
      ),
    );
  });
});
