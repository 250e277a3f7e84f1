import { ResponseError } from '@backstage/errors';
import { IstioClient } from './IstioClient';

function client(respond: (url: string) => { status?: number; body: unknown }) {
  const fetch = jest.fn(async (url: string, _init?: RequestInit) => {
    const { status = 200, body } = respond(url);
    const text = JSON.stringify(body);
    return {
      ok: status < 400,
      status,
      statusText: status === 404 ? 'Not Found' : 'OK',
      url,
      headers: new Headers({ 'content-type': 'application/json' }),
      redirected: false,
      type: 'basic',
      json: async () => JSON.parse(text),
      text: async () => text,
    } as any;
  });
  return {
    fetch,
    api: new IstioClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/istio' },
      fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
    }),
  };
}

describe('IstioClient', () => {
  it('reads callers of an entity or a namespace, and posts "notify caller owners" to the matching route', async () => {
    const { api, fetch } = client(url =>
      url.endsWith('notify-callers')
        ? { body: { notified: ['group:default/team-ledger'] } }
        : { body: { callers: [{ sourceWorkload: 'batch' }] } },
    );
    const entity = { kind: 'Component', namespace: 'default', name: 'ledger' };
    const callers = await api.getCallers({ entity });
    expect(callers).toEqual({
      callers: [{ sourceWorkload: 'batch', entities: [] }],
      telemetryUnavailable: [],
    });
    await api.getCallers({ cluster: 'eu 1', namespace: 'ledger' });
    const told = await api.notifyCallerOwners(
      { cluster: 'eu 1', namespace: 'ledger' },
      { plannedDate: '2099-01-31' },
    );
    expect(told).toEqual({
      notified: ['group:default/team-ledger'],
      alreadyNotified: [],
      unclaimed: [],
    });
    await api.notifyCallerOwners({ entity }, { plannedDate: '2099-01-31' });
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      'http://backend/api/istio/v1/entities/component/default/ledger/callers',
      'http://backend/api/istio/v1/adoption/callers?cluster=eu+1&namespace=ledger',
      'http://backend/api/istio/v1/adoption/notify-callers',
      'http://backend/api/istio/v1/entities/component/default/ledger/notify-callers',
    ]);
    const posted = fetch.mock.calls.slice(2).map(([, init]: any) => ({
      method: init.method,
      body: JSON.parse(init.body),
    }));
    expect(posted).toEqual([
      {
        method: 'POST',
        body: {
          plannedDate: '2099-01-31',
          cluster: 'eu 1',
          namespace: 'ledger',
        },
      },
      { method: 'POST', body: { plannedDate: '2099-01-31' } },
    ]);
  });

  it('asks for an entity by lower-cased kind and encoded names, and fills missing lists', async () => {
    const { api, fetch } = client(() => ({
      body: {
        entityRef: 'component:default/a b',
        selector: { labelSelector: 'x=y' },
        generatedAt: '2026-11-22T00:00:00Z',
        ageSeconds: 1,
        stale: false,
        readiness: { stage: 'strict', blockers: [] },
        clusters: [{ cluster: 'c1', workloads: [] }],
      },
    }));
    const posture = await api.getEntityPosture({
      kind: 'Component',
      namespace: 'default',
      name: 'a b',
    });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/istio/v1/entities/component/default/a%20b',
    );
    expect(posture.pendingClusters).toEqual([]);
    expect(posture.clusters[0].services).toEqual([]);
    expect(posture.clusters[0].findings).toEqual([]);
    expect(posture.clusters[0].authorizationPolicies).toEqual([]);
  });

  it('rejects with a ResponseError carrying the status', async () => {
    const { api } = client(() => ({
      status: 404,
      body: { error: { name: 'NotFoundError', message: 'nope' } },
    }));
    const error = await api
      .getEntityPosture({ kind: 'Component', namespace: 'default', name: 'x' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
  });

  it('passes adoption filters as query parameters', async () => {
    const { api, fetch } = client(() => ({
      body: { generatedAt: 'now', totals: {} },
    }));
    const report = await api.getAdoption({
      owner: 'group:default/a',
      cluster: 'c1',
    });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/istio/v1/adoption?owner=group%3Adefault%2Fa&cluster=c1',
    );
    expect(report.byNamespace).toEqual([]);
    expect(report.topFindings).toEqual([]);
  });

  it('turns history points into sorted chart points, with blockers summed over namespaces', async () => {
    const { api, fetch } = client(() => ({
      body: {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-22T00:00:00.000Z',
        points: [
          {
            periodStart: '2026-11-21T00:00:00.000Z',
            totals: {
              workloads: 10,
              enrolled: 5,
              strict: 2,
              percent: { enrolled: 50, strict: 20 },
            },
            namespaces: [
              {
                subject: 'c1/shop',
                stage: 'permissive',
                data: { blockers: 3 },
              },
              { subject: 'c1/web', stage: 'strict', data: { blockers: 1 } },
            ],
          },
          {
            periodStart: '2026-11-20T00:00:00.000Z',
            totals: { workloads: 8, enrolled: 2, strict: 1 },
            namespaces: [],
          },
          // A period without mesh totals: nothing to draw.
          { periodStart: '2026-11-19T00:00:00.000Z', namespaces: [] },
        ],
      },
    }));
    const points = await api.getAdoptionHistory({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-22T00:00:00Z'),
    });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://backend/api/istio/v1/adoption/history?from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-22T00%3A00%3A00.000Z',
    );
    expect(points).toEqual([
      {
        time: '2026-11-20T00:00:00.000Z',
        enrolled: 25,
        strict: 12.5,
        blockers: undefined,
      },
      {
        time: '2026-11-21T00:00:00.000Z',
        enrolled: 50,
        strict: 20,
        blockers: 4,
      },
    ]);
  });

  it('accepts the cluster list bare or wrapped', async () => {
    const { api } = client(() => ({
      body: { clusters: [{ cluster: 'c1', ready: true, degraded: false }] },
    }));
    expect(await api.getClusters()).toEqual([
      { cluster: 'c1', ready: true, degraded: false, kinds: [] },
    ]);
  });
});
