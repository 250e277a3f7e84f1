import {
  AuthService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PolicyDecision,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { testCertificate } from '@meshportal/kube-test-server';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import {
  MeshBackend,
  component,
  startMeshBackend,
  waitFor,
} from './__testUtils__/meshBackend';

/*
 * The permission path on the real stack: the real catalog backend reading
 * entities from a file location, the real permission backend with the
 * policy below, and the istio plugin reading a real (test) API server with
 * a service account token and a Prometheus that needs a bearer token.
 */

jest.setTimeout(90_000);

const ALICE = 'user:default/alice';
/** May not read the `ledger` entity; may read adoption. */
const MALLORY = 'user:default/mallory';
/** May read every entity; not adoption. */
const EVE = 'user:default/eve';
const PROMETHEUS_TOKEN = 'prometheus-token-that-must-stay-inside';

class IssuePolicy implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const who = user?.info.userEntityRef;
    if (query.permission.name === 'istio.adoption.read' && who === EVE) {
      return { result: AuthorizeResult.DENY };
    }
    if (query.permission.name === 'istio.clusters.read' && who !== ALICE) {
      return { result: AuthorizeResult.DENY };
    }
    if (
      isResourcePermission(query.permission, 'catalog-entity') &&
      query.permission.name === 'catalog.entity.read' &&
      who === MALLORY
    ) {
      return createCatalogConditionalDecision(query.permission, {
        not: catalogConditions.hasMetadata({ key: 'name', value: 'ledger' }),
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'issue-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new IssuePolicy());
      },
    });
  },
});

/**
 * The mock auth service, except that a plugin calling on behalf of a user
 * names itself as the actor, as real Backstage tokens do. Without it the
 * catalog's call to the permission backend looks like a user's own, which
 * the permission backend refuses for resource permissions.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => auth.authenticate(token, options),
      getNoneCredentials: () => auth.getNoneCredentials(),
      getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => auth.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const { principal } = options.onBehalfOf;
        if (!auth.isPrincipal(options.onBehalfOf, 'user')) {
          return auth.getPluginRequestToken(options);
        }
        const { userEntityRef } = principal as { userEntityRef: string };
        return {
          token: mockCredentials.user.token(userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      },
    };
  },
});

/**
 * An HTTPS Prometheus stand-in that answers only with the bearer token:
 * ledger calls checkout without mTLS.
 */
async function prometheusRequiringToken() {
  const { certPem, keyPem } = testCertificate();
  const asked: Array<string | undefined> = [];
  const server = https.createServer(
    { cert: certPem, key: keyPem },
    (req, res) => {
      asked.push(req.headers.authorization);
      if (req.headers.authorization !== `Bearer ${PROMETHEUS_TOKEN}`) {
        res.writeHead(401).end();
        return;
      }
      const query = new URL(req.url!, 'https://x').searchParams.get('query')!;
      const result = query.includes('istio_requests_total')
        ? [
            {
              metric: {
                destination_workload_namespace: 'shop',
                destination_workload: 'checkout',
                source_workload_namespace: 'shop',
                source_workload: 'ledger',
                connection_security_policy: 'none',
              },
              value: [0, '12'],
            },
          ]
        : [];
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result },
        }),
      );
    },
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    asked,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('the permission path on the real catalog and permission backends', () => {
  let dir: string;
  let mesh: MeshBackend;
  let prometheus: Awaited<ReturnType<typeof prometheusRequiringToken>>;
  const caData = Buffer.from(testCertificate().caPem).toString('base64');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'istio-real-catalog-'));
    const entities = join(dir, 'entities.yaml');
    writeFileSync(
      entities,
      [component('checkout'), component('ledger')]
        .map(e => stringify(e))
        .join('---\n'),
    );
    prometheus = await prometheusRequiringToken();
    mesh = await startMeshBackend({
      cluster: {
        prometheusUrl: prometheus.url,
        prometheus: { bearerToken: PROMETHEUS_TOKEN, caData },
      },
      stack: {
        features: [
          catalogPlugin,
          permissionPlugin,
          policyModule,
          authWithActors,
        ],
        config: {
          permission: { enabled: true },
          catalog: {
            locations: [{ type: 'file', target: entities }],
            rules: [{ allow: ['Component', 'Location'] }],
          },
        },
      },
    });
    // The catalog processes the file location in the background.
    await waitFor(
      'the catalog to serve both entities',
      async () =>
        (
          await Promise.all(
            ['checkout', 'ledger'].map(name =>
              request(mesh.httpServer)
                .get(`/api/catalog/entities/by-name/component/default/${name}`)
                .set('authorization', mockCredentials.user.header(ALICE)),
            ),
          )
        ).every(res => {
          if (Math.random() < 0.01)
            console.log(res.status, res.text.slice(0, 300));
          return res.status === 200;
        }),
      10_000,
    );
  });

  afterAll(async () => {
    await mesh?.stop();
    await prometheus?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ENTITY = '/api/istio/v1/entities/component/default';

  it('answers 404 for an entity the policy hides, exactly as for a missing one', async () => {
    const hidden = await mesh.get(`${ENTITY}/ledger`, MALLORY);
    const missing = await mesh.get(`${ENTITY}/ledger2`, MALLORY);
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const normalize = (res: request.Response) =>
      JSON.stringify(res.body).replace(/ledger2?/g, 'NAME');
    expect(normalize(hidden)).toBe(normalize(missing));
    expect(Object.keys(hidden.headers).sort()).toEqual(
      Object.keys(missing.headers).sort(),
    );
    // The entity exists: others see it, and mallory sees the rest.
    expect((await mesh.get(`${ENTITY}/ledger`, ALICE)).status).toBe(200);
    expect((await mesh.get(`${ENTITY}/checkout`, MALLORY)).status).toBe(200);
  });

  it("answers 404 for the hidden entity's history and leaves it out of adoption", async () => {
    const history = (ref: string, user: string) =>
      mesh.get(`/api/istio/v1/adoption/history?entity=${ref}`, user);
    expect((await history('component:default/ledger', MALLORY)).status).toBe(
      404,
    );
    expect((await history('component:default/ledger', ALICE)).status).toBe(200);
    expect((await history('component:default/checkout', MALLORY)).status).toBe(
      200,
    );

    const refs = async (user: string) =>
      (await mesh.get('/api/istio/v1/adoption', user)).body.entities.map(
        (e: { entityRef: string }) => e.entityRef,
      );
    expect(await refs(ALICE)).toEqual([
      'component:default/checkout',
      'component:default/ledger',
    ]);
    expect(await refs(MALLORY)).toEqual(['component:default/checkout']);
  });

  it('answers 403 on adoption for the user the policy denies it', async () => {
    for (const path of [
      '/api/istio/v1/adoption',
      '/api/istio/v1/adoption/history',
    ]) {
      const res = await mesh.get(path, EVE);
      expect({ path, status: res.status, error: res.body.error?.name }).toEqual(
        { path, status: 403, error: 'NotAllowedError' },
      );
    }
    // Eve still sees entity postures.
    expect((await mesh.get(`${ENTITY}/ledger`, EVE)).status).toBe(200);
  });

  it('never puts the API server token or the Prometheus credential in any answer', async () => {
    // Both credentials are in use: the cluster synced, and telemetry came
    // from the Prometheus that wants the token.
    const checkout = await mesh.get(`${ENTITY}/checkout`, ALICE);
    expect(checkout.body.clusters[0].telemetry).toMatchObject({
      available: true,
      callers: expect.arrayContaining([
        expect.objectContaining({ sourceWorkload: 'ledger' }),
      ]),
    });
    expect(prometheus.asked).toContain(`Bearer ${PROMETHEUS_TOKEN}`);

    const secrets = [
      mesh.server.token,
      PROMETHEUS_TOKEN,
      Buffer.from(mesh.server.token).toString('base64'),
      Buffer.from(PROMETHEUS_TOKEN).toString('base64'),
      caData,
    ];
    const routes = [
      '/api/istio/health',
      '/api/istio/v1/clusters',
      `${ENTITY}/checkout`,
      `${ENTITY}/ledger`,
      `${ENTITY}/nope`,
      '/api/istio/v1/adoption',
      '/api/istio/v1/adoption?owner=team-shop&cluster=prod',
      '/api/istio/v1/adoption/history',
      '/api/istio/v1/adoption/history?entity=component:default/checkout',
      '/api/istio/v1/adoption/history?from=yesterday',
    ];
    let answers = 0;
    for (const user of [ALICE, MALLORY, EVE, undefined]) {
      for (const path of routes) {
        const res = user
          ? await mesh.get(path, user)
          : await request(mesh.httpServer).get(path);
        const text = `${JSON.stringify(res.headers)}${res.text}`;
        for (const secret of secrets) {
          expect({ user, path, leaks: text.includes(secret) }).toEqual({
            user,
            path,
            leaks: false,
          });
        }
        answers++;
      }
    }
    expect(answers).toBe(40);
  });
});
