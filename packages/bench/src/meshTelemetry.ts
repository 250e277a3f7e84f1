import { KubeObject } from '@meshportal/plugin-istio-common';
import { seededRandom } from './seededRandom';

/*
 * Istio's standard metrics (istio_requests_total, istio_tcp_connections_*)
 * for a mesh snapshot and a list of who calls whom, labelled as Envoy's
 * Istio stats filter labels them: what each proxy can see decides the labels
 * (a caller without a proxy is `unknown` to its server, a server reports
 * `connection_security_policy` from the handshake it saw, and a client
 * always reports `unknown` there). The demo's Prometheus is filled with them.
 */

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const PROXY_CONTAINER = 'istio-proxy';
const ENVOY_STATS_PORT = 15090;
const DAY_S = 86_400;

/** A workload of the snapshot, as Istio's telemetry names it. @public */
export interface TelemetryWorkload {
  namespace: string;
  name: string;
  app: string;
  version: string;
  serviceAccount: string;
  /** At least one pod runs Istio's proxy (sidecar or gateway). */
  proxied: boolean;
  /** The Service in front of it, as `name.namespace.svc.<domain>`. */
  service?: string;
  /** Address of one of its pods' proxy stats port: the scrape target. */
  instance: string;
}

/** One caller of one workload, as the demo's story tells it. @public */
export interface TrafficEdge {
  /** `namespace/workload` of the caller, or `outside` for a client outside the cluster. */
  from: string;
  /** `namespace/workload` called. */
  to: string;
  protocol: 'http' | 'grpc' | 'tcp';
  /** Average requests (or TCP connections) a minute. */
  perMinute: number;
  /** The caller's proxy sends plaintext (a DestinationRule with tls DISABLE). */
  plaintext?: boolean;
}

/** Who calls whom in a demo mesh, and over how long. @public */
export interface TrafficStory {
  seed: number;
  days: number;
  edges: TrafficEdge[];
}

/** One counter series: its labels and how fast it grows. */
export interface CounterSeries {
  metric:
    | 'istio_requests_total'
    | 'istio_tcp_connections_opened_total'
    | 'istio_tcp_connections_closed_total';
  labels: Record<string, string>;
  /** Average increase a second. */
  perSecond: number;
  /** Where in the day traffic peaks, in radians. */
  phase: number;
  /** Unix seconds the counter started at zero. */
  startS: number;
}

const matches = (labels: Record<string, string>, selector: object = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/**
 * The workloads of a snapshot (Deployments, StatefulSets, DaemonSets) with
 * what Istio's telemetry needs of them: whether a proxy runs in their pods
 * and which Service fronts them.
 * @public
 */
export function telemetryWorkloads(
  objects: KubeObject[],
  clusterDomain = 'cluster.local',
): Map<string, TelemetryWorkload> {
  const pods = objects.filter(o => o.kind === 'Pod');
  const services = objects.filter(o => o.kind === 'Service');
  const workloads = new Map<string, TelemetryWorkload>();
  for (const o of objects) {
    const name = o.metadata?.name;
    if (!WORKLOAD_KINDS.has(o.kind ?? '') || !name) continue;
    const namespace = o.metadata?.namespace ?? 'default';
    const template = o.spec?.template ?? {};
    const podLabels: Record<string, string> = template.metadata?.labels ?? {};
    const own = pods.filter(
      p =>
        p.metadata?.namespace === namespace &&
        matches(p.metadata?.labels ?? {}, o.spec?.selector?.matchLabels),
    );
    const proxiedPods = own.filter(p =>
      (p.spec?.containers ?? []).some(
        (c: { name: string; image?: string }) =>
          c.name === PROXY_CONTAINER || /\/proxyv2:/.test(c.image ?? ''),
      ),
    );
    const service = services.find(
      s =>
        s.metadata?.namespace === namespace &&
        s.spec?.selector &&
        matches(podLabels, s.spec.selector),
    );
    const scraped = proxiedPods[0] ?? own[0];
    workloads.set(`${namespace}/${name}`, {
      namespace,
      name,
      app: podLabels.app ?? name,
      version: podLabels.version ?? 'unknown',
      serviceAccount: template.spec?.serviceAccountName ?? 'default',
      proxied: proxiedPods.length > 0,
      service: service
        ? `${service.metadata?.name}.${namespace}.svc.${clusterDomain}`
        : undefined,
      instance: `${scraped?.status?.podIP ?? '0.0.0.0'}:${ENVOY_STATS_PORT}`,
    });
  }
  return workloads;
}

/** A caller that is no workload of the mesh: a client outside the cluster. */
const OUTSIDE = 'outside';
const OUTSIDE_CLIENT: TelemetryWorkload = {
  namespace: 'unknown',
  name: 'unknown',
  app: 'unknown',
  version: 'unknown',
  serviceAccount: 'unknown',
  proxied: false,
  instance: 'unknown',
};

const UNKNOWN_SOURCE = {
  source_workload: 'unknown',
  source_workload_namespace: 'unknown',
  source_principal: 'unknown',
  source_app: 'unknown',
  source_version: 'unknown',
  source_cluster: 'unknown',
};

/**
 * The counter series Istio's proxies would export for the story: the
 * server's copy (`reporter="destination"`) when the called workload has a
 * proxy, the client's (`reporter="source"`) when the caller has one, each
 * split into successes and a small share of errors. Rates and the daily
 * peak are drawn from the story's seed.
 * @public
 */
export function trafficSeries(
  workloads: Map<string, TelemetryWorkload>,
  story: TrafficStory,
  nowS: number,
  cluster = 'Kubernetes',
): CounterSeries[] {
  const random = seededRandom(story.seed);
  const problems: string[] = [];
  for (const edge of story.edges) {
    for (const end of [edge.from, edge.to]) {
      if (end !== OUTSIDE && !workloads.has(end)) {
        problems.push(`no workload ${end}`);
      }
    }
  }
  if (problems.length) {
    throw new Error(
      `the traffic story does not match the mesh: ${problems.join(', ')}`,
    );
  }
  const startS = nowS - story.days * DAY_S;
  const series: CounterSeries[] = [];
  for (const edge of story.edges) {
    const src = workloads.get(edge.from) ?? OUTSIDE_CLIENT;
    const dst = workloads.get(edge.to)!;
    const mtls = src.proxied && dst.proxied && !edge.plaintext;
    const principal = (w: TelemetryWorkload) =>
      `spiffe://cluster.local/ns/${w.namespace}/sa/${w.serviceAccount}`;
    // Without a proxy on the caller no peer metadata reaches the server.
    const source = src.proxied
      ? {
          source_workload: src.name,
          source_workload_namespace: src.namespace,
          source_principal: mtls ? principal(src) : 'unknown',
          source_app: src.app,
          source_version: src.version,
          source_cluster: cluster,
        }
      : UNKNOWN_SOURCE;
    const destination = {
      destination_workload: dst.name,
      destination_workload_namespace: dst.namespace,
      destination_principal: mtls ? principal(dst) : 'unknown',
      destination_app: dst.app,
      destination_version: dst.version,
      destination_service: dst.service ?? 'unknown',
      destination_service_name: dst.service?.split('.')[0] ?? 'unknown',
      destination_service_namespace: dst.namespace,
      destination_cluster: cluster,
    };
    const reporters: Array<[string, TelemetryWorkload, string]> = [];
    if (dst.proxied) {
      reporters.push(['destination', dst, mtls ? 'mutual_tls' : 'none']);
    }
    if (src.proxied) reporters.push(['source', src, 'unknown']);
    const perSecond = edge.perMinute / 60;
    const phase = random() * 2 * Math.PI;
    const errorShare = 0.002 + random() * 0.008;
    for (const [reporter, proxy, policy] of reporters) {
      const common = {
        job: 'kubernetes-pods',
        instance: proxy.instance,
        namespace: proxy.namespace,
        reporter,
        ...source,
        ...destination,
        connection_security_policy: policy,
      };
      if (edge.protocol === 'tcp') {
        for (const metric of [
          'istio_tcp_connections_opened_total',
          'istio_tcp_connections_closed_total',
        ] as const) {
          series.push({
            metric,
            labels: { ...common, request_protocol: 'tcp', response_flags: '-' },
            perSecond,
            phase,
            startS,
          });
        }
        continue;
      }
      const outcomes: Array<[string, string, string, number]> = [
        ['200', '0', '-', 1 - errorShare],
        ['503', '14', 'UF', errorShare],
      ];
      for (const [code, grpcStatus, flags, share] of outcomes) {
        series.push({
          metric: 'istio_requests_total',
          labels: {
            ...common,
            request_protocol: edge.protocol,
            response_code: code,
            grpc_response_status: edge.protocol === 'grpc' ? grpcStatus : '',
            response_flags: flags,
          },
          perSecond: perSecond * share,
          phase,
          startS,
        });
      }
    }
  }
  return series;
}

/**
 * The counter's value at `atS`: the integral of a rate that swings by 40%
 * over the day around its average, so a 24-hour window sees the average.
 * @public
 */
export function counterValue(series: CounterSeries, atS: number): number {
  if (atS <= series.startS) return 0;
  const w = (2 * Math.PI) / DAY_S;
  const wave = (t: number) => Math.cos(w * t + series.phase) / w;
  const integral =
    atS - series.startS - 0.4 * (wave(atS) - wave(series.startS));
  return Math.floor(series.perSecond * integral);
}

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');

/**
 * The sample times of a backfill from the series' start to `nowS`: hourly
 * at first, every `recentStepS` over the last `recentS`, so a day's window
 * is sharp and thirty days stay small.
 * @public
 */
export function sampleTimes(
  startS: number,
  nowS: number,
  recentS = 26 * 3600,
  recentStepS = 300,
): number[] {
  const times: number[] = [];
  const switchAt = nowS - recentS;
  for (let t = startS; t < switchAt; t += 3600) times.push(t);
  for (let t = Math.max(startS, switchAt); t <= nowS; t += recentStepS) {
    times.push(t);
  }
  return times;
}

/**
 * The series as OpenMetrics text with timestamps, one metric family after
 * the other, for `promtool tsdb create-blocks-from openmetrics`. Yields
 * chunks so thirty days never sit in memory as one string.
 * @public
 */
export function* openMetricsChunks(
  series: CounterSeries[],
  times: number[],
): Generator<string> {
  const families = [...new Set(series.map(s => s.metric))];
  for (const metric of families) {
    yield `# TYPE ${metric.replace(/_total$/, '')} counter\n`;
    for (const s of series.filter(x => x.metric === metric)) {
      const labels = labelText(s.labels);
      yield times
        .map(t => `${metric}{${labels}} ${counterValue(s, t)} ${t}\n`)
        .join('');
    }
  }
  yield '# EOF\n';
}

/**
 * The series' current values in Prometheus' text format, for a scrape:
 * the live continuation of the backfilled history.
 * @public
 */
export function exposition(series: CounterSeries[], atS: number): string {
  const lines: string[] = [];
  for (const metric of [...new Set(series.map(s => s.metric))]) {
    lines.push(`# TYPE ${metric} counter`);
    for (const s of series.filter(x => x.metric === metric)) {
      lines.push(`${metric}{${labelText(s.labels)}} ${counterValue(s, atS)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
