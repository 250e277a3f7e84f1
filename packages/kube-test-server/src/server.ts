/*
 * The HTTPS Kubernetes API test server: starts the listener, authenticates,
 * and wires routing to the discovery, list, watch, write, fault and request
 * log modules.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import {
  AddressInfo,
  createServer as createTcpServer,
  Server as TcpServer,
  Socket,
} from 'node:net';
import { ApiResourceType, ResourceCatalog, resourceKey } from './catalog';
import { testCertificate } from './certificate';
import { serveNonResource } from './discovery';
import { Faults, forbiddenStatus } from './faults';
import { send, sendError } from './http';
import {
  KubeConfigOptions,
  kubeConfigOptions,
  kubeconfigYaml,
} from './kubeconfig';
import { serveList } from './list';
import { flattenObjects, parseManifests, readManifests } from './load';
import {
  RequestCounters,
  RequestLog,
  RequestRecord,
  RequestVerb,
} from './requestLog';
import { ResourceRequest, routeResource, serveAs, verbOf } from './routes';
import { serveSecrets } from './secrets';
import { failureStatus, notFound, StatusError } from './status';
import { ObjectStore } from './store';
import { toTable, wantsTable } from './table';
import { OpenWatch, serveWatch, WatchContext } from './watch';
import { deleteObject, serveWrite, WriteContext } from './writes';

export type { KubeConfigOptions } from './kubeconfig';
export type { RequestCounters, RequestRecord, RequestVerb } from './requestLog';

/**
 * Options of {@link startKubeTestServer}.
 * @public
 */
export interface KubeTestServerOptions {
  /** Bearer token clients must send; a random one when absent. */
  token?: string;
  /** Serve no Istio API groups, as a cluster without Istio's CRDs. */
  omitIstio?: boolean;
  /**
   * Kinds every request for which is answered 403 Forbidden. Each entry is
   * a Kind (`Pod`), a resource (`pods`) or `resource.group`.
   */
  forbid?: string[];
  /** How many changes watches can replay (default 1000). */
  historySize?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 5 s). */
  bookmarkIntervalMs?: number;
  /** Delay before answering every request (default 0). */
  latencyMs?: number;
  /** Objects to load at start. */
  objects?: unknown[];
  /**
   * Start in an outage: a free port is chosen, then nothing listens on it
   * until `setOutage(false)` (a cluster down when its client starts).
   */
  outage?: boolean;
  /**
   * Answer aggregated discovery (apidiscovery.k8s.io/v2) when asked
   * (default true); false serves only the legacy documents, as old servers.
   */
  aggregatedDiscovery?: boolean;
  /** The `gitVersion` /version reports (default v1.32.0). */
  gitVersion?: string;
}

/**
 * A running test server.
 * @public
 */
export interface KubeTestServer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** PEM of the CA that issued the server certificate. */
  readonly caData: string;
  /** Options for `KubeConfig.loadFromOptions` of `@kubernetes/client-node`. */
  kubeConfigOptions(namespace?: string): KubeConfigOptions;
  /** The kubeconfig YAML kubectl needs (CA data, token, context). */
  kubeconfig(namespace?: string): string;
  /** Writes {@link KubeTestServer.kubeconfig} to a file. */
  writeKubeconfig(path: string, namespace?: string): void;

  /**
   * Creates or replaces objects (watches see ADDED or MODIFIED). `List`
   * objects are flattened. Kinds the server does not serve (all Istio kinds
   * when `omitIstio`), secrets and nameless objects are skipped.
   */
  load(objects: unknown[]): LoadResult;
  /** Loads multi-document YAML text. */
  loadYaml(text: string): LoadResult;
  /** Loads YAML files. */
  loadFiles(...paths: string[]): LoadResult;
  /** Deletes an object (watches see DELETED); false when absent. */
  remove(kind: string, namespace: string | undefined, name: string): boolean;
  /** Stored objects of a kind (Kind, resource or resource.group). */
  objects(kind: string, namespace?: string): any[];
  /** The latest resourceVersion. */
  resourceVersion(): string;

  /** Delay every following request by `ms`. */
  setLatency(ms: number): void;
  /** Ends every open watch; `abrupt` resets the connections instead. */
  dropWatches(opts?: { abrupt?: boolean }): number;
  /** Number of watches being streamed. */
  openWatches(): number;
  /**
   * Outage on: the listener closes and every connection is cut, so clients
   * see ECONNREFUSED. Off: listens again on the same port.
   */
  setOutage(down: boolean): Promise<void>;
  /**
   * Black hole on: connections are still accepted but nothing is ever
   * answered: new connections get no TLS handshake, requests on open
   * connections no response, open watches no event or bookmark. Off:
   * every connection held meanwhile is reset and new ones are served.
   */
  setBlackHole(on: boolean): void;
  /** Compacts the history: every resourceVersion before now gets 410. */
  expireHistory(): void;
  /** Answers 403 for a kind from now on (`false` lifts it). */
  forbid(kind: string, forbidden?: boolean): void;

  /** Requests received so far, oldest first. */
  requests(): RequestRecord[];
  /** Requests for secrets (the server stores none; tests expect none). */
  secretRequests(): RequestRecord[];
  /** Counts requests, optionally only those matching every given field. */
  count(filter?: Partial<RequestRecord>): number;
  counters(): RequestCounters;
  clearRequests(): void;

  close(): Promise<void>;
}

/**
 * What {@link KubeTestServer.load} did.
 * @public
 */
export interface LoadResult {
  loaded: number;
  /** `apiVersion kind namespace/name` of each object not stored. */
  skipped: string[];
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

class TestServer implements KubeTestServer {
  readonly token: string;
  readonly caData: string;
  port = 0;

  private readonly catalog: ResourceCatalog;
  private readonly store: ObjectStore;
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  private readonly faults: Faults;
  private readonly log = new RequestLog();
  private readonly gitVersion: string;
  private readonly aggregatedDiscovery: boolean;
  private readonly watchContext: WatchContext;
  private readonly writeContext: WriteContext;
  private readonly https: Server;
  /** Accepts connections and hands them to `https`, or holds them (black hole). */
  private readonly tcp: TcpServer;

  constructor(opts: KubeTestServerOptions) {
    const cert = testCertificate();
    this.token = opts.token ?? randomBytes(16).toString('hex');
    this.caData = cert.caPem;
    this.catalog = new ResourceCatalog({ istio: !opts.omitIstio });
    this.store = new ObjectStore(opts.historySize ?? 1000);
    this.faults = new Faults(opts.latencyMs ?? 0);
    this.gitVersion = opts.gitVersion ?? 'v1.32.0';
    this.aggregatedDiscovery = opts.aggregatedDiscovery ?? true;
    this.watchContext = {
      store: this.store,
      watches: this.watches,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 5000,
    };
    this.writeContext = { store: this.store, catalog: this.catalog };
    for (const k of opts.forbid ?? []) this.forbid(k);
    this.https = createServer(
      { key: cert.keyPem, cert: cert.certPem },
      (req, res) => {
        this.handle(req, res);
      },
    );
    this.tcp = createTcpServer(socket => {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.faults.held.delete(socket);
      });
      if (this.faults.blackHole) this.faults.hold(socket);
      else this.https.emit('connection', socket);
    });
    // A client that gives up mid-handshake must not crash the test run.
    this.https.on('tlsClientError', () => undefined);
    if (opts.objects) this.load(opts.objects);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, '127.0.0.1', () => {
        this.tcp.off('error', reject);
        this.port = (this.tcp.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  // ---- client configuration ----

  kubeConfigOptions(namespace?: string): KubeConfigOptions {
    return kubeConfigOptions(this, namespace);
  }

  kubeconfig(namespace?: string): string {
    return kubeconfigYaml(this, namespace);
  }

  writeKubeconfig(path: string, namespace?: string): void {
    writeFileSync(path, this.kubeconfig(namespace), { mode: 0o600 });
  }

  // ---- objects ----

  private typeOf(kind: string): ApiResourceType {
    const t = this.catalog.resolve(kind);
    if (!t) throw new Error(`kube-test-server: unknown kind ${kind}`);
    return t;
  }

  load(objects: unknown[]): LoadResult {
    const result: LoadResult = { loaded: 0, skipped: [] };
    for (const raw of flattenObjects(objects)) {
      const obj = raw as any;
      const type = this.catalog.forObject(
        String(obj.apiVersion ?? ''),
        String(obj.kind ?? ''),
      );
      const md = obj.metadata ?? {};
      const label = `${obj.apiVersion} ${obj.kind} ${md.namespace ?? ''}/${
        md.name
      }`;
      // Secrets are never stored: the portal must not read them.
      if (!type || type.resource === 'secrets' || !md.name) {
        result.skipped.push(label);
        continue;
      }
      const namespace = type.namespaced ? md.namespace || 'default' : undefined;
      if (this.store.find(type, namespace, md.name)) {
        this.store.update(type, {
          ...obj,
          metadata: { ...md, namespace, resourceVersion: undefined },
        });
      } else {
        this.store.create(type, obj);
      }
      result.loaded++;
    }
    return result;
  }

  loadYaml(text: string): LoadResult {
    return this.load(parseManifests(text));
  }

  loadFiles(...paths: string[]): LoadResult {
    return this.load(readManifests(...paths));
  }

  remove(kind: string, namespace: string | undefined, name: string): boolean {
    const type = this.typeOf(kind);
    try {
      deleteObject(
        this.writeContext,
        type,
        type.namespaced ? namespace ?? 'default' : undefined,
        name,
      );
      return true;
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return false;
      throw e;
    }
  }

  objects(kind: string, namespace?: string): any[] {
    return this.store
      .list(this.typeOf(kind), namespace)
      .map(o => structuredClone(o));
  }

  resourceVersion(): string {
    return String(this.store.currentRevision());
  }

  // ---- faults ----

  setLatency(ms: number): void {
    this.faults.latencyMs = ms;
  }

  dropWatches(opts?: { abrupt?: boolean }): number {
    const n = this.watches.size;
    for (const w of [...this.watches]) {
      w.stop();
      if (opts?.abrupt) w.res.destroy();
      else w.res.end();
    }
    return n;
  }

  openWatches(): number {
    return this.watches.size;
  }

  async setOutage(down: boolean): Promise<void> {
    if (down) {
      if (!this.tcp.listening) return;
      const closed = new Promise<void>(resolve =>
        this.tcp.close(() => resolve()),
      );
      for (const w of [...this.watches]) w.stop();
      for (const s of this.sockets) s.destroy();
      await closed;
    } else if (!this.tcp.listening) {
      await this.listen(this.port);
    }
  }

  setBlackHole(on: boolean): void {
    this.faults.blackHole = on;
    if (on) {
      // Open watches stay open and go silent.
      for (const w of [...this.watches]) {
        w.stop();
        if (w.res.socket) this.faults.hold(w.res.socket);
      }
      return;
    }
    this.faults.releaseHeld();
  }

  expireHistory(): void {
    this.store.compact();
  }

  forbid(kind: string, forbidden = true): void {
    const key = resourceKey(this.typeOf(kind));
    if (forbidden) this.faults.forbidden.add(key);
    else this.faults.forbidden.delete(key);
  }

  // ---- request log ----

  requests(): RequestRecord[] {
    return this.log.requests();
  }

  secretRequests(): RequestRecord[] {
    return this.log.secretRequests();
  }

  count(filter: Partial<RequestRecord> = {}): number {
    return this.log.count(filter);
  }

  counters(): RequestCounters {
    return this.log.counters();
  }

  clearRequests(): void {
    this.log.clear();
  }

  async close(): Promise<void> {
    await this.setOutage(true);
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const record = this.log.begin(req.method ?? 'GET');
    if (this.faults.blackHole && req.socket) {
      // A request on a connection opened before the black hole: no answer.
      record.path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
      this.faults.hold(req.socket);
      return;
    }
    try {
      await this.serve(req, res, record);
    } catch (err) {
      sendError(res, err);
    }
    // A watch is still streaming here: its status is that of its headers.
    if (res.headersSent) record.status = res.statusCode;
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    record: RequestRecord,
  ) {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const query = url.searchParams;
    record.path = url.pathname;
    record.query = Object.fromEntries(query);

    if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);

    const route = routeResource(this.catalog, url.pathname);
    if (route) {
      Object.assign(record, {
        verb: verbOf(record.method, route, query),
        resource: resourceKey(route.type),
        namespace: route.namespace,
        name: route.name,
      });
    }

    if (req.headers.authorization !== `Bearer ${this.token}`) {
      send(res, 401, failureStatus(401, 'Unauthorized', 'Unauthorized'));
      return;
    }

    if (!route) {
      serveNonResource(req, res, url.pathname, {
        catalog: this.catalog,
        gitVersion: this.gitVersion,
        aggregatedDiscovery: this.aggregatedDiscovery,
        port: this.port,
      });
      return;
    }
    if (this.faults.forbidden.has(record.resource!)) {
      send(res, 403, forbiddenStatus(route, record.verb));
      return;
    }
    await this.serveResource(req, res, route, record.verb, query);
  }

  private async serveResource(
    req: IncomingMessage,
    res: ServerResponse,
    route: ResourceRequest,
    verb: RequestVerb,
    query: URLSearchParams,
  ) {
    const t = route.type;
    if (route.subresource && route.subresource !== 'status') {
      throw notFound(t.resource, t.group, route.name ?? '');
    }
    // Secrets: every request is logged above; nothing is ever stored.
    if (t.resource === 'secrets') {
      serveSecrets(this.watchContext, res, route, verb, query);
      return;
    }
    const table = wantsTable(req.headers.accept);
    switch (verb) {
      case 'list':
        serveList(this.store, res, route, query, table);
        return;
      case 'watch':
        serveWatch(this.watchContext, res, route, query, table);
        return;
      case 'get': {
        const obj = serveAs(
          this.store.get(t, route.namespace, route.name!),
          route,
        );
        send(
          res,
          200,
          table
            ? toTable(
                [obj],
                { resourceVersion: obj.metadata.resourceVersion },
                query.get('includeObject') ?? undefined,
              )
            : obj,
        );
        return;
      }
      default:
        await serveWrite(this.writeContext, req, res, route, verb, query);
    }
  }
}

/**
 * Starts a Kubernetes API test server on 127.0.0.1 with a free port.
 * @public
 */
export async function startKubeTestServer(
  options: KubeTestServerOptions = {},
): Promise<KubeTestServer> {
  const server = new TestServer(options);
  await server.listen(0);
  if (options.outage) await server.setOutage(true);
  return server;
}
