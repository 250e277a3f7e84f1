import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { ClusterProblemReason } from '@meshportal/plugin-istio-common';
import { clusterProblemReason } from '../clusters/problemReason';

/** One series of an instant vector. @public */
export interface PrometheusSample {
  metric: Record<string, string>;
  value: number;
}

/**
 * How to reach a Prometheus that sits behind authentication (Thanos,
 * Mimir, a managed Prometheus): a bearer token or basic auth, and the CA
 * that signed its certificate when it is not a public one.
 * @public
 */
export interface PrometheusConnection {
  bearerToken?: string;
  username?: string;
  password?: string;
  /** Base64-encoded PEM bundle. */
  caData?: string;
  /** Path of a PEM bundle. */
  caFile?: string;
}

/** A query that failed; the message names no host, path or credential. @public */
export class PrometheusQueryError extends Error {
  name = 'PrometheusQueryError';
}

/** Answers larger than this are refused rather than buffered. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/**
 * Instant queries against Prometheus' HTTP API, each bounded by a timeout,
 * with the connection's credentials and CA. Errors carry a short reason
 * (unreachable, timeout, tls, HTTP status), the socket error as `cause`.
 * @public
 */
export class PrometheusClient {
  private readonly headers: Record<string, string>;
  private ca?: Promise<Buffer | undefined>;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly connection: PrometheusConnection = {},
  ) {
    this.headers = { accept: 'application/json' };
    if (connection.bearerToken) {
      this.headers.authorization = `Bearer ${connection.bearerToken}`;
    } else if (connection.username !== undefined) {
      const pair = `${connection.username}:${connection.password ?? ''}`;
      this.headers.authorization = `Basic ${Buffer.from(pair).toString(
        'base64',
      )}`;
    }
  }

  private certificateAuthority(): Promise<Buffer | undefined> {
    const { caData, caFile } = this.connection;
    if (!this.ca) {
      if (caData) this.ca = Promise.resolve(Buffer.from(caData, 'base64'));
      else if (caFile) {
        // A file that cannot be read yet is tried again on the next query.
        this.ca = readFile(caFile).catch(error => {
          this.ca = undefined;
          throw error;
        });
      }
      else this.ca = Promise.resolve(undefined);
    }
    return this.ca;
  }

  private async get(url: URL): Promise<{ status: number; text: string }> {
    const ca = await this.certificateAuthority();
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method: 'GET',
          headers: this.headers,
          ...(ca ? { ca } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        res => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              req.destroy(new PrometheusQueryError('answer too large'));
            } else chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  async query(promql: string): Promise<PrometheusSample[]> {
    const url = new URL(`${this.baseUrl}/api/v1/query`);
    url.searchParams.set('query', promql);
    let answer: { status: number; text: string };
    try {
      answer = await this.get(url);
    } catch (error) {
      if (error instanceof PrometheusQueryError) throw error;
      const reason = clusterProblemReason(error);
      const what: Partial<Record<ClusterProblemReason, string>> = {
        timeout: `no answer within ${this.timeoutMs} ms`,
        tls: 'the certificate of Prometheus is not trusted',
        configuration: 'the CA file for Prometheus cannot be read',
      };
      throw new PrometheusQueryError(
        `${what[reason] ?? 'Prometheus is not reachable'} (${reason})`,
        { cause: error },
      );
    }
    if (answer.status < 200 || answer.status >= 300) {
      const reason = clusterProblemReason({ status: answer.status });
      throw new PrometheusQueryError(
        `Prometheus answered HTTP ${answer.status}${
          reason === 'unauthorized' || reason === 'forbidden'
            ? ` (${reason})`
            : ''
        }`,
      );
    }
    let body: any;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new PrometheusQueryError('Prometheus answered something not JSON');
    }
    if (body?.status !== 'success' || body?.data?.resultType !== 'vector') {
      throw new PrometheusQueryError(
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
