/*
 * The request log: every request the server received, with the verb and
 * resource the Kubernetes authorization model would see.
 */

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

/** Requests received so far, oldest first. */
export class RequestLog {
  private log: RequestRecord[] = [];

  /** Starts the record of a request; routing fills it in as it goes. */
  begin(method: string): RequestRecord {
    const record: RequestRecord = {
      method,
      path: '',
      query: {},
      verb: 'get',
    };
    this.log.push(record);
    return record;
  }

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

  clear(): void {
    this.log = [];
  }
}
