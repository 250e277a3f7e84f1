import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PrometheusClient, promString } from './PrometheusClient';
import { TelemetryService } from './TelemetryService';

const logger = mockServices.logger.mock();

/** A local HTTP server standing in for Prometheus. */
async function fakePrometheus(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const vector = (result: unknown[]) =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });

describe('promString', () => {
  it('escapes quotes and backslashes so a name cannot end the matcher', () => {
    expect(promString('a"} or vector(1) #')).toBe('"a\\"} or vector(1) #"');
    expect(promString('back\\slash')).toBe('"back\\\\slash"');
  });
});

describe('TelemetryService', () => {
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>> | undefined;
  afterEach(async () => {
    await prometheus?.close();
    prometheus = undefined;
  });

  it('merges request and TCP counts per caller and security policy', async () => {
    const queries: string[] = [];
    prometheus = await fakePrometheus((req, res) => {
      const query = new URL(req.url!, 'http://x').searchParams.get('query')!;
      queries.push(query);
      const caller = {
        destination_workload_namespace: 'shop',
        destination_workload: 'checkout',
        source_workload_namespace: 'legacy',
        source_workload: 'ledger',
        connection_security_policy: 'none',
      };
      res.end(
        query.includes('istio_requests_total')
          ? vector([{ metric: caller, value: [1, '12.4'] }])
          : vector([
              { metric: caller, value: [1, '3'] },
              {
                metric: { ...caller, source_workload: 'idle' },
                value: [1, '0'],
              },
            ]),
      );
    });
    const telemetry = new TelemetryService(
      new Map([['prod', new PrometheusClient(prometheus.url, 2000)]]),
      '30m',
      logger,
    );
    const traffic = await telemetry.inbound('prod', {
      namespace: 'shop',
      workload: 'checkout',
    });
    expect(traffic).toEqual({
      available: true,
      window: '30m',
      callers: [
        {
          destinationNamespace: 'shop',
          destinationWorkload: 'checkout',
          sourceNamespace: 'legacy',
          sourceWorkload: 'ledger',
          securityPolicy: 'none',
          requests: 13,
          tcpConnections: 3,
        },
      ],
      sources: [
        {
          sourceNamespace: 'legacy',
          sourceWorkload: 'ledger',
          requests: 13,
          tcpConnections: 3,
          mtlsShare: 0,
        },
      ],
    });
    expect(queries).toHaveLength(2);
    expect(queries.join('\n')).toContain(
      'increase(istio_requests_total{reporter="destination",destination_workload_namespace="shop",destination_workload="checkout"}[30m])',
    );
    expect(queries.join('\n')).toContain('istio_tcp_connections_opened_total');

    // Cached: a second call within a minute asks Prometheus nothing.
    await telemetry.inbound('prod', {
      namespace: 'shop',
      workload: 'checkout',
    });
    expect(queries).toHaveLength(2);
  });

  it('marks telemetry unavailable when Prometheus is too slow or failing', async () => {
    prometheus = await fakePrometheus((req, res) => {
      if (req.url!.includes('slow')) return; // never answers
      res.statusCode = 503;
      res.end('down');
    });
    const slow = new TelemetryService(
      new Map([['prod', new PrometheusClient(`${prometheus.url}/slow`, 100)]]),
      '1h',
      logger,
    );
    const started = Date.now();
    const timedOut = await slow.inbound('prod');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(timedOut).toMatchObject({ available: false, callers: [] });
    expect(timedOut.reason).toMatch(/Prometheus query failed/);

    const failing = new TelemetryService(
      new Map([['prod', new PrometheusClient(prometheus.url, 1000)]]),
      '1h',
      logger,
    );
    expect(await failing.inbound('prod')).toMatchObject({
      available: false,
      reason: 'Prometheus query failed: Prometheus answered HTTP 503',
    });
  });

  it('says why when a cluster has no Prometheus, and rejects a bad window', async () => {
    const telemetry = new TelemetryService(new Map(), '1h', logger);
    expect(await telemetry.inbound('prod')).toEqual({
      available: false,
      window: '1h',
      reason: 'no prometheusUrl configured for this cluster',
      callers: [],
      sources: [],
    });
    expect(() => new TelemetryService(new Map(), '1 hour', logger)).toThrow(
      /Prometheus duration/,
    );
  });
});
