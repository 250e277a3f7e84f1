import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parse } from 'yaml';
import {
  KubeObject,
  MANIFEST_EXTENSIONS,
  parseManifestText,
} from '@meshportal/plugin-istio-common';
import {
  CounterSeries,
  TrafficStory,
  exposition,
  openMetricsChunks,
  sampleTimes,
  telemetryWorkloads,
  trafficSeries,
} from './meshTelemetry';

/*
 * The demo's Prometheus (`bash scripts/start.sh`, and the browser tests):
 * Debian's prometheus binary on thirty days of Istio metrics made from the
 * demo's mesh snapshot and traffic story, backfilled with promtool, then
 * kept live by scraping the same counters every 30 seconds.
 */

const run = promisify(execFile);
const DAY_S = 86_400;

/** Where the demo's Prometheus reads its mesh from. @public */
export interface DemoPrometheusOptions {
  /** Directory (or file) of the mesh snapshot. */
  snapshot: string;
  /** The traffic story YAML. */
  story: string;
  /** Where it listens on 127.0.0.1; a free port when absent. */
  port?: number;
  /** Days of history, instead of the story's own (tests keep it short). */
  days?: number;
  prometheus?: string;
  promtool?: string;
  log?: (line: string) => void;
}

/** A running demo Prometheus. @public */
export interface DemoPrometheus {
  url: string;
  /** How many counter series it holds. */
  series: number;
  /** Unix seconds of the last backfilled sample: later ones were scraped. */
  historyEndS: number;
  stop(): Promise<void>;
}

async function manifestFiles(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(
    () => undefined,
  );
  if (!entries) return [path];
  const nested = await Promise.all(
    entries
      .filter(
        e => e.isDirectory() || MANIFEST_EXTENSIONS.includes(extname(e.name)),
      )
      .map(e => manifestFiles(join(path, e.name))),
  );
  return nested.flat().sort();
}

/** The snapshot's objects, read with the engine's manifest reader. @public */
export async function readSnapshotObjects(path: string): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const file of await manifestFiles(path)) {
    objects.push(
      ...parseManifestText(await readFile(file, 'utf8'), file).objects,
    );
  }
  return objects;
}

/** The demo's counter series: the snapshot's workloads and the story's callers. @public */
export async function demoSeries(
  snapshot: string,
  story: string,
  nowS: number,
  days?: number,
): Promise<{ story: TrafficStory; series: CounterSeries[] }> {
  const read = parse(await readFile(story, 'utf8')) as TrafficStory;
  const parsed = { ...read, days: days ?? read.days };
  const workloads = telemetryWorkloads(await readSnapshotObjects(snapshot));
  return { story: parsed, series: trafficSeries(workloads, parsed, nowS) };
}

async function isReady(url: string): Promise<boolean> {
  return new Promise(done => {
    const req = http.get(`${url}/-/ready`, res => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
  });
}

/** Listens on 127.0.0.1 and returns the port; `close` frees it again at once. */
async function listen(server: net.Server, port = 0, close = false) {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const bound = (server.address() as net.AddressInfo).port;
  if (close) await new Promise(resolve => server.close(resolve));
  return bound;
}

/**
 * Generates the history, backfills it and starts Prometheus on it, with
 * a scrape target that continues every counter from where the history ends.
 * @public
 */
export async function startDemoPrometheus(
  options: DemoPrometheusOptions,
): Promise<DemoPrometheus> {
  const log = options.log ?? (() => {});
  const prometheusBin = options.prometheus ?? '/usr/bin/prometheus';
  const promtool = options.promtool ?? '/usr/bin/promtool';
  const port = options.port ?? (await listen(net.createServer(), 0, true));
  const url = `http://127.0.0.1:${port}`;
  if (await isReady(url)) {
    throw new Error(`a Prometheus already answers on ${url}: stop it first`);
  }
  const nowS = Math.floor(Date.now() / 1000);
  const { story, series } = await demoSeries(
    options.snapshot,
    options.story,
    nowS,
    options.days,
  );
  const dir = await mkdtemp(join(tmpdir(), 'meshportal-demo-prometheus-'));
  let child: ChildProcess | undefined;
  const target = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition(series, Date.now() / 1000));
  });
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    target.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    const file = join(dir, 'history.om');
    const out = createWriteStream(file);
    for (const chunk of openMetricsChunks(
      series,
      sampleTimes(nowS - story.days * DAY_S, nowS),
    )) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await run(promtool, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--quiet',
      file,
      join(dir, 'data'),
    ]);
    await rm(file);
    log(
      `${series.length} series over ${story.days} days backfilled in ${
        Date.now() - started
      } ms`,
    );
    const targetPort = await listen(target);
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 30s',
        'scrape_configs:',
        '  - job_name: kubernetes-pods',
        // The exposed job and instance are the backfilled series' own.
        '    honor_labels: true',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${targetPort}']`,
        '',
      ].join('\n'),
    );
    child = spawn(
      prometheusBin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        // Longer than the history, so startup deletes none of it.
        `--storage.tsdb.retention.time=${story.days * 2}d`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let output = '';
    child.stderr!.on('data', d => (output = (output + d).slice(-4000)));
    const deadline = Date.now() + 120_000;
    while (!(await isReady(url))) {
      if (child.exitCode !== null) {
        throw new Error(`prometheus exited: ${output}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`prometheus was not ready in 120 s: ${output}`);
      }
      await new Promise(r => setTimeout(r, 250));
    }
    return { url, series: series.length, historyEndS: nowS, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `demo-prometheus [--port 9095]`: runs until interrupted. @public */
export async function runDemoPrometheus(args: string[]): Promise<void> {
  const flag = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const root = resolvePackagePath('@meshportal/bench', '../..');
  const log = (line: string) =>
    process.stderr.write(`[demo-prometheus] ${line}\n`);
  const prometheus = await startDemoPrometheus({
    snapshot: flag('snapshot', join(root, 'examples/mesh/harbor-bank')),
    story: flag(
      'story',
      join(root, 'examples/telemetry/harbor-bank-traffic.yaml'),
    ),
    port: Number(
      flag('port', process.env.MESHPORTAL_DEMO_PROMETHEUS_PORT ?? '9095'),
    ),
    log,
  });
  log(`ready on ${prometheus.url}`);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      prometheus.stop().finally(() => process.exit(0));
    });
  }
}
