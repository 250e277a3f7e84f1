import { mockServices } from '@backstage/backend-test-utils';
import http from 'http';
import { AddressInfo } from 'net';
import { Blocker } from '@meshportal/plugin-istio-common';
import {
  HttpMeshReadinessClient,
  describeBlocker,
} from './MeshReadinessClient';

const adoption = {
  generatedAt: '2026-01-01T00:00:00Z',
  byNamespace: [
    {
      cluster: 'prod',
      namespace: 'shop',
      stage: 'permissive',
      blockers: [
        {
          type: 'pods-without-proxy',
          workload: 'web',
          namespace: 'shop',
          pods: 1,
        },
      ],
      counts: {},
      links: {},
    },
    {
      cluster: 'prod-eu',
      namespace: 'shop',
      stage: 'strict',
      blockers: [],
      counts: {},
      links: {},
    },
    {
      cluster: 'prod',
      namespace: 'billing',
      stage: 'strict',
      blockers: [],
      counts: {},
      links: {},
    },
  ],
};

describe('HttpMeshReadinessClient', () => {
  let server: http.Server;
  let baseUrl: string;
  const requests: Array<{ url?: string; authorization?: string }> = [];
  let status = 200;
  let body: unknown = adoption;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({ url: req.url, authorization: req.headers.authorization });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/istio`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  beforeEach(() => {
    requests.length = 0;
    status = 200;
    body = adoption;
  });

  const client = () => {
    const auth = mockServices.auth();
    const discovery = { getBaseUrl: jest.fn(async () => baseUrl) };
    return {
      auth,
      discovery,
      client: new HttpMeshReadinessClient({ discovery, auth }),
    };
  };

  it('reads the namespace from the adoption report with a service token for the istio plugin', async () => {
    const { auth, discovery, client: c } = client();
    const result = await c.namespaceReadiness('shop');
    expect(discovery.getBaseUrl).toHaveBeenCalledWith('istio');
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('/api/istio/v1/adoption');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'istio',
    });
    expect(requests[0].authorization).toBe(`Bearer ${token}`);
    expect(result).toEqual([
      {
        cluster: 'prod',
        namespace: 'shop',
        stage: 'permissive',
        blockers: [adoption.byNamespace[0].blockers[0]],
      },
      { cluster: 'prod-eu', namespace: 'shop', stage: 'strict', blockers: [] },
    ]);
  });

  it('asks for one cluster when given', async () => {
    const result = await client().client.namespaceReadiness('shop', {
      cluster: 'prod eu',
    });
    expect(requests[0].url).toBe('/api/istio/v1/adoption?cluster=prod%20eu');
    expect(result).toEqual([]);
  });

  it('surfaces the backend error', async () => {
    status = 403;
    body = {
      error: {
        name: 'NotAllowedError',
        message: 'not allowed to read mesh adoption',
      },
    };
    await expect(client().client.namespaceReadiness('shop')).rejects.toThrow(
      /403/,
    );
  });

  it('rejects an answer without a byNamespace list', async () => {
    body = { items: [] };
    await expect(client().client.namespaceReadiness('shop')).rejects.toThrow(
      'without a byNamespace list',
    );
  });
});

describe('describeBlocker', () => {
  it('names each blocker type the backend reports', () => {
    expect(
      describeBlocker({
        type: 'callers-outside-mesh',
        workload: 'web',
        namespace: 'shop',
        requests: 12,
      }),
    ).toBe(
      'shop/web: 12 request(s) or connection(s) from callers outside the mesh',
    );
    expect(
      describeBlocker({
        type: 'conflict-finding',
        code: 'MESH001',
        severity: 'Error',
        resource: 'DestinationRule shop/x',
        message: 'plaintext to STRICT',
      }),
    ).toBe('MESH001 on DestinationRule shop/x: plaintext to STRICT');
    // A blocker type a newer backend may send.
    const newKind = { type: 'new-kind', detail: 1 } as unknown as Blocker;
    expect(describeBlocker(newKind)).toBe(
      'new-kind: {"type":"new-kind","detail":1}',
    );
  });
});
