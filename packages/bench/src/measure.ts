import autocannon from 'autocannon';
import http from 'node:http';

/** Latency percentiles and throughput of one bounded run. */
export interface RunFigures {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  requests: number;
}

/** One HTTP request of a run. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** The p-th (0 to 1) value of ascending `sorted`; 0 when empty. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** A run timed request by request: see {@link measure}. */
export interface TimedRun {
  baseUrl: string;
  headers: Record<string, string>;
  requests: BenchRequest[];
  concurrency: number;
  amount: number;
  /** No request is sent after this many seconds. */
  maxSeconds?: number;
}

/** A run of many clients at once: see {@link cannon}. */
export interface CannonRun {
  baseUrl: string;
  headers: Record<string, string>;
  requests: BenchRequest[];
  connections: number;
  amount: number;
  durationSeconds: number;
}

/**
 * Sends `amount` requests (cycling through `requests`) with `concurrency`
 * keep-alive connections, and times each one with a monotonic clock.
 */
export async function measure({
  baseUrl,
  headers,
  requests,
  concurrency,
  amount,
  maxSeconds,
}: TimedRun): Promise<RunFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(baseUrl);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const one = (r: BenchRequest) =>
    new Promise<void>(resolve => {
      const start = process.hrtime.bigint();
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: r.path,
          method: r.method,
          agent,
          headers: {
            ...headers,
            ...(r.body ? { 'content-type': 'application/json' } : {}),
          },
        },
        res => {
          res.on('data', () => {});
          res.on('end', () => {
            latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
            if ((res.statusCode ?? 0) >= 300) errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  const started = process.hrtime.bigint();
  const deadline =
    maxSeconds === undefined
      ? undefined
      : started + BigInt(Math.round(maxSeconds * 1e9));
  const open = () =>
    next < amount &&
    (deadline === undefined || process.hrtime.bigint() < deadline);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (open()) {
        await one(requests[next++ % requests.length]);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    rps: latencies.length / seconds,
    errors,
    requests: latencies.length,
  };
}

/**
 * Many clients at once (autocannon), bounded in count and time. autocannon
 * reports whole milliseconds; fine under load, where it is used.
 */
export async function cannon({
  baseUrl,
  headers,
  requests,
  connections,
  amount,
  durationSeconds,
}: CannonRun): Promise<RunFigures> {
  const result = await autocannon({
    url: baseUrl,
    connections,
    amount,
    duration: durationSeconds,
    timeout: 30,
    headers,
    requests,
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}
