import { mockServices } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { PrometheusClient, promString } from './PrometheusClient';
import { TelemetryService } from './TelemetryService';

const logger = mockServices.logger.mock();
const NOW_S = 1_800_000_000;

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
      const workload = {
        destination_workload_namespace: 'shop',
        destination_workload: 'checkout',
      };
      if (
        query.startsWith('sum by') &&
        query.includes('increase(istio_requests_total')
      ) {
        res.end(vector([{ metric: caller, value: [1, '12.4'] }]));
      } else if (query.startsWith('sum by')) {
        res.end(
          vector([
            { metric: caller, value: [1, '3'] },
            {
              metric: { ...caller, source_workload: 'idle' },
              value: [1, '0'],
            },
          ]),
        );
      } else if (query.startsWith('min by')) {
        res.end(
          vector([{ metric: workload, value: [1, String(NOW_S - 1800)] }]),
        );
      } else if (query.includes('connection_security_policy="none"')) {
        res.end(vector([{ metric: workload, value: [1, String(NOW_S - 60)] }]));
      } else {
        res.end(vector([{ metric: workload, value: [1, String(NOW_S - 15)] }]));
      }
    });
    const telemetry = new TelemetryService(
      new Map([['prod', new PrometheusClient(prometheus.url, 2000)]]),
      '30m',
      logger,
      () => NOW_S * 1000,
    );
    const traffic = await telemetry.inbound('prod', {
      namespace: 'shop',
      workload: 'checkout',
    });
    const at = (s: number) => new Date(s * 1000).toISOString();
    expect(traffic).toEqual({
      available: true,
      window: '30m',
      windowSeconds: 1800,
      observedAt: at(NOW_S),
      evidence: [
        {
          namespace: 'shop',
          workload: 'checkout',
          observedSince: at(NOW_S - 1800),
          observedUntil: at(NOW_S - 15),
          // No destination_port label: one row for all ports.
          ports: [
            {
              requests: 13,
              mtlsRequests: 0,
              tcpConnections: 3,
              mtlsTcpConnections: 0,
              requestsMtlsShare: 0,
              tcpMtlsShare: 0,
              lastPlaintextAt: at(NOW_S - 60),
            },
          ],
        },
      ],
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
    expect(queries).toHaveLength(5);
    expect(queries.join('\n')).toContain(
      'increase(istio_requests_total{reporter="destination",destination_workload_namespace="shop",destination_workload="checkout"}[30m])',
    );
    expect(queries.join('\n')).toContain('istio_tcp_connections_opened_total');

    // Cached: a second call within a minute asks Prometheus nothing.
    await telemetry.inbound('prod', {
      namespace: 'shop',
      workload: 'checkout',
    });
    expect(queries).toHaveLength(5);
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
      windowSeconds: 3600,
      reason: 'no prometheusUrl configured for this cluster',
      callers: [],
      sources: [],
    });
    expect(() => new TelemetryService(new Map(), '1 hour', logger)).toThrow(
      /Prometheus duration/,
    );
  });
});
