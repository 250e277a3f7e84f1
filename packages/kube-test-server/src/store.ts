/*
 * The object store: objects per resource, one global resourceVersion counter
 * (as etcd's revision), and a bounded history of changes for watches.
 */
import { randomUUID } from 'node:crypto';
import { ApiResourceType, resourceKey } from './catalog';
import { alreadyExists, badRequest, conflict, notFound } from './status';

/** A change to one object, as recorded in the history. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** resourceKey() of the object's type. */
  key: string;
  rv: number;
  object: any;
  /**
   * The object before a MODIFIED or DELETED change: tells selector
   * transitions and lets a past state be rebuilt.
   */
  previous?: any;
}

/** Options of writes. */
export interface WriteOptions {
  /** Validate and answer as if written, but change nothing (`dryRun=All`). */
  dryRun?: boolean;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

// Everything except metadata and status counts as spec for `generation`.
function specOf(obj: any): string {
  const { metadata: _m, status: _s, ...rest } = obj ?? {};
  return JSON.stringify(rest);
}

/** In-memory objects with resourceVersions and a bounded change history. */
export class ObjectStore {
  private revision: number;
  private readonly objects = new Map<string, Map<string, any>>();
  /** List order per resource, rebuilt after creates and deletes only. */
  private readonly sortedKeys = new Map<string, string[]>();
  private history: StoreEvent[] = [];
  /** Changes at or below this revision are no longer in the history. */
  private compacted: number;
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(private readonly historySize: number, startRevision = 1000) {
    this.revision = startRevision;
    this.compacted = startRevision;
  }

  /** The latest resourceVersion. */
  currentRevision(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch can still start from. */
  oldestWatchable(): number {
    return this.compacted;
  }

  private bucket(key: string): Map<string, any> {
    let b = this.objects.get(key);
    if (!b) {
      b = new Map();
      this.objects.set(key, b);
    }
    return b;
  }

  /** Objects of a type, optionally in one namespace, sorted by ns/name. */
  list(type: ApiResourceType, namespace?: string): any[] {
    const b = this.objects.get(resourceKey(type));
    if (!b) return [];
    const key = resourceKey(type);
    let keys = this.sortedKeys.get(key);
    if (!keys) {
      keys = [...b.keys()].sort();
      this.sortedKeys.set(key, keys);
    }
    const out: any[] = [];
    for (const k of keys) {
      const o = b.get(k);
      if (namespace === undefined || o.metadata.namespace === namespace) {
        out.push(o);
      }
    }
    return out;
  }

  /**
   * Objects of a type as they were at revision `rv`, rebuilt by undoing the
   * later changes; undefined when the history no longer reaches back there
   * (as etcd after a compaction).
   */
  listAt(type: ApiResourceType, rv: number, namespace?: string) {
    if (rv < this.compacted) return undefined;
    if (rv >= this.revision) return this.list(type, namespace);
    const key = resourceKey(type);
    const later: StoreEvent[] = [];
    for (let i = this.history.length - 1; i >= 0; i--) {
      const e = this.history[i];
      if (e.rv <= rv) break;
      if (e.key === key) later.push(e);
    }
    // Unchanged since then: the current list is that state (and is cached).
    if (later.length === 0) return this.list(type, namespace);
    const state = new Map<string, any>();
    for (const o of this.list(type)) state.set(ObjectStore.positionOf(o), o);
    for (const e of later) {
      const k = ObjectStore.positionOf(e.object);
      if (e.type === 'ADDED') state.delete(k);
      else state.set(k, e.previous);
    }
    return [...state.keys()]
      .sort()
      .map(k => state.get(k))
      .filter(
        o => namespace === undefined || o.metadata.namespace === namespace,
      );
  }

  /** Position key of an object in list order, used by continue tokens. */
  static positionOf(obj: any): string {
    return objectKey(obj.metadata.namespace, obj.metadata.name);
  }

  /** The stored object, or undefined. */
  find(
    type: ApiResourceType,
    namespace: string | undefined,
    name: string,
  ): any | undefined {
    return this.objects.get(resourceKey(type))?.get(objectKey(namespace, name));
  }

  /** The stored object; 404 when absent. */
  get(type: ApiResourceType, namespace: string | undefined, name: string) {
    const o = this.find(type, namespace, name);
    if (!o) throw notFound(type.resource, type.group, name);
    return o;
  }

  /** Every object of every type, for namespace cascades and dumps. */
  all(): { key: string; object: any }[] {
    const out: { key: string; object: any }[] = [];
    for (const [key, b] of this.objects) {
      for (const object of b.values()) out.push({ key, object });
    }
    return out;
  }

  private record(event: Omit<StoreEvent, 'rv'>): StoreEvent {
    const e = { ...event, rv: this.revision };
    this.history.push(e);
    if (this.history.length > this.historySize) {
      const dropped = this.history.splice(
        0,
        this.history.length - this.historySize,
      );
      this.compacted = dropped[dropped.length - 1].rv;
    }
    for (const l of this.listeners) l(e);
    return e;
  }

  /** Stores a new object, filling in the server-owned metadata. */
  create(type: ApiResourceType, input: any, opts: WriteOptions = {}): any {
    const obj = structuredClone(input);
    obj.metadata = obj.metadata ?? {};
    const md = obj.metadata;
    if (!md.name && md.generateName) {
      md.name = `${md.generateName}${randomUUID().slice(0, 5)}`;
    }
    if (!md.name) throw badRequest('name or generateName is required');
    if (type.namespaced) {
      md.namespace = md.namespace || 'default';
    } else {
      delete md.namespace;
    }
    const b = this.bucket(resourceKey(type));
    const k = objectKey(md.namespace, md.name);
    if (b.has(k)) throw alreadyExists(type.resource, type.group, md.name);
    md.uid = randomUUID();
    md.creationTimestamp = timestamp();
    md.generation = 1;
    delete md.deletionTimestamp;
    obj.apiVersion = type.group
      ? `${type.group}/${type.versions[0]}`
      : type.versions[0];
    obj.kind = type.kind;
    if (opts.dryRun) return obj;
    this.revision++;
    md.resourceVersion = String(this.revision);
    b.set(k, obj);
    this.sortedKeys.delete(resourceKey(type));
    this.record({ type: 'ADDED', key: resourceKey(type), object: obj });
    return obj;
  }

  /**
   * Replaces an object. A resourceVersion in the input must match the stored
   * one (optimistic concurrency); an empty one means "last write wins".
   */
  update(type: ApiResourceType, input: any, opts: WriteOptions = {}): any {
    const md = input?.metadata ?? {};
    const namespace = type.namespaced ? md.namespace || 'default' : undefined;
    const previous = this.get(type, namespace, md.name);
    if (
      md.resourceVersion &&
      md.resourceVersion !== previous.metadata.resourceVersion
    ) {
      throw conflict(type.resource, type.group, md.name);
    }
    const obj = structuredClone(input);
    const revision = opts.dryRun
      ? previous.metadata.resourceVersion
      : String(this.revision + 1);
    obj.apiVersion = previous.apiVersion;
    obj.kind = type.kind;
    obj.metadata = {
      ...obj.metadata,
      namespace,
      uid: previous.metadata.uid,
      creationTimestamp: previous.metadata.creationTimestamp,
      resourceVersion: revision,
      generation:
        specOf(obj) === specOf(previous)
          ? previous.metadata.generation
          : previous.metadata.generation + 1,
    };
    if (!type.namespaced) delete obj.metadata.namespace;
    if (opts.dryRun) return obj;
    this.revision++;
    this.bucket(resourceKey(type)).set(objectKey(namespace, md.name), obj);
    this.record({
      type: 'MODIFIED',
      key: resourceKey(type),
      object: obj,
      previous,
    });
    return obj;
  }

  /** Removes an object; the DELETED event carries a new resourceVersion. */
  delete(
    type: ApiResourceType,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions = {},
  ) {
    const previous = this.get(type, namespace, name);
    if (opts.dryRun) return structuredClone(previous);
    this.bucket(resourceKey(type)).delete(objectKey(namespace, name));
    this.sortedKeys.delete(resourceKey(type));
    this.revision++;
    const obj = structuredClone(previous);
    obj.metadata.resourceVersion = String(this.revision);
    this.record({
      type: 'DELETED',
      key: resourceKey(type),
      object: obj,
      previous,
    });
    return obj;
  }

  /**
   * Changes after `rv`, or undefined when some of them are no longer in
   * the history (the caller answers 410 Expired).
   */
  changesSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compacted) return undefined;
    return this.history.filter(e => e.rv > rv);
  }

  /**
   * Forgets the history: every resourceVersion handed out so far is
   * expired (watches and continue tokens from it get 410). The revision
   * moves on by one, as other writes move a real cluster's, so a fresh list
   * gets a resourceVersion a watch can start from.
   */
  compact(): void {
    this.revision++;
    this.history = [];
    this.compacted = this.revision;
  }

  /** Calls `listener` for every change until the returned function runs. */
  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
