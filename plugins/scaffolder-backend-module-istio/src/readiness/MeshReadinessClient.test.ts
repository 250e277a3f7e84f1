import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import http from 'http';
import { AddressInfo } from 'net';
import { HttpMeshReadinessClient } from './MeshReadinessClient';

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
      stage: 'unverified',
      blockers: [],
      unverifiedReasons: [
        {
          code: 'window-too-short',
          message: 'Telemetry covers 2 h of the 24 h observation window',
          workloads: ['shop/web'],
        },
      ],
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

const alice = mockCredentials.user('user:default/alice');

describe('HttpMeshReadinessClient', () => {
  let server: http.Server;
  let baseUrl: string;
  const requests: Array<{
    url?: string;
    authorization?: string;
    principal?: BackstageCredentials['principal'];
  }> = [];
  let status = 200;
  let body: unknown = adoption;
  // The receiving side authenticates tokens as the istio plugin would.
  const istioAuth = mockServices.auth({ pluginId: 'istio' });

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const authorization = req.headers.authorization;
      const credentials = await istioAuth
        .authenticate(authorization?.replace(/^Bearer /, '') ?? '')
        .catch(() => undefined);
      requests.push({
        url: req.url,
        authorization,
        principal: credentials?.principal,
      });
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

  it('reads the namespace from the adoption report with a token obtained on behalf of the initiator', async () => {
    const { auth, discovery, client: c } = client();
    const result = await c.namespaceReadiness('shop', { credentials: alice });
    expect(discovery.getBaseUrl).toHaveBeenCalledWith('istio');
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('/api/istio/v1/adoption');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: alice,
      targetPluginId: 'istio',
    });
    expect(requests[0].authorization).toBe(`Bearer ${token}`);
    // The istio plugin sees the person, not the scaffolder's service identity.
    expect(requests[0].principal).toEqual({
      type: 'user',
      userEntityRef: 'user:default/alice',
    });
    const { token: serviceToken } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'istio',
    });
    expect(token).not.toBe(serviceToken);
    expect(result).toEqual([
      {
        cluster: 'prod',
        namespace: 'shop',
        stage: 'permissive',
        blockers: [adoption.byNamespace[0].blockers[0]],
        // An answer without reasons (an older backend) reads as none.
        unverifiedReasons: [],
      },
      {
        cluster: 'prod-eu',
        namespace: 'shop',
        stage: 'unverified',
        blockers: [],
        // The reasons the gate refuses with, and only the fields it reads.
        unverifiedReasons: [
          {
            code: 'window-too-short',
            message: 'Telemetry covers 2 h of the 24 h observation window',
          },
        ],
      },
    ]);
  });

  it('asks for one cluster when given', async () => {
    const result = await client().client.namespaceReadiness('shop', {
      cluster: 'prod eu',
      credentials: alice,
    });
    expect(requests[0].url).toBe('/api/istio/v1/adoption?cluster=prod%20eu');
    expect(result).toEqual([]);
  });

  it.each([401, 403])(
    'turns a %s of the backend into a NotAllowedError naming the permission',
    async code => {
      status = code;
      body = {
        error: {
          name: 'NotAllowedError',
          message: 'not allowed to read mesh adoption',
        },
      };
      const promise = client().client.namespaceReadiness('shop', {
        credentials: alice,
      });
      await expect(promise).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'you may not read mesh adoption (permission istio.adoption.read)',
        ),
      });
    },
  );

  it('surfaces any other backend error with its status', async () => {
    status = 503;
    body = { error: { name: 'ServiceUnavailableError', message: 'starting' } };
    await expect(
      client().client.namespaceReadiness('shop', { credentials: alice }),
    ).rejects.toThrow(/503/);
  });

  it('rejects an answer without a byNamespace list', async () => {
    body = { items: [] };
    await expect(
      client().client.namespaceReadiness('shop', { credentials: alice }),
    ).rejects.toThrow('without a byNamespace list');
  });
});
