import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
// An ESM-only package: Node 22.12+ loads it from the CommonJS build.
import { KubeConfig } from '@kubernetes/client-node';
import { IstioClusterConfig } from './config';

/** A non-2xx answer of the API server (or a watch ERROR event). @public */
export class KubeApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
  }
}

/** TLS and headers for one request, as a kubeconfig or a token gives them. */
type RequestSettings = Pick<
  https.RequestOptions,
  'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'headers'
>;

/** One watch event as the API server streams it. @public */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

/** A request or a watch that went silent: the name the problem reason reads. */
class SilenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** How a watch stream ended without an error. @public */
export type WatchEnd = 'closed' | 'idle';

/**
 * The few API server calls the backend makes: GET of a list, and a watch
 * stream. Only reads; credentials stay inside this class.
 * @public
 */
export class KubeApi {
  private constructor(
    private readonly server: URL,
    private readonly settings: () => Promise<RequestSettings>,
  ) {}

  /** Connects with a service account token or a kubeconfig. */
  static async fromConfig(cluster: IstioClusterConfig): Promise<KubeApi> {
    if (cluster.authProvider === 'kubeconfig') {
      const kc = new KubeConfig();
      if (cluster.kubeconfigPath) kc.loadFromFile(cluster.kubeconfigPath);
      else kc.loadFromDefault();
      if (cluster.kubeconfigContext)
        kc.setCurrentContext(cluster.kubeconfigContext);
      const server = cluster.url ?? kc.getCurrentCluster()?.server;
      if (!server) {
        throw new Error(`cluster ${cluster.name}: kubeconfig has no server`);
      }
      return new KubeApi(new URL(server), async () => {
        const options: https.RequestOptions = {};
        await kc.applyToHTTPSOptions(options);
        return options;
      });
    }
    let ca: string | Buffer | undefined;
    if (cluster.caData) ca = Buffer.from(cluster.caData, 'base64');
    else if (cluster.caFile) ca = await readFile(cluster.caFile);
    const headers: Record<string, string> = {};
    if (cluster.serviceAccountToken) {
      headers.authorization = `Bearer ${cluster.serviceAccountToken}`;
    }
    const settings: RequestSettings = {
      ca,
      rejectUnauthorized: !cluster.skipTLSVerify,
      headers,
    };
    return new KubeApi(new URL(cluster.url!), async () => settings);
  }

  /**
   * `timeoutMs` bounds every silence of the connection: connecting, the
   * TLS handshake, the wait for the headers and each read of the body.
   */
  private async request(
    path: string,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<http.IncomingMessage> {
    const settings = await this.settings();
    const url = new URL(path, this.server);
    // Keep a path prefix of the server URL (API servers behind a proxy).
    url.pathname = `${this.server.pathname.replace(/\/$/, '')}${
      path.split('?')[0]
    }`;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method: 'GET',
          ...settings,
          headers: { ...settings.headers, accept: 'application/json' },
          signal,
          timeout: timeoutMs,
        },
        resolve,
      );
      req.on('timeout', () =>
        req.destroy(
          new SilenceError(`no answer from the API server in ${timeoutMs} ms`),
        ),
      );
      req.on('error', reject);
      req.end();
    });
  }

  private static async failure(
    res: http.IncomingMessage,
  ): Promise<KubeApiError> {
    let text = '';
    for await (const chunk of res) {
      text += chunk;
      if (text.length > 4096) break;
    }
    let message = text.trim() || (res.statusMessage ?? '');
    try {
      message = JSON.parse(text).message ?? message;
    } catch {
      // Not a Status object; the raw text is the message.
    }
    return new KubeApiError(
      res.statusCode ?? 0,
      `HTTP ${res.statusCode}: ${message}`,
    );
  }

  /** GET returning parsed JSON; throws {@link KubeApiError} on non-2xx. */
  async getJson(
    path: string,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<any> {
    const res = await this.request(path, signal, timeoutMs);
    if ((res.statusCode ?? 0) >= 300) throw await KubeApi.failure(res);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  /**
   * Streams watch events until the server closes the stream (resolves
   * `closed`), nothing (not even a bookmark) arrived for `idleMs` (resolves
   * `idle`: the caller restarts the watch) or the connection fails
   * (rejects). A watch ERROR event rejects with its code. The headers must
   * arrive within `timeoutMs`; `onOpen` is called once they have.
   */
  async watch(
    path: string,
    signal: AbortSignal,
    timeouts: { timeoutMs: number; idleMs: number },
    onEvent: (event: WatchEvent) => void,
    onOpen?: () => void,
  ): Promise<WatchEnd> {
    const res = await this.request(path, signal, timeouts.timeoutMs);
    if ((res.statusCode ?? 0) >= 300) throw await KubeApi.failure(res);
    // From here silence is judged per event, not per socket read.
    res.socket?.setTimeout(0);
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        res.destroy();
      }, timeouts.idleMs);
    };
    arm();
    onOpen?.();
    let buffered = '';
    res.setEncoding('utf8');
    try {
      for await (const chunk of res) {
        arm();
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
          if (!line) continue;
          const event = JSON.parse(line) as WatchEvent;
          if (event.type === 'ERROR') {
            const status = event.object ?? {};
            throw new KubeApiError(
              Number(status.code) || 500,
              `watch: ${status.message ?? 'error event'}`,
            );
          }
          onEvent(event);
        }
      }
    } catch (error) {
      if (!idle) throw error;
    } finally {
      clearTimeout(timer);
    }
    return idle ? 'idle' : 'closed';
  }
}
