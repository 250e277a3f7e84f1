import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterProblemReason,
  ClusterSyncStatus,
  KindStatus,
  KubeObject,
} from '@meshportal/plugin-istio-common';
import { IstioClusterConfig } from './config';
import { KubeApi, KubeApiError } from './KubeApi';
import { clusterProblemReason } from './problemReason';
import { ClusterSource, SourcedObject } from './types';
import { WATCHED_KINDS, WatchedKind } from './watchedKinds';

/** Tuning knobs; the defaults suit production, tests shorten them. @public */
export interface KubeClusterSourceOptions {
  /** Items per list page. */
  pageSize?: number;
  /** Server-side watch timeout; the watch is resumed after it. */
  watchTimeoutSeconds?: number;
  /** First reconnect delay; doubled per failure up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Delay before retrying a kind that was forbidden or absent. */
  missingRetryMs?: number;
  /** Only these kinds (for tests); all watched kinds by default. */
  kinds?: string[];
  /** Builds the API client; {@link KubeApi.fromConfig} by default. */
  connect?: (cluster: IstioClusterConfig) => Promise<KubeApi>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

const keyOf = (o: any) =>
  `${o?.metadata?.namespace ?? ''}/${o?.metadata?.name ?? ''}`;

/**
 * Keeps one kind current: a paginated list, then a watch from the list's
 * resourceVersion, resumed from the last seen version. A 410 Gone (the
 * version expired) triggers a fresh list that replaces the cache only when
 * complete, so readers never see a half-built list.
 */
class KindWatcher {
  private items = new Map<string, KubeObject>();
  private resourceVersion?: string;
  private versionIndex = 0;
  state: KindStatus;

  constructor(
    private readonly api: KubeApi,
    private readonly kind: WatchedKind,
    private readonly namespace: string | undefined,
    private readonly options: Required<
      Pick<
        KubeClusterSourceOptions,
        | 'pageSize'
        | 'watchTimeoutSeconds'
        | 'initialBackoffMs'
        | 'maxBackoffMs'
        | 'missingRetryMs'
      >
    >,
    private readonly changed: () => void,
    private readonly logger: LoggerService,
  ) {
    this.state = { kind: kind.kind, state: 'pending', count: 0 };
  }

  objects(): KubeObject[] {
    return [...this.items.values()];
  }

  private get apiVersion() {
    const version = this.kind.versions[this.versionIndex];
    return this.kind.group ? `${this.kind.group}/${version}` : version;
  }

  private path(query: Record<string, string | undefined>) {
    const prefix = this.kind.group ? '/apis' : '/api';
    const ns = this.namespace
      ? `/namespaces/${encodeURIComponent(this.namespace)}`
      : '';
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
    return `${prefix}/${this.apiVersion}${ns}/${this.kind.plural}?${params}`;
  }

  private touch(patch: Partial<KindStatus>) {
    this.state = {
      ...this.state,
      ...patch,
      count: this.items.size,
      lastEventTime: new Date().toISOString(),
    };
  }

  private async list(signal: AbortSignal) {
    let fresh = new Map<string, KubeObject>();
    let token: string | undefined;
    let version: string | undefined;
    const add = (items: any[] | undefined) => {
      for (const item of items ?? []) {
        fresh.set(keyOf(item), this.kind.project(item, this.apiVersion));
      }
    };
    do {
      let page: any;
      try {
        page = await this.api.getJson(
          this.path({ limit: String(this.options.pageSize), continue: token }),
          signal,
        );
      } catch (error) {
        if (!(token && error instanceof KubeApiError && error.status === 410)) {
          throw error;
        }
        // The continue token expired mid-list: like client-go's pager, fall
        // back to one unpaginated list rather than restarting the pages.
        page = await this.api.getJson(this.path({}), signal);
        fresh = new Map();
      }
      add(page?.items);
      token = page?.metadata?.continue || undefined;
      version = page?.metadata?.resourceVersion;
    } while (token && !signal.aborted);
    if (signal.aborted) return;
    // Swap only once the whole list is in.
    this.items = fresh;
    this.resourceVersion = version;
    this.touch({ state: 'synced', reason: undefined, message: undefined });
    this.changed();
  }

  private async watch(signal: AbortSignal) {
    // Bookmarks arrive about every minute; a silent stream for longer than
    // the server's own timeout plus a margin is a dead connection.
    const idleMs = (this.options.watchTimeoutSeconds + 60) * 1000;
    await this.api.watch(
      this.path({
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: this.resourceVersion,
        timeoutSeconds: String(this.options.watchTimeoutSeconds),
      }),
      signal,
      idleMs,
      event => {
        const version = event.object?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (event.type === 'BOOKMARK') return;
        const key = keyOf(event.object);
        if (event.type === 'DELETED') this.items.delete(key);
        else
          this.items.set(key, this.kind.project(event.object, this.apiVersion));
        this.touch({ state: 'synced', reason: undefined, message: undefined });
        this.changed();
      },
      () => {
        // Resumed after a failure: the server replays what was missed from
        // here, so the kind is current again even if nothing changed.
        if (this.state.state !== 'error') return;
        this.touch({ state: 'synced', reason: undefined, message: undefined });
        this.changed();
      },
    );
  }

  async run(signal: AbortSignal) {
    let backoff = this.options.initialBackoffMs;
    let gone = 0;
    while (!signal.aborted) {
      try {
        if (!this.resourceVersion) await this.list(signal);
        if (signal.aborted) break;
        const started = Date.now();
        await this.watch(signal);
        gone = 0;
        backoff = this.options.initialBackoffMs;
        // A server closing watches at once must not make this loop spin.
        if (Date.now() - started < 1000) await sleep(backoff, signal);
      } catch (error) {
        if (signal.aborted) break;
        const status = error instanceof KubeApiError ? error.status : 0;
        const message = (error as Error).message;
        if (status === 410) {
          // Expired version: relist (at once the first time, then with
          // backoff); the old cache serves meanwhile.
          this.resourceVersion = undefined;
          if (gone++ > 0) {
            await sleep(backoff, signal);
            backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
          }
          continue;
        }
        if (
          status === 404 &&
          this.versionIndex < this.kind.versions.length - 1
        ) {
          this.versionIndex += 1;
          this.resourceVersion = undefined;
          continue;
        }
        // The first outcome of a kind may complete the cluster's first sync:
        // listeners must hear of it even when no object changed.
        const wasPending = this.state.state === 'pending';
        if (status === 403 || status === 404) {
          const hadItems = this.items.size > 0;
          this.items = new Map();
          this.resourceVersion = undefined;
          this.versionIndex = 0;
          this.touch({
            state: status === 403 ? 'forbidden' : 'absent',
            reason: clusterProblemReason(error),
            message,
          });
          if (hadItems || wasPending) this.changed();
          await sleep(this.options.missingRetryMs, signal);
          continue;
        }
        this.logger.warn(
          `istio: ${this.kind.kind} watch failed, retrying in ${backoff} ms: ${message}`,
        );
        this.state = {
          ...this.state,
          state: 'error',
          reason: clusterProblemReason(error),
          message,
        };
        if (wasPending) this.changed();
        // Jitter avoids every kind reconnecting in lock step.
        await sleep(backoff * (0.75 + Math.random() / 2), signal);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      }
    }
  }
}

/**
 * A cluster read through its API server: one list+watch loop per kind.
 * Never lists or watches Secrets.
 * @public
 */
export class KubeClusterSource implements ClusterSource {
  readonly cluster: string;
  private watchers: KindWatcher[] = [];
  private abort = new AbortController();
  private running: Promise<void>[] = [];
  private listeners = new Set<() => void>();
  private startError?: { reason: ClusterProblemReason; message: string };

  constructor(
    private readonly config: IstioClusterConfig,
    private readonly logger: LoggerService,
    private readonly options: KubeClusterSourceOptions = {},
  ) {
    this.cluster = config.name;
  }

  async start(): Promise<void> {
    let api: KubeApi;
    try {
      api = await (this.options.connect ?? KubeApi.fromConfig)(this.config);
    } catch (error) {
      const reason = clusterProblemReason(error);
      this.startError = {
        // Settings that cannot be used fail here before any request is made.
        reason: reason === 'unknown' ? 'configuration' : reason,
        message: (error as Error).message,
      };
      this.logger.error(
        `istio: cannot connect to cluster ${this.cluster}: ${this.startError.message}`,
      );
      return;
    }
    const tuning = {
      pageSize: this.options.pageSize ?? 500,
      watchTimeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
      initialBackoffMs: this.options.initialBackoffMs ?? 1000,
      // Capped low so a recovered API server is noticed within seconds (docs/reliability.md).
      maxBackoffMs: this.options.maxBackoffMs ?? 5_000,
      missingRetryMs: this.options.missingRetryMs ?? 300_000,
    };
    const kinds = WATCHED_KINDS.filter(
      k => !this.options.kinds || this.options.kinds.includes(k.kind),
    );
    const notify = () => this.listeners.forEach(listener => listener());
    this.watchers = kinds.map(
      kind =>
        new KindWatcher(
          api,
          kind,
          kind.rootNamespaceOnly ? this.config.meshRootNamespace : undefined,
          tuning,
          notify,
          this.logger.child({ cluster: this.cluster }),
        ),
    );
    this.running = this.watchers.map(w => w.run(this.abort.signal));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.running);
  }

  objects(): SourcedObject[] {
    const origin = { cluster: this.cluster };
    return this.watchers.flatMap(w =>
      w.objects().map(object => ({ object, origin })),
    );
  }

  status(): ClusterSyncStatus {
    const kinds = this.watchers.map(w => w.state);
    if (this.startError) {
      return {
        cluster: this.cluster,
        source: 'kubernetes',
        ready: true,
        degraded: true,
        kinds: [{ kind: '*', state: 'error', count: 0, ...this.startError }],
      };
    }
    return {
      cluster: this.cluster,
      source: 'kubernetes',
      ready: kinds.length > 0 && kinds.every(k => k.state !== 'pending'),
      degraded: kinds.some(k => k.state === 'error' || k.state === 'pending'),
      kinds,
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
