/** One series of an instant vector. @public */
export interface PrometheusSample {
  metric: Record<string, string>;
  value: number;
}

/**
 * Instant queries against Prometheus' HTTP API, each bounded by a timeout.
 * @public
 */
export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async query(promql: string): Promise<PrometheusSample[]> {
    const url = `${this.baseUrl}/api/v1/query?query=${encodeURIComponent(
      promql,
    )}`;
    const res = await this.fetchImpl(url, {
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) {
      throw new Error(`Prometheus answered HTTP ${res.status}`);
    }
    const body: any = await res.json();
    if (body?.status !== 'success' || body?.data?.resultType !== 'vector') {
      throw new Error(
        `Prometheus query failed: ${body?.error ?? 'unexpected response'}`,
      );
    }
    return (body.data.result as any[]).map(r => ({
      metric: r.metric ?? {},
      value: Number(r.value?.[1] ?? 0),
    }));
  }
}

/** A PromQL label value in double quotes. @public */
export function promString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;
}
