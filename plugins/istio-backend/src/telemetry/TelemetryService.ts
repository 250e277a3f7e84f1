import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CallerSource,
  InboundCaller,
  InboundTraffic,
  PortTrafficEvidence,
  WorkloadTrafficEvidence,
  isOutsideMesh,
  isPlaintext,
} from '@meshportal/plugin-istio-common';
import {
  PrometheusClient,
  PrometheusSample,
  promString,
} from './PrometheusClient';
import {
  prometheusDuration,
  prometheusDurationSeconds,
} from './telemetryConfig';

const WORKLOAD = 'destination_workload_namespace, destination_workload';
const GROUP_BY = `${WORKLOAD}, destination_port, source_workload_namespace, source_workload, connection_security_policy`;
/** Both server-side counters: a workload may receive only HTTP or only TCP. */
const COUNTERS =
  '__name__=~"istio_requests_total|istio_tcp_connections_opened_total"';
const CACHE_MS = 60_000;

// Moved to istio-common with the verdict; still exported here for callers.
export { isOutsideMesh, isPlaintext };

/**
 * Sums callers per source workload (across destinations and security
 * policies) with the share sent over mutual TLS: what a team checks before
 * asking a caller to fix its transport.
 * @public
 */
export function callersBySource(callers: InboundCaller[]): CallerSource[] {
  const sources = new Map<string, CallerSource & { mtls: number }>();
  for (const c of callers) {
    const key = `${c.sourceNamespace}\u0000${c.sourceWorkload}`;
    const entry = sources.get(key) ?? {
      sourceNamespace: c.sourceNamespace,
      sourceWorkload: c.sourceWorkload,
      requests: 0,
      tcpConnections: 0,
      mtlsShare: 0,
      mtls: 0,
    };
    entry.requests += c.requests;
    entry.tcpConnections += c.tcpConnections;
    if (c.securityPolicy === 'mutual_tls') {
      entry.mtls += c.requests + c.tcpConnections;
    }
    sources.set(key, entry);
  }
  return [...sources.values()]
    .map(({ mtls, ...source }) => {
      const total = source.requests + source.tcpConnections;
      return {
        ...source,
        mtlsShare: total ? Math.round((mtls / total) * 1000) / 1000 : 0,
      };
    })
    .sort(
      (a, b) =>
        b.requests + b.tcpConnections - (a.requests + a.tcpConnections) ||
        a.sourceNamespace.localeCompare(b.sourceNamespace) ||
        a.sourceWorkload.localeCompare(b.sourceWorkload),
    );
}

/** Counts of one workload port, before the shares are taken. */
type PortCounts = Omit<
  PortTrafficEvidence,
  'requestsMtlsShare' | 'tcpMtlsShare'
>;

const share = (part: number, total: number) =>
  total ? Math.round((part / total) * 1000) / 1000 : null;

const workloadKey = (metric: Record<string, string>) =>
  `${metric.destination_workload_namespace ?? 'unknown'}\u0000${
    metric.destination_workload ?? 'unknown'
  }`;

const isoAt = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * Who calls a workload, and with which transport security, from Istio's
 * destination-reported metrics over the observation window, with the
 * evidence a STRICT verdict rests on: since when each workload has
 * metrics, and per port the mTLS share and when plaintext was last seen.
 * Results are cached briefly per scope; a failing Prometheus marks
 * telemetry unavailable rather than failing the caller.
 * @public
 */
export class TelemetryService {
  private cache = new Map<
    string,
    { at: number; value: Promise<InboundTraffic> }
  >();
  /** The observation window in seconds. */
  readonly windowSeconds: number;

  constructor(
    private readonly clients: Map<string, PrometheusClient>,
    private readonly window: string,
    private readonly logger: LoggerService,
    private readonly now: () => number = Date.now,
  ) {
    const seconds = prometheusDurationSeconds(window);
    if (!seconds) {
      throw new Error(
        `the telemetry window "${window}" is not a Prometheus duration`,
      );
    }
    this.windowSeconds = seconds;
  }

  /** No traffic to look at: available when the cluster has Prometheus at all. */
  none(cluster: string): InboundTraffic {
    return this.clients.has(cluster)
      ? {
          available: true,
          window: this.window,
          windowSeconds: this.windowSeconds,
          observedAt: new Date(this.now()).toISOString(),
          callers: [],
          sources: [],
          evidence: [],
        }
      : this.unavailable('no prometheusUrl configured for this cluster');
  }

  private unavailable(reason: string): InboundTraffic {
    return {
      available: false,
      window: this.window,
      windowSeconds: this.windowSeconds,
      reason,
      callers: [],
      sources: [],
    };
  }

  /** Inbound traffic of one workload, one namespace, or the whole cluster. */
  inbound(
    cluster: string,
    scope: { namespace?: string; workload?: string } = {},
  ): Promise<InboundTraffic> {
    const client = this.clients.get(cluster);
    if (!client) {
      return Promise.resolve(
        this.unavailable('no prometheusUrl configured for this cluster'),
      );
    }
    const key = `${cluster}\u0000${scope.namespace ?? ''}\u0000${
      scope.workload ?? ''
    }`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.value;
    const value = this.query(client, scope).catch(error => {
      // The log gets the socket error; the answer gets only the short reason.
      const cause = (error as Error).cause;
      this.logger.warn(
        `istio: telemetry for ${cluster} unavailable: ${error}${
          cause ? ` (${cause})` : ''
        }`,
      );
      this.cache.delete(key);
      return this.unavailable(
        `Prometheus query failed: ${(error as Error).message}`,
      );
    });
    this.cache.set(key, { at: this.now(), value });
    return value;
  }

  private async query(
    client: PrometheusClient,
    scope: { namespace?: string; workload?: string },
  ): Promise<InboundTraffic> {
    const observedAt = new Date(this.now()).toISOString();
    const matchers = ['reporter="destination"'];
    if (scope.namespace) {
      matchers.push(
        `destination_workload_namespace=${promString(scope.namespace)}`,
      );
    }
    if (scope.workload) {
      matchers.push(`destination_workload=${promString(scope.workload)}`);
    }
    const selector = `{${matchers.join(',')}}`;
    // timestamp() and rate() drop the metric name: each counter keeps its
    // own series (a `counter` label), or two would share a label set.
    const counters = `label_replace({${[COUNTERS, ...matchers].join(
      ',',
    )}}, "counter", "$1", "__name__", "(.+)")`;
    const plaintextSelector = `{${[
      ...matchers,
      'connection_security_policy="none"',
    ].join(',')}}`;
    const W = this.window;
    // Subqueries sample the window at most 1440 times (a minute at least);
    // a rate over two steps never misses plaintext between them.
    const step = Math.max(60, Math.ceil(this.windowSeconds / 1440));
    const range = `[${W}:${prometheusDuration(step)}]`;
    const rateOver = prometheusDuration(Math.max(300, 2 * step));
    const plaintextRate = (metric: string) =>
      `sum by (${WORKLOAD}, destination_port) (rate(${metric}${plaintextSelector}[${rateOver}])) > 0`;
    const over = (metric: string) =>
      `sum by (${GROUP_BY}) (increase(${metric}${selector}[${W}]))`;
    const [requests, connections, first, last, lastPlaintext] =
      await Promise.all([
        client.query(over('istio_requests_total')),
        client.query(over('istio_tcp_connections_opened_total')),
        // The earliest and latest samples of each workload in the window:
        // how much of it the telemetry covers.
        client.query(
          `min by (${WORKLOAD}) (min_over_time(timestamp(${counters})${range}))`,
        ),
        client.query(
          `max by (${WORKLOAD}) (max_over_time(timestamp(${counters})${range}))`,
        ),
        client.query(
          `max by (${WORKLOAD}, destination_port) (max_over_time(timestamp(${plaintextRate(
            'istio_requests_total',
          )} or ${plaintextRate(
            'istio_tcp_connections_opened_total',
          )})${range}))`,
        ),
      ]);

    const callers = new Map<string, InboundCaller>();
    const ports = new Map<string, PortCounts>();
    const add = (
      samples: PrometheusSample[],
      field: 'requests' | 'tcpConnections',
    ) => {
      for (const { metric, value } of samples) {
        if (!(value > 0)) continue;
        const count = Math.ceil(value);
        const caller: InboundCaller = {
          destinationNamespace:
            metric.destination_workload_namespace ?? 'unknown',
          destinationWorkload: metric.destination_workload ?? 'unknown',
          sourceNamespace: metric.source_workload_namespace ?? 'unknown',
          sourceWorkload: metric.source_workload ?? 'unknown',
          securityPolicy: metric.connection_security_policy ?? 'unknown',
          requests: 0,
          tcpConnections: 0,
        };
        const key = [
          caller.destinationNamespace,
          caller.destinationWorkload,
          caller.sourceNamespace,
          caller.sourceWorkload,
          caller.securityPolicy,
        ].join('\u0000');
        const entry = callers.get(key) ?? caller;
        entry[field] += count;
        callers.set(key, entry);

        const portKey = `${workloadKey(metric)}\u0000${
          metric.destination_port ?? ''
        }`;
        const port = ports.get(portKey) ?? {
          ...(metric.destination_port ? { port: metric.destination_port } : {}),
          requests: 0,
          mtlsRequests: 0,
          tcpConnections: 0,
          mtlsTcpConnections: 0,
        };
        const mtls = metric.connection_security_policy === 'mutual_tls';
        if (field === 'requests') {
          port.requests += count;
          if (mtls) port.mtlsRequests += count;
        } else {
          port.tcpConnections += count;
          if (mtls) port.mtlsTcpConnections += count;
        }
        ports.set(portKey, port);
      }
    };
    add(requests, 'requests');
    add(connections, 'tcpConnections');
    const sorted = [...callers.values()].sort(
      (a, b) => b.requests + b.tcpConnections - (a.requests + a.tcpConnections),
    );
    for (const { metric, value } of lastPlaintext) {
      const portKey = `${workloadKey(metric)}\u0000${
        metric.destination_port ?? ''
      }`;
      const port = ports.get(portKey);
      if (port && value > 0) port.lastPlaintextAt = isoAt(value);
    }

    const lastOf = new Map(last.map(s => [workloadKey(s.metric), s.value]));
    const evidence: WorkloadTrafficEvidence[] = first
      .filter(s => s.value > 0)
      .map(({ metric, value }) => {
        const key = workloadKey(metric);
        const until = lastOf.get(key);
        return {
          namespace: metric.destination_workload_namespace ?? 'unknown',
          workload: metric.destination_workload ?? 'unknown',
          observedSince: isoAt(value),
          ...(until ? { observedUntil: isoAt(until) } : {}),
          ports: [...ports]
            .filter(([k]) => k.startsWith(`${key}\u0000`))
            .map(([, p]) => ({
              ...p,
              requestsMtlsShare: share(p.mtlsRequests, p.requests),
              tcpMtlsShare: share(p.mtlsTcpConnections, p.tcpConnections),
            }))
            .sort((a, b) => (a.port ?? '').localeCompare(b.port ?? '')),
        };
      })
      .sort(
        (a, b) =>
          a.namespace.localeCompare(b.namespace) ||
          a.workload.localeCompare(b.workload),
      );
    return {
      available: true,
      window: W,
      windowSeconds: this.windowSeconds,
      observedAt,
      callers: sorted,
      sources: callersBySource(sorted),
      evidence,
    };
  }
}
