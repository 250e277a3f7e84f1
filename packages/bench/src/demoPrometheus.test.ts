import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireRealPart } from '@meshportal/test-parts';
import { DemoPrometheus, startDemoPrometheus } from './demoPrometheus';

/*
 * The demo's Prometheus, started as scripts/start.sh starts it (Debian's
 * binaries, promtool's backfill, the live scrape) on the Harbor Bank
 * snapshot and traffic story, with two days instead of thirty to stay quick.
 * The PromQL is the kind the backend sends: destination-reported traffic per
 * caller over a day.
 */

jest.setTimeout(180_000);

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const REPO = join(__dirname, '../../..');

const describeWithPrometheus = requireRealPart(
  `Prometheus (${PROMETHEUS}, ${PROMTOOL})`,
  existsSync(PROMETHEUS) && existsSync(PROMTOOL),
  "install Debian's prometheus (scripts/env.sh does)",
);

describeWithPrometheus('the demo Prometheus on the Harbor Bank mesh', () => {
  let prometheus: DemoPrometheus;

  const query = async (promql: string) => {
    const res = await fetch(
      `${prometheus.url}/api/v1/query?${new URLSearchParams({
        query: promql,
      })}`,
    );
    const body = (await res.json()) as any;
    if (body.status !== 'success') throw new Error(JSON.stringify(body));
    return body.data.result as Array<{
      metric: Record<string, string>;
      value: [number, string];
    }>;
  };
  /** Callers of the workloads matched, over the last day, as the server reported them. */
  const callers = async (matchers: string) =>
    (
      await query(
        `sum by (destination_workload, source_workload_namespace, source_workload, connection_security_policy) (increase(istio_requests_total{reporter="destination",${matchers}}[24h]))`,
      )
    ).map(r => ({
      source: `${r.metric.source_workload_namespace}/${r.metric.source_workload}`,
      policy: r.metric.connection_security_policy,
      count: Number(r.value[1]),
    }));

  beforeAll(async () => {
    prometheus = await startDemoPrometheus({
      snapshot: join(REPO, 'examples/mesh/harbor-bank'),
      story: join(REPO, 'examples/telemetry/harbor-bank-traffic.yaml'),
      days: 2,
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('has ledger-service called in plaintext by the legacy export batch job only', async () => {
    const ledger = await callers('destination_workload="ledger-service"');
    const plaintext = ledger.filter(c => c.policy === 'none');
    expect(plaintext.map(c => c.source)).toEqual([
      'channels/ledger-export-batch',
    ]);
    // About 12 calls a minute over the day.
    expect(plaintext[0].count).toBeGreaterThan(12 * 1440 * 0.9);
    expect(plaintext[0].count).toBeLessThan(12 * 1440 * 1.1);
    expect(
      ledger
        .filter(c => c.policy === 'mutual_tls')
        .map(c => c.source)
        .sort(),
    ).toEqual([
      'ledger/reconciliation',
      'ledger/statements',
      'payments/payments-api-v1',
      'payments/payments-api-v2',
    ]);
  });

  it('has a caller from outside the mesh into channels, and payments reached over mTLS only', async () => {
    const notifications = await callers('destination_workload="notifications"');
    expect(notifications).toContainEqual(
      expect.objectContaining({ source: 'unknown/unknown', policy: 'none' }),
    );
    const payments = await callers('destination_workload_namespace="payments"');
    expect(payments.length).toBeGreaterThan(0);
    expect(new Set(payments.map(c => c.policy))).toEqual(
      new Set(['mutual_tls']),
    );
  });

  it('has nothing on statements, which nobody calls, nor on core-banking, which runs no proxy', async () => {
    expect(await callers('destination_workload="statements"')).toEqual([]);
    expect(
      await query(
        'istio_requests_total{reporter="destination",destination_workload_namespace="core-banking"}',
      ),
    ).toEqual([]);
  });

  it('keeps the counters growing after the backfill through its scrape', async () => {
    let up: Awaited<ReturnType<typeof query>> = [];
    for (let i = 0; i < 80 && !up.length; i++) {
      up = await query('up{job="kubernetes-pods"} == 1');
      if (!up.length) await new Promise(r => setTimeout(r, 500));
    }
    expect(up).toHaveLength(1);
    const [latest] = await query(
      'max(timestamp(istio_requests_total{destination_workload="ledger-service"}))',
    );
    expect(Number(latest.value[1])).toBeGreaterThan(prometheus.historyEndS);
    // The scrape wrote to the backfilled series themselves, adding none.
    const [count] = await query('count({__name__=~"istio_.+"})');
    expect(Number(count.value[1])).toBe(prometheus.series);
  });
});
