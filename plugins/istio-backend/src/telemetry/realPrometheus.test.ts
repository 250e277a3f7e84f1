import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { TestCertificate, testCertificate } from '@meshportal/kube-test-server';
import { requireRealPart } from '@meshportal/test-parts';
import { AdoptionService } from '../adoption/AdoptionService';
import { SnapshotFileSource } from '../clusters/SnapshotFileSource';
import { MeshPostureService } from '../posture/MeshPostureService';
import { PrometheusClient } from './PrometheusClient';
import { TelemetryService } from './TelemetryService';

/*
 * Telemetry against the real Prometheus binary: Istio-shaped counters are
 * written as OpenMetrics, turned into TSDB blocks by promtool, and served by
 * a Prometheus started on them, so the PromQL the plugin sends is evaluated
 * by the real engine (increase(), sum by, label matching).
 */

jest.setTimeout(60_000);

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const FIXTURE = join(__dirname, '../__fixtures__/demo');
const logger = mockServices.logger.mock();
const run = promisify(execFile);

const describeWithPrometheus = requireRealPart(
  `Prometheus (${PROMETHEUS}, ${PROMTOOL})`,
  existsSync(PROMETHEUS) && existsSync(PROMTOOL),
  "install Debian's prometheus (scripts/env.sh does)",
);

const STEP_S = 60;
const SPAN_S = 2 * 3600;

/** One counter series and its rate per minute. */
interface Series {
  metric: 'istio_requests_total' | 'istio_tcp_connections_opened_total';
  labels: Record<string, string>;
  perMinute: number;
  /** Seconds before now the series stopped growing (default: it still grows). */
  stoppedAgoS?: number;
}

const caller = (
  source: string,
  policy: 'mutual_tls' | 'none',
  destination = 'shop/checkout',
  reporter = 'destination',
) => {
  const [dns, dw] = destination.split('/');
  const [sns, sw] = source.split('/');
  return {
    reporter,
    destination_workload_namespace: dns,
    destination_workload: dw,
    destination_service: `${dw}.${dns}.svc.cluster.local`,
    source_workload_namespace: sns,
    source_workload: sw,
    source_principal:
      policy === 'mutual_tls'
        ? `spiffe://cluster.local/ns/${sns}/sa/${sw}`
        : 'unknown',
    connection_security_policy: policy,
    response_code: '200',
  };
};

const SERIES: Series[] = [
  {
    metric: 'istio_requests_total',
    labels: caller('shop/frontend', 'mutual_tls'),
    perMinute: 10,
  },
  {
    metric: 'istio_requests_total',
    labels: caller('legacy/ledger', 'mutual_tls'),
    perMinute: 3,
  },
  {
    metric: 'istio_requests_total',
    labels: caller('legacy/ledger', 'none'),
    perMinute: 2,
  },
  {
    metric: 'istio_tcp_connections_opened_total',
    labels: caller('legacy/ledger', 'none'),
    perMinute: 1,
  },
  // No proxy on the caller: Istio cannot name it.
  {
    metric: 'istio_requests_total',
    labels: caller('unknown/unknown', 'none'),
    perMinute: 1,
  },
  // The client-side copy of frontend's calls must not be counted twice.
  {
    metric: 'istio_requests_total',
    labels: caller('shop/frontend', 'mutual_tls', 'shop/checkout', 'source'),
    perMinute: 500,
  },
  // A batch job that stopped calling 90 minutes ago: outside a 1h window.
  {
    metric: 'istio_requests_total',
    labels: caller('batch/nightly-export', 'none'),
    perMinute: 50,
    stoppedAgoS: 90 * 60,
  },
  // Another destination: never part of checkout's callers.
  {
    metric: 'istio_requests_total',
    labels: caller('shop/frontend', 'none', 'shop/payments'),
    perMinute: 20,
  },
];

/** OpenMetrics text of every series sampled each minute over the last `spanS` seconds. */
function openMetrics(nowS: number, series = SERIES, spanS = SPAN_S): string {
  const lines: string[] = [];
  for (const metric of [
    'istio_requests_total',
    'istio_tcp_connections_opened_total',
  ] as const) {
    lines.push(`# TYPE ${metric.replace(/_total$/, '')} counter`);
    for (const s of series.filter(x => x.metric === metric)) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      const stopAt = nowS - (s.stoppedAgoS ?? 0);
      for (let t = nowS - spanS; t <= nowS; t += STEP_S) {
        const minutes = (Math.min(t, stopAt) - (nowS - spanS)) / 60;
        lines.push(`${metric}{${labels}} ${minutes * s.perMinute} ${t}`);
      }
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** A TCP proxy holding every chunk from the upstream for `delayMs`. */
async function delayingProxy(upstreamPort: number, delayMs: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(client => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', chunk =>
      setTimeout(() => client.writable && client.write(chunk), delayMs),
    );
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
    const destroy = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', destroy).on('close', destroy);
    upstream.on('error', destroy);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      sockets.forEach(s => s.destroy());
      await new Promise(resolve => server.close(resolve));
    },
  };
}

/** GET `/-/ready` of a Prometheus, trusting `ca` when it serves TLS. */
function isReady(url: string, ca?: string): Promise<boolean> {
  return new Promise(resolve => {
    const transport = url.startsWith('https:') ? https : http;
    const req = transport.get(`${url}/-/ready`, ca ? { ca } : {}, res => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
  });
}

interface RunningPrometheus {
  url: string;
  port: number;
  process: ChildProcess;
  /** Ends the process (SIGKILL unless `signal` says otherwise). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Writes the series as TSDB blocks with promtool and starts Prometheus on
 * them; with `tls`, Prometheus itself serves HTTPS (`--web.config.file`).
 */
async function startPrometheus(
  options: { tls?: TestCertificate; series?: Series[]; spanS?: number } = {},
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'istio-prometheus-'));
  const nowS = Math.floor(Date.now() / 1000);
  writeFileSync(
    join(dir, 'metrics.txt'),
    openMetrics(nowS, options.series, options.spanS),
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    'global:\n  scrape_interval: 1h\nscrape_configs: []\n',
  );
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    '--storage.tsdb.retention.time=30d',
  ];
  if (options.tls) {
    writeFileSync(join(dir, 'server.crt'), options.tls.certPem);
    writeFileSync(join(dir, 'server.key'), options.tls.keyPem);
    writeFileSync(
      join(dir, 'web.yml'),
      `tls_server_config:\n  cert_file: ${join(
        dir,
        'server.crt',
      )}\n  key_file: ${join(dir, 'server.key')}\n`,
    );
    args.push(`--web.config.file=${join(dir, 'web.yml')}`);
  }
  await run(PROMTOOL, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    join(dir, 'metrics.txt'),
    join(dir, 'data'),
  ]);
  const port = await freePort();
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const child = spawn(
    PROMETHEUS,
    [...args, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited: ${output.slice(-2000)}`);
    }
    if (await isReady(url, options.tls?.caPem)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus never became ready: ${output.slice(-2000)}`);
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  return { url, port, process: child, stop };
}

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};

async function postureWith(client: PrometheusClient, window = '1h') {
  const service = new MeshPostureService({
    clusters: [],
    sources: [new SnapshotFileSource('demo', [FIXTURE], logger)],
    telemetry: new TelemetryService(
      new Map([['demo', client]]),
      window,
      logger,
    ),
    logger,
  });
  await service.start();
  return service;
}

describeWithPrometheus('telemetry against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let port: number;
  let url: string;

  beforeAll(async () => {
    prometheus = await startPrometheus();
    ({ port, url } = prometheus);
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('lists callers per source workload with their mTLS share', async () => {
    const telemetry = new TelemetryService(
      new Map([['prod', new PrometheusClient(url, 5000)]]),
      '1h',
      logger,
    );
    const traffic = await telemetry.inbound('prod', {
      namespace: 'shop',
      workload: 'checkout',
    });
    expect(traffic.available).toBe(true);

    // increase() extrapolates to the window's edges: about 60 minutes' worth.
    const about = (perMinute: number) => [perMinute * 55, perMinute * 65];
    const bySource = Object.fromEntries(
      traffic.sources.map(s => [`${s.sourceNamespace}/${s.sourceWorkload}`, s]),
    );
    // Only destination-reported calls within the window, only to checkout.
    expect(Object.keys(bySource).sort()).toEqual([
      'legacy/ledger',
      'shop/frontend',
      'unknown/unknown',
    ]);

    const frontend = bySource['shop/frontend'];
    expect(frontend.mtlsShare).toBe(1);
    expect(frontend.requests).toBeGreaterThanOrEqual(about(10)[0]);
    expect(frontend.requests).toBeLessThanOrEqual(about(10)[1]);

    // ledger: 3 mTLS and 2 plaintext requests plus 1 plaintext connection a minute.
    const ledger = bySource['legacy/ledger'];
    expect(ledger.mtlsShare).toBeGreaterThan(0.45);
    expect(ledger.mtlsShare).toBeLessThan(0.55);
    expect(ledger.tcpConnections).toBeGreaterThanOrEqual(about(1)[0]);
    expect(ledger.tcpConnections).toBeLessThanOrEqual(about(1)[1]);

    expect(bySource['unknown/unknown'].mtlsShare).toBe(0);
    expect(traffic.sources[0].sourceWorkload).toBe('frontend');

    // Plaintext callers, split by security policy.
    const plaintext = traffic.callers
      .filter(c => c.securityPolicy === 'none')
      .map(c => `${c.sourceNamespace}/${c.sourceWorkload}`)
      .sort();
    expect(plaintext).toEqual(['legacy/ledger', 'unknown/unknown']);
  });

  it('turns the observed callers into readiness blockers', async () => {
    const service = await postureWith(new PrometheusClient(url, 5000));
    try {
      const posture = await service.entityPosture(checkout);
      const [cluster] = posture.clusters;
      expect(cluster.telemetry.available).toBe(true);
      expect(posture.readiness.telemetryUnknown).toBe(false);
      expect(posture.readiness.stage).toBe('permissive');
      const blockers = posture.readiness.blockers;
      expect(blockers).toContainEqual({
        type: 'plaintext-callers',
        namespace: 'shop',
        workload: 'checkout',
        callers: ['legacy/ledger'],
      });
      const outside = blockers.find(b => b.type === 'callers-outside-mesh');
      expect(outside).toMatchObject({
        namespace: 'shop',
        workload: 'checkout',
      });
      expect((outside as { requests: number }).requests).toBeGreaterThan(50);
      expect((outside as { requests: number }).requests).toBeLessThan(70);
    } finally {
      await service.stop();
    }
  });

  it('lists the namespace blockers in the adoption summary', async () => {
    const client = new PrometheusClient(url, 5000);
    const service = await postureWith(client);
    try {
      const adoption = new AdoptionService(
        service,
        catalogServiceMock({ entities: [checkout] }),
        new TelemetryService(new Map([['demo', client]]), '1h', logger),
      );
      const report = await adoption.adoption({}, mockCredentials.user());
      expect(report.telemetryUnavailable).toEqual([]);
      const shop = report.byNamespace.find(n => n.namespace === 'shop')!;
      expect(shop.stage).toBe('permissive');
      expect(shop.telemetryUnknown).toBe(false);
      expect(shop.blockers).toContainEqual({
        type: 'plaintext-callers',
        namespace: 'shop',
        workload: 'checkout',
        callers: ['legacy/ledger'],
      });
      expect(shop.blockers.map(b => b.type)).toContain('callers-outside-mesh');
      // frontend's plaintext calls go to payments: they block nothing of checkout's.
      expect(
        shop.blockers.some(b => 'workload' in b && b.workload === 'payments'),
      ).toBe(false);
      expect(
        report.entities.find(e => e.entityRef.endsWith('/checkout'))?.stage,
      ).toBe('permissive');
    } finally {
      await service.stop();
    }
  });

  it('answers within the timeout when Prometheus is slow', async () => {
    const quick = await delayingProxy(port, 50);
    const slow = await delayingProxy(port, 5000);
    try {
      // Through a small delay the proxy works: the timeout is what fails below.
      const throughQuick = new TelemetryService(
        new Map([['prod', new PrometheusClient(quick.url, 5000)]]),
        '1h',
        logger,
      );
      expect((await throughQuick.inbound('prod')).available).toBe(true);

      const service = await postureWith(new PrometheusClient(slow.url, 400));
      try {
        const started = Date.now();
        const posture = await service.entityPosture(checkout);
        expect(Date.now() - started).toBeLessThan(1500);
        expect(posture.clusters[0].telemetry).toMatchObject({
          available: false,
          reason: expect.stringMatching(/Prometheus query failed/),
        });
        expect(posture.readiness.telemetryUnknown).toBe(true);
        expect(posture.clusters[0].workloads.map(w => w.name)).toEqual([
          'checkout',
        ]);
      } finally {
        await service.stop();
      }
    } finally {
      await quick.close();
      await slow.close();
    }
  });

  it('serves the posture with telemetry unavailable once Prometheus stops', async () => {
    await prometheus.stop('SIGTERM');

    const service = await postureWith(new PrometheusClient(url, 2000));
    try {
      const posture = await service.entityPosture(checkout);
      const [cluster] = posture.clusters;
      expect(cluster.telemetry).toMatchObject({
        available: false,
        callers: [],
        reason: expect.stringMatching(/Prometheus query failed/),
      });
      // Without traffic, plaintext callers are unknown rather than absent:
      // nothing known blocks checkout, and nothing proves it.
      expect(posture.readiness).toMatchObject({
        stage: 'unverified',
        telemetryUnknown: true,
        unverifiedReasons: [
          expect.objectContaining({
            code: 'no-telemetry',
            message: expect.stringMatching(
              /^No telemetry \(Prometheus query failed/,
            ),
            workloads: ['shop/checkout'],
          }),
        ],
      });
      expect(cluster.workloads.map(w => [w.name, w.mtls.mode])).toEqual([
        ['checkout', 'PERMISSIVE'],
      ]);
    } finally {
      await service.stop();
    }
  });
});

/**
 * The evidence a STRICT verdict rests on, against the real engine: a
 * Prometheus holding 2 hours of checkout's traffic, all of it mTLS, and one
 * holding 26 hours with a plaintext batch caller that stopped 20 hours ago.
 */
describeWithPrometheus('the STRICT verdict against a real Prometheus', () => {
  const mtlsOnly: Series[] = [
    {
      metric: 'istio_requests_total',
      labels: {
        ...caller('shop/frontend', 'mutual_tls'),
        destination_port: '8080',
      },
      perMinute: 10,
    },
    {
      metric: 'istio_tcp_connections_opened_total',
      labels: {
        ...caller('shop/frontend', 'mutual_tls'),
        destination_port: '9090',
      },
      perMinute: 2,
    },
  ];
  const withNightlyBatch: Series[] = [
    ...mtlsOnly,
    {
      metric: 'istio_requests_total',
      labels: {
        ...caller('batch/nightly-export', 'none'),
        destination_port: '8080',
      },
      perMinute: 5,
      stoppedAgoS: 20 * 3600,
    },
  ];
  let twoHours: RunningPrometheus;
  let dayAndMore: RunningPrometheus;

  beforeAll(async () => {
    [twoHours, dayAndMore] = await Promise.all([
      startPrometheus({ series: mtlsOnly, spanS: 2 * 3600 }),
      startPrometheus({ series: withNightlyBatch, spanS: 26 * 3600 }),
    ]);
  });
  afterAll(async () => {
    await twoHours?.stop();
    await dayAndMore?.stop();
  });

  const readinessWith = async (
    prometheus: RunningPrometheus,
    window: string,
  ) => {
    const service = await postureWith(
      new PrometheusClient(prometheus.url, 10_000),
      window,
    );
    try {
      return await service.entityPosture(checkout);
    } finally {
      await service.stop();
    }
  };

  it('is ready when the telemetry covers the whole window with mTLS only', async () => {
    const posture = await readinessWith(twoHours, '1h');
    expect(posture.readiness).toMatchObject({
      stage: 'ready-for-strict',
      blockers: [],
      unverifiedReasons: [],
    });
  });

  it('is unverified, never ready, when the telemetry covers less than the window', async () => {
    const posture = await readinessWith(twoHours, '24h');
    expect(posture.readiness.stage).toBe('unverified');
    expect(posture.readiness.blockers).toEqual([]);
    expect(posture.readiness.unverifiedReasons).toEqual([
      {
        code: 'window-too-short',
        message: expect.stringMatching(
          /^Telemetry covers 2 h of the 24 h observation window for shop\/checkout$/,
        ),
        workloads: ['shop/checkout'],
      },
    ]);
    // The earliest sample Prometheus holds is two hours old.
    const [evidence] = posture.clusters[0].telemetry.evidence!;
    const age = Date.now() - Date.parse(evidence.observedSince);
    expect(age).toBeGreaterThan(1.9 * 3600_000);
    expect(age).toBeLessThan(2.1 * 3600_000);
  });

  it('blocks on plaintext inside the window, and not once it is older than the window', async () => {
    const day = await readinessWith(dayAndMore, '24h');
    expect(day.readiness.stage).toBe('permissive');
    expect(day.readiness.unverifiedReasons).toEqual([]);
    expect(day.readiness.blockers).toEqual([
      {
        type: 'plaintext-callers',
        namespace: 'shop',
        workload: 'checkout',
        callers: ['batch/nightly-export'],
      },
    ]);

    // Twelve hours hold no plaintext, and are all covered.
    const halfDay = await readinessWith(dayAndMore, '12h');
    expect(halfDay.readiness).toMatchObject({
      stage: 'ready-for-strict',
      blockers: [],
    });
  });

  it('gives each port its mTLS share and when plaintext was last seen', async () => {
    const day = await readinessWith(dayAndMore, '24h');
    const [evidence] = day.clusters[0].telemetry.evidence!;
    expect(evidence).toMatchObject({ namespace: 'shop', workload: 'checkout' });
    const byPort = Object.fromEntries(evidence.ports.map(p => [p.port, p]));
    expect(Object.keys(byPort)).toEqual(['8080', '9090']);

    // 8080, over 24 h: 10 mTLS requests a minute all along, 5 plaintext a
    // minute for the first 4 hours: 14,400 against 1,200.
    const port8080 = byPort['8080'];
    expect(port8080.mtlsRequests / 14_400).toBeGreaterThan(0.95);
    expect(port8080.mtlsRequests / 14_400).toBeLessThan(1.05);
    expect(port8080.requests - port8080.mtlsRequests).toBeGreaterThan(1_100);
    expect(port8080.requests - port8080.mtlsRequests).toBeLessThan(1_300);
    expect(port8080.requestsMtlsShare).toBeGreaterThan(0.91);
    expect(port8080.requestsMtlsShare).toBeLessThan(0.94);
    expect(port8080.tcpMtlsShare).toBeNull();
    // Plaintext stopped 20 hours ago; seen to within the 5-minute rate.
    const lastSeen = Date.now() - Date.parse(port8080.lastPlaintextAt!);
    expect(lastSeen).toBeGreaterThan(19.8 * 3600_000);
    expect(lastSeen).toBeLessThan(20.05 * 3600_000);

    const tcp = byPort['9090'];
    expect(tcp).toMatchObject({
      requests: 0,
      requestsMtlsShare: null,
      tcpMtlsShare: 1,
    });
    expect(tcp.lastPlaintextAt).toBeUndefined();
  });
});

/**
 * An HTTPS gateway in front of Prometheus that lets a request through only
 * with one of `accepted` as its Authorization header, as Thanos, Mimir or
 * a managed Prometheus would (Prometheus' own basic auth needs bcrypt
 * hashes, which Node cannot make, and it has no bearer tokens).
 */
async function authGateway(upstream: string, ca: string, accepted: string[]) {
  const { certPem, keyPem } = testCertificate();
  const seen: Array<string | undefined> = [];
  const server = https.createServer(
    { cert: certPem, key: keyPem },
    (req, res) => {
      seen.push(req.headers.authorization);
      if (!accepted.includes(req.headers.authorization ?? '')) {
        res
          .writeHead(401, { 'www-authenticate': 'Bearer' })
          .end('unauthorized');
        return;
      }
      const forward = https.get(`${upstream}${req.url}`, { ca }, answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
    },
  );
  // Every socket, TLS handshakes included, so close() does not wait on any.
  const sockets = new Set<net.Socket>();
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        sockets.forEach(socket => socket.destroy());
      }),
  };
}

describeWithPrometheus(
  'a real Prometheus behind TLS and authentication',
  () => {
    const tls = testCertificate();
    const caData = Buffer.from(tls.caPem).toString('base64');
    let prometheus: RunningPrometheus;
    let dir: string;

    beforeAll(async () => {
      prometheus = await startPrometheus({ tls });
      dir = mkdtempSync(join(tmpdir(), 'istio-prometheus-ca-'));
    });
    afterAll(async () => {
      await prometheus?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const inbound = (client: PrometheusClient) =>
      new TelemetryService(new Map([['prod', client]]), '1h', logger).inbound(
        'prod',
        { namespace: 'shop', workload: 'checkout' },
      );
    const callersOf = (traffic: { sources: any[] }) =>
      traffic.sources
        .map(s => `${s.sourceNamespace}/${s.sourceWorkload}`)
        .sort();

    it('trusts the CA given as caData or caFile, and nothing else', async () => {
      const viaData = await inbound(
        new PrometheusClient(prometheus.url, 5000, { caData }),
      );
      expect(viaData.available).toBe(true);
      expect(callersOf(viaData)).toEqual([
        'legacy/ledger',
        'shop/frontend',
        'unknown/unknown',
      ]);

      const caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, tls.caPem);
      const viaFile = await inbound(
        new PrometheusClient(prometheus.url, 5000, { caFile }),
      );
      expect(callersOf(viaFile)).toEqual(callersOf(viaData));

      // Without the CA the certificate is refused: unknown, never "no callers".
      const untrusted = await inbound(
        new PrometheusClient(prometheus.url, 5000),
      );
      expect(untrusted).toMatchObject({
        available: false,
        reason:
          'Prometheus query failed: the certificate of Prometheus is not trusted (tls)',
        callers: [],
      });
      const missingFile = await inbound(
        new PrometheusClient(prometheus.url, 5000, {
          caFile: join(dir, 'absent.pem'),
        }),
      );
      expect(missingFile.reason).toMatch(
        /CA file .* cannot be read \(configuration\)/,
      );
      expect(missingFile.reason).not.toContain(dir);
    });

    it('sends the bearer token or the basic credentials the gateway requires', async () => {
      const token = 'prometheus-bearer-token-value';
      const basic = `Basic ${Buffer.from('reader:s3cret-password').toString(
        'base64',
      )}`;
      const gateway = await authGateway(prometheus.url, tls.caPem, [
        `Bearer ${token}`,
        basic,
      ]);
      try {
        const withToken = await inbound(
          new PrometheusClient(gateway.url, 5000, {
            bearerToken: token,
            caData,
          }),
        );
        expect(withToken.available).toBe(true);
        expect(callersOf(withToken)).toContain('legacy/ledger');

        const withBasic = await inbound(
          new PrometheusClient(gateway.url, 5000, {
            username: 'reader',
            password: 's3cret-password',
            caData,
          }),
        );
        expect(callersOf(withBasic)).toEqual(callersOf(withToken));
        expect(gateway.seen).toContain(basic);

        for (const connection of [
          { caData },
          { bearerToken: 'a-wrong-token', caData },
          { username: 'reader', password: 'wrong', caData },
        ]) {
          const refused = await inbound(
            new PrometheusClient(gateway.url, 5000, connection),
          );
          expect(refused).toMatchObject({
            available: false,
            reason:
              'Prometheus query failed: Prometheus answered HTTP 401 (unauthorized)',
          });
        }
        expect(gateway.seen).toContain(undefined);
      } finally {
        await gateway.close();
      }
    });
  },
);
