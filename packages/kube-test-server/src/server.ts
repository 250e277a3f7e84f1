/*
 * The HTTPS Kubernetes API test server: authentication, routing of
 * discovery and resource paths, list/watch/write verbs, fault knobs and the
 * request log.
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
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ApiResourceType, ResourceCatalog, resourceKey } from './catalog';
import { testCertificate } from './certificate';
import { flattenObjects, parseManifests, readManifests } from './load';
import { openApiGroupVersion, openApiRoot } from './openapi';
import { applyPatch } from './patch';
import {
  ObjectFilter,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors';
import {
  badRequest,
  expired,
  failureStatus,
  notFound,
  StatusError,
} from './status';
import { ObjectStore, StoreEvent, WriteOptions } from './store';
import { toTable, wantsTable } from './table';

/**
 * The verbs of the Kubernetes authorization model, as the server saw them.
 * @public
 */
export type RequestVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection';

/**
 * One request the server received.
 * @public
 */
export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  verb: RequestVerb;
  /** `pods`, `deployments.apps`, `virtualservices.networking.istio.io`; absent for discovery and other non-resource paths. */
  resource?: string;
  namespace?: string;
  name?: string;
  /** HTTP status of the response (200 for a watch that streamed). */
  status?: number;
}

/**
 * Request counts, in total and per verb and per resource.
 * @public
 */
export interface RequestCounters {
  total: number;
  byVerb: Partial<Record<RequestVerb, number>>;
  /** Keyed by `resource` then verb. */
  byResource: Record<string, Partial<Record<RequestVerb, number>>>;
}

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

/**
 * The shape `KubeConfig.loadFromOptions` accepts.
 * @public
 */
export interface KubeConfigOptions {
  clusters: { name: string; server: string; caData: string }[];
  users: { name: string; token: string }[];
  contexts: {
    name: string;
    cluster: string;
    user: string;
    namespace?: string;
  }[];
  currentContext: string;
}

const JSON_TYPE = 'application/json';
const AGGREGATED_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

interface ResourceRequest {
  type: ApiResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface OpenWatch {
  res: ServerResponse;
  stop: () => void;
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof t.rv === 'number' && typeof t.start === 'string') return t;
  } catch {
    // fall through
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion',
  );
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

class TestServer implements KubeTestServer {
  readonly token: string;
  readonly caData: string;
  port = 0;

  private readonly catalog: ResourceCatalog;
  private readonly store: ObjectStore;
  private readonly forbidden = new Set<string>();
  private readonly watches = new Set<OpenWatch>();
  private readonly sockets = new Set<Socket>();
  /** Connections the black hole swallowed: reset when it closes. */
  private readonly held = new Set<Socket>();
  private blackHole = false;
  private log: RequestRecord[] = [];
  private latency: number;
  private readonly bookmarkInterval: number;
  private readonly gitVersion: string;
  private readonly aggregatedDiscovery: boolean;
  private readonly https: Server;
  /** Accepts connections and hands them to `https`, or holds them (black hole). */
  private readonly tcp: TcpServer;

  constructor(opts: KubeTestServerOptions) {
    const cert = testCertificate();
    this.token = opts.token ?? randomBytes(16).toString('hex');
    this.caData = cert.caPem;
    this.catalog = new ResourceCatalog({ istio: !opts.omitIstio });
    this.store = new ObjectStore(opts.historySize ?? 1000);
    this.latency = opts.latencyMs ?? 0;
    this.bookmarkInterval = opts.bookmarkIntervalMs ?? 5000;
    this.gitVersion = opts.gitVersion ?? 'v1.32.0';
    this.aggregatedDiscovery = opts.aggregatedDiscovery ?? true;
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
        this.held.delete(socket);
      });
      if (this.blackHole) this.hold(socket);
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
    return {
      clusters: [
        {
          name: 'kube-test-server',
          server: this.url,
          caData: Buffer.from(this.caData).toString('base64'),
        },
      ],
      users: [{ name: 'kube-test-server', token: this.token }],
      contexts: [
        {
          name: 'kube-test-server',
          cluster: 'kube-test-server',
          user: 'kube-test-server',
          ...(namespace ? { namespace } : {}),
        },
      ],
      currentContext: 'kube-test-server',
    };
  }

  kubeconfig(namespace?: string): string {
    return stringifyYaml({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'kube-test-server',
          cluster: {
            server: this.url,
            'certificate-authority-data': Buffer.from(this.caData).toString(
              'base64',
            ),
          },
        },
      ],
      users: [{ name: 'kube-test-server', user: { token: this.token } }],
      contexts: [
        {
          name: 'kube-test-server',
          context: {
            cluster: 'kube-test-server',
            user: 'kube-test-server',
            ...(namespace ? { namespace } : {}),
          },
        },
      ],
      'current-context': 'kube-test-server',
      preferences: {},
    });
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
      this.deleteObject(
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

  // Deleting a namespace deletes what is in it, as the namespace controller
  // eventually does.
  private deleteObject(
    type: ApiResourceType,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions = {},
  ) {
    const deleted = this.store.delete(type, namespace, name, opts);
    if (!opts.dryRun && type.resource === 'namespaces' && type.group === '') {
      for (const { object } of this.store.all()) {
        if (object.metadata.namespace !== name) continue;
        const t = this.catalog.forObject(object.apiVersion, object.kind);
        if (t) this.store.delete(t, name, object.metadata.name);
      }
    }
    return deleted;
  }

  // ---- faults ----

  setLatency(ms: number): void {
    this.latency = ms;
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
    this.blackHole = on;
    if (on) {
      // Open watches stay open and go silent.
      for (const w of [...this.watches]) {
        w.stop();
        if (w.res.socket) this.hold(w.res.socket);
      }
      return;
    }
    for (const socket of [...this.held]) socket.destroy();
    this.held.clear();
  }

  /** Keeps a connection open without ever reading or writing it. */
  private hold(socket: Socket) {
    this.held.add(socket);
    // A client giving up resets it; that must not crash the test run.
    socket.on('error', () => undefined);
  }

  expireHistory(): void {
    this.store.compact();
  }

  forbid(kind: string, forbidden = true): void {
    const key = resourceKey(this.typeOf(kind));
    if (forbidden) this.forbidden.add(key);
    else this.forbidden.delete(key);
  }

  // ---- request log ----

  requests(): RequestRecord[] {
    return this.log.map(r => ({ ...r }));
  }

  secretRequests(): RequestRecord[] {
    return this.requests().filter(r => r.resource === 'secrets');
  }

  count(filter: Partial<RequestRecord> = {}): number {
    const entries = Object.entries(filter);
    return this.log.filter(r => entries.every(([k, v]) => (r as any)[k] === v))
      .length;
  }

  counters(): RequestCounters {
    const c: RequestCounters = { total: 0, byVerb: {}, byResource: {} };
    for (const r of this.log) {
      c.total++;
      c.byVerb[r.verb] = (c.byVerb[r.verb] ?? 0) + 1;
      if (r.resource) {
        const per = (c.byResource[r.resource] ??= {});
        per[r.verb] = (per[r.verb] ?? 0) + 1;
      }
    }
    return c;
  }

  clearRequests(): void {
    this.log = [];
  }

  async close(): Promise<void> {
    await this.setOutage(true);
  }

  // ---- HTTP ----

  private send(
    res: ServerResponse,
    code: number,
    body: unknown,
    contentType = JSON_TYPE,
  ) {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
    });
    res.end(text);
  }

  private sendError(res: ServerResponse, err: unknown) {
    if (err instanceof StatusError) {
      this.send(res, err.code, err.toStatus());
    } else if (err instanceof SelectorError) {
      this.send(res, 400, badRequest(err.message).toStatus());
    } else {
      this.send(
        res,
        500,
        failureStatus(500, 'InternalError', `internal error: ${String(err)}`),
      );
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: '',
      query: {},
      verb: 'get',
    };
    this.log.push(record);
    if (this.blackHole && req.socket) {
      // A request on a connection opened before the black hole: no answer.
      record.path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
      this.hold(req.socket);
      return;
    }
    try {
      await this.serve(req, res, record);
    } catch (err) {
      this.sendError(res, err);
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

    if (this.latency > 0) await sleep(this.latency);

    const route = this.routeResource(url.pathname);
    if (route) {
      Object.assign(record, {
        verb: this.verbOf(record.method, route, query),
        resource: resourceKey(route.type),
        namespace: route.namespace,
        name: route.name,
      });
    }

    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.send(res, 401, failureStatus(401, 'Unauthorized', 'Unauthorized'));
      return;
    }

    if (!route) {
      this.serveNonResource(req, res, url.pathname);
      return;
    }
    if (this.forbidden.has(record.resource!)) {
      const t = route.type;
      const where = route.namespace
        ? `in the namespace "${route.namespace}"`
        : 'at the cluster scope';
      const what = t.group ? `${t.resource}.${t.group}` : t.resource;
      const subject = route.name ? `${what} "${route.name}"` : what;
      this.send(
        res,
        403,
        failureStatus(
          403,
          'Forbidden',
          `${subject} is forbidden: User "kube-test-server" cannot ${record.verb} resource "${t.resource}" in API group "${t.group}" ${where}`,
          { name: route.name, group: t.group || undefined, kind: t.resource },
        ),
      );
      return;
    }
    await this.serveResource(req, res, route, record.verb, query);
  }

  private verbOf(
    method: string,
    route: ResourceRequest,
    query: URLSearchParams,
  ): RequestVerb {
    switch (method) {
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return 'patch';
      case 'DELETE':
        return route.name ? 'delete' : 'deletecollection';
      default:
        if (route.name) return isTrue(query.get('watch')) ? 'watch' : 'get';
        return isTrue(query.get('watch')) ? 'watch' : 'list';
    }
  }

  /** Parses /api/v1/... and /apis/g/v/... resource paths. */
  private routeResource(pathname: string): ResourceRequest | undefined {
    const segs = pathname
      .split('/')
      .filter(s => s.length > 0)
      .map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 3) {
      group = '';
      version = segs[1];
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length >= 4) {
      group = segs[1];
      version = segs[2];
      rest = segs.slice(3);
    } else {
      return undefined;
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resource, name, subresource, ...extra] = rest;
    if (extra.length > 0) return undefined;
    const type = this.catalog.lookup(group, version, resource);
    if (!type) return undefined;
    if (namespace !== undefined && !type.namespaced) return undefined;
    return { type, version, namespace, name, subresource };
  }

  private serveNonResource(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ) {
    const path = pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept ?? '';
    // kubectl and client-go ask for aggregated discovery first and fall back
    // to the legacy documents when the answer is plain JSON.
    const aggregated =
      this.aggregatedDiscovery &&
      /g=apidiscovery\.k8s\.io;\s*v=v2(;|,|$)/.test(accept);
    const segs = path.split('/').filter(s => s.length > 0);
    let body: unknown;
    let contentType = JSON_TYPE;
    if (req.method !== 'GET') {
      body = undefined;
    } else if (path === '/version') {
      const [, major, minor] = /^v(\d+)\.(\d+)/.exec(this.gitVersion) ?? [];
      body = {
        major,
        minor,
        gitVersion: this.gitVersion,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: 'go1.23.0',
        compiler: 'gc',
        platform: 'linux/amd64',
      };
    } else if (path === '/api' || path === '/apis') {
      if (aggregated) {
        body = this.catalog.aggregatedDiscovery(path === '/api');
        contentType = AGGREGATED_TYPE;
      } else {
        body =
          path === '/api'
            ? this.catalog.apiVersions(`127.0.0.1:${this.port}`)
            : this.catalog.apiGroupList();
      }
    } else if (path === '/api/v1') {
      body = this.catalog.apiResourceList('', 'v1');
    } else if (segs[0] === 'apis' && segs.length === 2) {
      body = this.catalog.apiGroupDocument(segs[1]);
    } else if (
      segs[0] === 'apis' &&
      segs.length === 3 &&
      this.catalog.servesGroupVersion(segs[1], segs[2])
    ) {
      body = this.catalog.apiResourceList(segs[1], segs[2]);
    } else if (path === '/openapi/v3') {
      body = openApiRoot(this.catalog);
    } else if (segs[0] === 'openapi' && segs[1] === 'v3' && segs[2] === 'api') {
      body = openApiGroupVersion(this.catalog, '', segs[3]);
    } else if (
      segs[0] === 'openapi' &&
      segs[1] === 'v3' &&
      segs[2] === 'apis'
    ) {
      body = openApiGroupVersion(this.catalog, segs[3], segs[4]);
    } else if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (body === undefined) {
      this.send(
        res,
        404,
        failureStatus(
          404,
          'NotFound',
          'the server could not find the requested resource',
          {},
        ),
      );
      return;
    }
    this.send(res, 200, body, contentType);
  }

  // ---- resources ----

  private serveAs(obj: any, route: ResourceRequest): any {
    const t = route.type;
    const apiVersion = t.group ? `${t.group}/${route.version}` : route.version;
    return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  }

  private listKind(route: ResourceRequest) {
    const t = route.type;
    return {
      kind: `${t.kind}List`,
      apiVersion: t.group ? `${t.group}/${route.version}` : route.version,
    };
  }

  private async readBody(req: IncomingMessage): Promise<any> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text.trim()) throw badRequest('the request body is empty');
    try {
      // YAML is a superset of JSON; apply patches arrive as YAML.
      return (req.headers['content-type'] ?? '').includes('yaml')
        ? parseYaml(text)
        : JSON.parse(text);
    } catch (e) {
      throw badRequest(`the body could not be decoded: ${String(e)}`);
    }
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
      this.serveSecrets(res, route, verb, query);
      return;
    }
    const table = wantsTable(req.headers.accept);
    // kubectl --dry-run=server: answer as if written, change nothing.
    const write: WriteOptions = {
      dryRun: query.getAll('dryRun').includes('All'),
    };
    switch (verb) {
      case 'list':
        this.serveList(res, route, query, table);
        return;
      case 'watch':
        this.serveWatch(res, route, query, table);
        return;
      case 'get': {
        const obj = this.serveAs(
          this.store.get(t, route.namespace, route.name!),
          route,
        );
        this.send(
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
      case 'create': {
        if (t.namespaced && route.namespace === undefined) {
          throw new StatusError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        }
        const body = await this.readBody(req);
        this.checkBody(body, route);
        const created = this.store.create(
          t,
          {
            ...body,
            metadata: { ...body.metadata, namespace: route.namespace },
          },
          write,
        );
        this.send(res, 201, this.serveAs(created, route));
        return;
      }
      case 'update': {
        const body = await this.readBody(req);
        this.checkBody(body, route);
        if (body.metadata?.name !== route.name) {
          throw badRequest(
            'the name of the object does not match the name on the URL',
          );
        }
        let next = {
          ...body,
          metadata: { ...body.metadata, namespace: route.namespace },
        };
        if (route.subresource === 'status') {
          const current = this.store.get(t, route.namespace, route.name!);
          next = {
            ...current,
            status: body.status,
            metadata: {
              ...current.metadata,
              resourceVersion: body.metadata?.resourceVersion,
            },
          };
        }
        const updated = this.store.update(t, next, write);
        this.send(res, 200, this.serveAs(updated, route));
        return;
      }
      case 'patch': {
        const body = await this.readBody(req);
        const contentType = req.headers['content-type'] ?? '';
        const name = route.name!;
        let current: any;
        try {
          current = this.store.get(t, route.namespace, name);
        } catch (e) {
          // Server-side apply creates what does not exist yet.
          if (contentType.startsWith('application/apply-patch+yaml')) {
            this.checkBody(body, route);
            const created = this.store.create(
              t,
              {
                ...body,
                metadata: {
                  ...body.metadata,
                  name,
                  namespace: route.namespace,
                },
              },
              write,
            );
            this.send(res, 201, this.serveAs(created, route));
            return;
          }
          throw e;
        }
        const patchBody =
          route.subresource === 'status' && !Array.isArray(body)
            ? { status: body.status }
            : body;
        const patched: any = applyPatch(current, contentType, patchBody);
        const updated = this.store.update(
          t,
          {
            ...patched,
            metadata: {
              ...patched?.metadata,
              name,
              namespace: route.namespace,
            },
          },
          write,
        );
        this.send(res, 200, this.serveAs(updated, route));
        return;
      }
      case 'delete': {
        const deleted = this.deleteObject(
          t,
          route.namespace,
          route.name!,
          write,
        );
        this.send(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: {
            name: deleted.metadata.name,
            group: t.group || undefined,
            kind: t.resource,
            uid: deleted.metadata.uid,
          },
        });
        return;
      }
      case 'deletecollection': {
        const matches = this.selectorFilter(query);
        const items = this.store
          .list(t, route.namespace)
          .filter(matches)
          .map(o =>
            this.deleteObject(
              t,
              route.namespace ?? o.metadata.namespace,
              o.metadata.name,
              write,
            ),
          );
        this.send(res, 200, {
          ...this.listKind(route),
          metadata: { resourceVersion: this.resourceVersion() },
          items: items.map(o => this.serveAs(o, route)),
        });
        return;
      }
      default:
        throw badRequest(`unsupported verb ${verb}`);
    }
  }

  private checkBody(body: any, route: ResourceRequest) {
    const t = route.type;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('the body must be a JSON object');
    }
    if (body.kind && body.kind !== t.kind) {
      throw badRequest(
        `the kind in the data (${body.kind}) does not match the expected kind (${t.kind})`,
      );
    }
    const ns = body.metadata?.namespace;
    if (ns && route.namespace && ns !== route.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }

  private selectorFilter(query: URLSearchParams): ObjectFilter {
    const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
    const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined);
    return o => labels(o) && fields(o);
  }

  private serveList(
    res: ServerResponse,
    route: ResourceRequest,
    query: URLSearchParams,
    table: boolean,
  ) {
    const matches = this.selectorFilter(query);
    const current = this.store.currentRevision();
    const cont = query.get('continue');
    const token = cont ? decodeContinue(cont) : undefined;
    let listRv = token?.rv ?? current;
    const rvParam = query.get('resourceVersion') ?? '';
    if (!token && rvParam !== '' && rvParam !== '0') {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv) || rv < 0) {
        throw badRequest(`invalid resource version: ${rvParam}`);
      }
      // A real server waits a few seconds for a future revision; it never
      // comes here.
      if (rv > current) {
        throw new StatusError(
          504,
          'Timeout',
          `Timeout: Too large resource version: ${rv}, current: ${current}`,
        );
      }
      // NotOlderThan (the default) is served from the latest state.
      if (query.get('resourceVersionMatch') === 'Exact') listRv = rv;
    }
    const snapshot =
      listRv === current && !token
        ? this.store.list(route.type, route.namespace)
        : this.store.listAt(route.type, listRv, route.namespace);
    if (!snapshot) {
      throw expired(
        token
          ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'
          : `The resourceVersion for the provided list is too old.`,
      );
    }
    let items = snapshot.filter(matches);
    if (token) {
      items = items.filter(o => ObjectStore.positionOf(o) > token.start);
    }
    const limit = Number(query.get('limit') ?? 0);
    const metadata: Record<string, unknown> = {
      resourceVersion: String(listRv),
    };
    if (limit > 0 && items.length > limit) {
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
      metadata.continue = encodeContinue({
        rv: listRv,
        start: ObjectStore.positionOf(items[items.length - 1]),
      });
    }
    const served = items.map(o => this.serveAs(o, route));
    if (table) {
      this.send(
        res,
        200,
        toTable(served, metadata, query.get('includeObject') ?? undefined),
      );
      return;
    }
    this.send(res, 200, { ...this.listKind(route), metadata, items: served });
  }

  private serveWatch(
    res: ServerResponse,
    route: ResourceRequest,
    query: URLSearchParams,
    table: boolean,
  ) {
    const t = route.type;
    const key = resourceKey(t);
    const selector = this.selectorFilter(query);
    const inScope = (o: any) =>
      (route.namespace === undefined ||
        o.metadata.namespace === route.namespace) &&
      (route.name === undefined || o.metadata.name === route.name) &&
      selector(o);
    const rvParam = query.get('resourceVersion') ?? '';
    const fromRv =
      rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    if (fromRv !== undefined && !Number.isInteger(fromRv)) {
      throw badRequest(`invalid resource version: ${rvParam}`);
    }

    res.writeHead(200, {
      'Content-Type': JSON_TYPE,
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // Clients wait for the headers before they read events.
    res.flushHeaders();
    const write = (type: string, object: any) => {
      if (res.destroyed || res.writableEnded) return;
      const payload =
        table && type !== 'ERROR' && type !== 'BOOKMARK'
          ? toTable(
              [object],
              { resourceVersion: object.metadata.resourceVersion },
              query.get('includeObject') ?? undefined,
            )
          : object;
      res.write(`${JSON.stringify({ type, object: payload })}\n`);
    };
    const deliver = (e: StoreEvent) => {
      if (e.key !== key) return;
      const now = inScope(e.object);
      const before = e.previous ? inScope(e.previous) : now;
      let type: string = e.type;
      // Objects moving in or out of the selection look added or deleted.
      if (e.type === 'MODIFIED' && now !== before)
        type = now ? 'ADDED' : 'DELETED';
      else if (!now) return;
      write(type, this.serveAs(e.object, route));
    };

    if (fromRv === undefined) {
      for (const o of this.store.list(t, route.namespace)) {
        if (inScope(o)) write('ADDED', this.serveAs(o, route));
      }
    } else {
      const changes = this.store.changesSince(fromRv);
      if (!changes) {
        write(
          'ERROR',
          expired(
            `too old resource version: ${fromRv} (${this.store.oldestWatchable()})`,
          ).toStatus(),
        );
        res.end();
        return;
      }
      changes.forEach(deliver);
    }

    const unsubscribe = this.store.subscribe(deliver);
    const timers: NodeJS.Timeout[] = [];
    const watch: OpenWatch = {
      res,
      stop: () => {
        unsubscribe();
        timers.forEach(x => clearTimeout(x));
        this.watches.delete(watch);
      },
    };
    this.watches.add(watch);
    res.on('close', watch.stop);
    res.on('finish', watch.stop);

    if (isTrue(query.get('allowWatchBookmarks'))) {
      const bookmark = setInterval(() => {
        write('BOOKMARK', {
          kind: t.kind,
          apiVersion: t.group ? `${t.group}/${route.version}` : route.version,
          metadata: { resourceVersion: this.resourceVersion() },
        });
      }, this.bookmarkInterval);
      timers.push(bookmark);
    }
    const timeout = Number(query.get('timeoutSeconds') ?? 0);
    if (timeout > 0) {
      timers.push(
        setTimeout(() => {
          watch.stop();
          res.end();
        }, timeout * 1000),
      );
    }
  }

  private serveSecrets(
    res: ServerResponse,
    route: ResourceRequest,
    verb: RequestVerb,
    query: URLSearchParams,
  ) {
    if (verb === 'list') {
      this.send(res, 200, {
        ...this.listKind(route),
        metadata: { resourceVersion: this.resourceVersion() },
        items: [],
      });
    } else if (verb === 'watch') {
      // An empty watch: nothing to replay, nothing will ever happen.
      this.serveWatch(
        res,
        route,
        new URLSearchParams({
          ...Object.fromEntries(query),
          resourceVersion: this.resourceVersion(),
        }),
        false,
      );
    } else if (verb === 'get' || verb === 'delete') {
      throw notFound('secrets', '', route.name ?? '');
    } else {
      throw new StatusError(
        403,
        'Forbidden',
        'kube-test-server stores no secrets',
        { kind: 'secrets' },
      );
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
