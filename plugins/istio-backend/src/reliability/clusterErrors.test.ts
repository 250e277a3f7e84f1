import { ClusterProblemReason } from '@meshportal/plugin-istio-common';
import net from 'node:net';
import { rootCertificates } from 'node:tls';
import {
  MeshBackend,
  startMeshBackend,
  waitFor,
} from './__testUtils__/meshBackend';

jest.setTimeout(60_000);

const OPERATOR = 'user:default/operator';
const DEVELOPER = 'user:default/developer';
const MISSING_KUBECONFIG = '/nonexistent/meshportal/ops/kubeconfig';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('GET /v1/clusters error details', () => {
  let mesh: MeshBackend | undefined;
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
  });

  const cases: Array<
    [
      ClusterProblemReason,
      () => Promise<Record<string, unknown>>,
      /** What the detailed message says. */
      RegExp,
    ]
  > = [
    [
      'unreachable',
      async () => ({ url: `https://127.0.0.1:${await closedPort()}` }),
      /ECONNREFUSED 127\.0\.0\.1/,
    ],
    [
      'unauthorized',
      async () => ({ serviceAccountToken: 'a-token-the-server-refuses' }),
      /401/,
    ],
    [
      // A CA that did not sign the API server's certificate.
      'tls',
      async () => ({
        caData: Buffer.from(rootCertificates[0]).toString('base64'),
      }),
      /certificate/,
    ],
    [
      'configuration',
      async () => ({
        authProvider: 'kubeconfig',
        kubeconfigPath: MISSING_KUBECONFIG,
      }),
      /nonexistent\/meshportal/,
    ],
  ];

  it.each(cases)(
    'shows reason %s without the error text, which only istio.clusters.read sees',
    async (reason, cluster, detail) => {
      mesh = await startMeshBackend({
        cluster: await cluster(),
        waitForSync: false,
        allow: (permission, user) =>
          permission !== 'istio.clusters.read' || user === OPERATOR,
      });
      const settled = await waitFor('every kind to fail', async () => {
        const res = await mesh!.get('/api/istio/v1/clusters', DEVELOPER);
        const kinds = res.body.clusters?.[0]?.kinds ?? [];
        return kinds.length > 0 &&
          kinds.every((k: any) => k.state !== 'pending' && k.reason)
          ? res
          : undefined;
      });
      expect(settled.status).toBe(200);
      const [status] = settled.body.clusters;
      expect(status.degraded).toBe(true);
      for (const kind of status.kinds) {
        expect(kind).toMatchObject({ state: 'error', reason });
        expect(kind).not.toHaveProperty('message');
      }
      const text = JSON.stringify(settled.body);
      for (const secret of [
        '127.0.0.1',
        String(new URL(mesh.server.url).port),
        MISSING_KUBECONFIG,
        mesh.server.token,
        'HTTP 401',
      ]) {
        expect(text).not.toContain(secret);
      }

      const detailed = await mesh.get('/api/istio/v1/clusters', OPERATOR);
      expect(detailed.status).toBe(200);
      const kinds = detailed.body.clusters[0].kinds;
      expect(kinds[0]).toMatchObject({ state: 'error', reason });
      expect(kinds[0].message).toMatch(detail);
      expect(JSON.stringify(detailed.body)).not.toContain(mesh.server.token);
    },
  );
});
