import { LoggerService } from '@backstage/backend-plugin-api';
import { isDeepStrictEqual } from 'node:util';
import {
  ClusterProblemReason,
  ClusterSyncStatus,
  KindStatus,
  KubeObject,
  MissingKind,
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
  /**
   * Ceiling of the backoff after a 401: credentials refused are not fixed
   * by retrying every few seconds, but a rotated token is picked up.
   */
  unauthorizedMaxBackoffMs?: number;
  /** Delay before retrying a kind that was forbidden or absent. */
  missingRetryMs?: number;
  /**
   * Longest silence of a request: connecting, the TLS handshake, waiting
   * for an answer, between two reads of a list.
   */
  requestTimeoutMs?: number;
  /**
   * A watch with no event and no bookmark for this long is restarted; a
   * silent connection is then caught by `requestTimeoutMs`.
   */
  watchIdleTimeoutMs?: number;
  /** Only these kinds (for tests); all watched kinds by default. */
  kinds?: string[];
  /** Builds the API client; {@link KubeApi.fromConfig} by default. */
  connect?: (cluster: IstioClusterConfig) => Promise<KubeApi>;
}

/**
 * Default silences, chosen so that a connection that goes silent is
 * noticed within a minute: at most an idle watch period, then one request
 * timeout for the restarted watch (docs/reliability.md).
 * @public
 */
export const KUBE_SYNC_DEFAULTS = {
  requestTimeoutMs: 20_000,
  watchIdleTimeoutMs: 30_000,
} as const;

type Tuning = Required<
  Pick<
    KubeClusterSourceOptions,
    | 'pageSize'
    | 'watchTimeoutSeconds'
    | 'initialBackoffMs'
    | 'maxBackoffMs'
    | 'unauthorizedMaxBackoffMs'
    | 'missingRetryMs'
    | 'requestTimeoutMs'
    | 'watchIdleTimeoutMs'
  >
>;

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

const withoutVersion = (o: KubeObject) => ({
  ...o,
  metadata: { ...o.metadata, resourceVersion: undefined },
});

/**
 * Two projections the engine cannot tell apart: a change of a field the
 * projection drops (most of a pod's status) still bumps resourceVersion.
 */
function sameProjection(stored: KubeObject | undefined, next: KubeObject) {
  return (
    stored !== undefined &&
    isDeepStrictEqual(withoutVersion(stored), withoutVersion(next))
  );
}

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
  /** A list of this kind completed once: its cache holds real data. */
  listed = false;
  private logged = 'synced';
  state: KindStatus;

  constructor(
    private readonly api: KubeApi,
    readonly kind: WatchedKind,
    private readonly namespace: string | undefined,
    private readonly options: Tuning,
    private readonly changed: () => void,
    private readonly logger: LoggerService,
  ) {
    this.state = { kind: kind.kind, state: 'pending', count: 0 };
  }

  objects(): KubeObject[] {
    return [...this.items.values()];
  }

  /** Why this kind's objects are not in the cache at all, if they are not. */
  missing(): MissingKind | undefined {
    const { state, reason } = this.state;
    if (state === 'synced') return undefined;
    if (state === 'absent' && this.kind.optionalCrd) return undefined;
    // A failing kind listed before keeps serving its last objects: stale, not missing.
    if (state === 'error' && this.listed) return undefined;
    return { kind: this.kind.kind, state, reason };
  }

  /** Logs a change of state once, not every retry. */
  private logState(retryMs?: number) {
    const { state, reason, message } = this.state;
    const key = `${state}/${reason ?? ''}`;
    if (key === this.logged) return;
    const was = this.logged;
    this.logged = key;
    if (state === 'synced') {
      this.logger.info(`istio: ${this.kind.kind} synced again (was ${was})`);
      return;
    }
    const retry = retryMs ? `, retrying with backoff up to ${retryMs} ms` : '';
    this.logger.warn(
      `istio: ${this.kind.kind} ${state} (${reason})${retry}: ${message}`,
    );
  }

  private synced() {
    this.touch({ state: 'synced', reason: undefined, message: undefined });
    if (this.logged !== 'synced') this.logState();
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
          this.options.requestTimeoutMs,
        );
      } catch (error) {
        if (!(token && error instanceof KubeApiError && error.status === 410)) {
          throw error;
        }
        // The continue token expired mid-list: like client-go's pager, fall
        // back to one unpaginated list rather than restarting the pages.
        page = await this.api.getJson(
          this.path({}),
          signal,
          this.options.requestTimeoutMs,
        );
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
    this.listed = true;
    this.synced();
    this.changed();
  }

  private async watch(signal: AbortSignal) {
    // A quiet but healthy watch idles out too (when the server sends no
    // bookmark that often) and is resumed at no cost; a dead connection
    // fails the resumed request within the request timeout.
    const end = await this.api.watch(
      this.path({
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: this.resourceVersion,
        timeoutSeconds: String(this.options.watchTimeoutSeconds),
      }),
      signal,
      {
        timeoutMs: this.options.requestTimeoutMs,
        idleMs: this.options.watchIdleTimeoutMs,
      },
      event => {
        const version = event.object?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (event.type === 'BOOKMARK') return;
        const key = keyOf(event.object);
        if (event.type === 'DELETED') this.items.delete(key);
        else {
          const next = this.kind.project(event.object, this.apiVersion);
          const unchanged = sameProjection(this.items.get(key), next);
          // Kept, so the cache holds the latest resourceVersion.
          this.items.set(key, next);
          // Status or resourceVersion churn the engine cannot see: nothing
          // to rebuild (unless this event is the first after a failure).
          if (unchanged && this.state.state === 'synced') return;
        }
        this.synced();
        this.changed();
      },
      () => {
        // Resumed after a failure: the server replays what was missed from
        // here, so the kind is current again even if nothing changed.
        if (this.state.state !== 'error') return;
        this.synced();
        this.changed();
      },
    );
    if (end === 'idle') {
      this.logger.debug(`istio: ${this.kind.kind} watch idle, resuming it`);
    }
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
          this.listed = false;
          this.touch({
            state: status === 403 ? 'forbidden' : 'absent',
            reason: clusterProblemReason(error),
            message,
          });
          this.logState(this.options.missingRetryMs);
          if (hadItems || wasPending) this.changed();
          await sleep(this.options.missingRetryMs, signal);
          continue;
        }
        // Refused credentials are retried slowly, not in a loop of 401s.
        const ceiling =
          status === 401
            ? this.options.unauthorizedMaxBackoffMs
            : this.options.maxBackoffMs;
        this.state = {
          ...this.state,
          state: 'error',
          reason: clusterProblemReason(error),
          message,
        };
        this.logState(ceiling);
        if (wasPending) this.changed();
        // Jitter avoids every kind reconnecting in lock step.
        await sleep(
          Math.min(backoff, ceiling) * (0.75 + Math.random() / 2),
          signal,
        );
        backoff = Math.min(backoff * 2, ceiling);
      }
    }
  }
}

/**
 * A cluster read through its API server: one list+watch loop per kind.
 * Never lists or watches Secrets. Settings that cannot be used yet (a
 * kubeconfig not mounted, an exec plugin failing) are retried with backoff.
 * @public
 */
export class KubeClusterSource implements ClusterSource {
  readonly cluster: string;
  private watchers: KindWatcher[] = [];
  private abort = new AbortController();
  private running: Promise<void>[] = [];
  private listeners = new Set<() => void>();
  private startError?: { reason: ClusterProblemReason; message: string };
  private readonly tuning: Tuning;

  constructor(
    private readonly config: IstioClusterConfig,
    private readonly logger: LoggerService,
    private readonly options: KubeClusterSourceOptions = {},
  ) {
    this.cluster = config.name;
    this.tuning = {
      pageSize: options.pageSize ?? 500,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
      initialBackoffMs: options.initialBackoffMs ?? 1000,
      // Capped low so a recovered API server is noticed within seconds (docs/reliability.md).
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
      unauthorizedMaxBackoffMs: options.unauthorizedMaxBackoffMs ?? 60_000,
      missingRetryMs: options.missingRetryMs ?? 300_000,
      requestTimeoutMs:
        options.requestTimeoutMs ?? KUBE_SYNC_DEFAULTS.requestTimeoutMs,
      watchIdleTimeoutMs:
        options.watchIdleTimeoutMs ?? KUBE_SYNC_DEFAULTS.watchIdleTimeoutMs,
    };
  }

  /** Connects (retrying in the background when it fails) and starts the watches. */
  async start(): Promise<void> {
    const api = await this.connect();
    if (api) this.watch(api);
    else this.running.push(this.reconnect());
  }

  private async connect(): Promise<KubeApi | undefined> {
    try {
      const api = await (this.options.connect ?? KubeApi.fromConfig)(
        this.config,
      );
      if (this.startError) {
        this.logger.info(`istio: connected to cluster ${this.cluster}`);
      }
      this.startError = undefined;
      return api;
    } catch (error) {
      const reason = clusterProblemReason(error);
      const previous = this.startError;
      this.startError = {
        // Settings that cannot be used fail here before any request is made.
        reason: reason === 'unknown' ? 'configuration' : reason,
        message: (error as Error).message,
      };
      if (previous?.message !== this.startError.message) {
        this.logger.error(
          `istio: cannot connect to cluster ${this.cluster}, retrying with backoff: ${this.startError.message}`,
        );
      }
      return undefined;
    }
  }

  private async reconnect() {
    const signal = this.abort.signal;
    let backoff = this.tuning.initialBackoffMs;
    while (!signal.aborted) {
      await sleep(backoff, signal);
      if (signal.aborted) return;
      const api = await this.connect();
      if (api) {
        this.watch(api);
        return;
      }
      backoff = Math.min(backoff * 2, this.tuning.maxBackoffMs);
    }
  }

  private watch(api: KubeApi) {
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
          this.tuning,
          notify,
          this.logger.child({ cluster: this.cluster }),
        ),
    );
    this.running.push(...this.watchers.map(w => w.run(this.abort.signal)));
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
    if (this.startError) {
      const failed = { kind: '*', state: 'error' as const, ...this.startError };
      return {
        cluster: this.cluster,
        source: 'kubernetes',
        ready: false,
        degraded: true,
        missingKinds: [{ kind: '*', state: 'error', reason: failed.reason }],
        kinds: [{ ...failed, count: 0 }],
      };
    }
    const kinds = this.watchers.map(w => w.state);
    const missingKinds = this.watchers.flatMap(w => w.missing() ?? []);
    return {
      cluster: this.cluster,
      source: 'kubernetes',
      // Until one list succeeds, an empty cache says nothing about the cluster.
      ready:
        this.watchers.some(w => w.listed) &&
        kinds.every(k => k.state !== 'pending'),
      degraded:
        missingKinds.length > 0 ||
        kinds.some(k => k.state === 'error' || k.state === 'pending'),
      missingKinds,
      kinds,
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
