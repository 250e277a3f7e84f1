import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CallerSource,
  InboundCaller,
  InboundTraffic,
} from '@meshportal/plugin-istio-common';
import {
  PrometheusClient,
  PrometheusSample,
  promString,
} from './PrometheusClient';

const GROUP_BY =
  'destination_workload_namespace, destination_workload, source_workload_namespace, source_workload, connection_security_policy';
const CACHE_MS = 60_000;

/** A caller the workload would lose when it moves to STRICT. @public */
export function isPlaintext(caller: InboundCaller): boolean {
  return caller.securityPolicy === 'none';
}

/** Istio labels a caller without a proxy `unknown`. @public */
export function isOutsideMesh(caller: InboundCaller): boolean {
  return caller.sourceWorkload === 'unknown';
}

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

/**
 * Who calls a workload, and with which transport security, from Istio's
 * destination-reported metrics. Results are cached briefly per scope; a
 * failing Prometheus marks telemetry unavailable rather than failing the caller.
 * @public
 */
export class TelemetryService {
  private cache = new Map<
    string,
    { at: number; value: Promise<InboundTraffic> }
  >();

  constructor(
    private readonly clients: Map<string, PrometheusClient>,
    private readonly window: string,
    private readonly logger: LoggerService,
    private readonly now: () => number = Date.now,
  ) {
    if (!/^\d+(ms|s|m|h|d|w|y)$/.test(window)) {
      throw new Error(
        `istio.telemetry.window "${window}" is not a Prometheus duration`,
      );
    }
  }

  /** No traffic to look at: available when the cluster has Prometheus at all. */
  none(cluster: string): InboundTraffic {
    return this.clients.has(cluster)
      ? { available: true, window: this.window, callers: [], sources: [] }
      : this.unconfigured();
  }

  private unconfigured(): InboundTraffic {
    return {
      available: false,
      window: this.window,
      reason: 'no prometheusUrl configured for this cluster',
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
    if (!client) return Promise.resolve(this.unconfigured());
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
      return {
        available: false,
        window: this.window,
        reason: `Prometheus query failed: ${(error as Error).message}`,
        callers: [],
        sources: [],
      };
    });
    this.cache.set(key, { at: this.now(), value });
    return value;
  }

  private async query(
    client: PrometheusClient,
    scope: { namespace?: string; workload?: string },
  ): Promise<InboundTraffic> {
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
    const over = (metric: string) =>
      `sum by (${GROUP_BY}) (increase(${metric}${selector}[${this.window}]))`;
    const [requests, connections] = await Promise.all([
      client.query(over('istio_requests_total')),
      client.query(over('istio_tcp_connections_opened_total')),
    ]);
    const callers = new Map<string, InboundCaller>();
    const add = (
      samples: PrometheusSample[],
      field: 'requests' | 'tcpConnections',
    ) => {
      for (const { metric, value } of samples) {
        if (!(value > 0)) continue;
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
        entry[field] += Math.ceil(value);
        callers.set(key, entry);
      }
    };
    add(requests, 'requests');
    add(connections, 'tcpConnections');
    const sorted = [...callers.values()].sort(
      (a, b) => b.requests + b.tcpConnections - (a.requests + a.tcpConnections),
    );
    return {
      available: true,
      window: this.window,
      callers: sorted,
      sources: callersBySource(sorted),
    };
  }
}
