import { ResponseError } from '@backstage/errors';
import { IstioClient } from './IstioClient';

function client(respond: (url: string) => { status?: number; body: unknown }) {
  const fetch = jest.fn(async (url: string) => {
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
