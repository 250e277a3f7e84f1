import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import signalsPlugin from '@backstage/plugin-signals-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { istioPlugin } from '../plugin';
import { waitFor } from '../reliability/__testUtils__/meshBackend';

/*
 * The "Notify caller owners" action end to end: the istio backend beside
 * the real notifications backend. The ledger workload calls checkout in
 * plaintext; ledger's owning team is told, and the notice is stored and
 * readable through the notifications API by the team's member.
 */

jest.setTimeout(60_000);

const FIXTURE = join(__dirname, '../__fixtures__/demo');
const LENA = 'user:default/lena';
const OMAR = 'user:default/omar';

const component = (
  name: string,
  owner: string,
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': name,
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

const group = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: members.map(targetRef => ({ type: 'hasMember', targetRef })),
});

const entities: Entity[] = [
  component('checkout', 'group:default/team-shop'),
  component('ledger', 'group:default/team-ledger'),
  group('team-shop', [OMAR]),
  group('team-ledger', [LENA]),
];

const vector = (result: unknown[]) =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });

/** Prometheus' answer: ledger in plaintext and one caller without a proxy. */
async function fakePrometheus() {
  const into = {
    destination_workload_namespace: 'shop',
    destination_workload: 'checkout',
  };
  const server = http.createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('query')!;
    const plaintext =
      query.includes('destination_workload="checkout"') ||
      query.includes('destination_workload_namespace="shop"');
    res.setHeader('content-type', 'application/json');
    res.end(
      vector(
        plaintext && query.includes('istio_requests_total')
          ? [
              {
                metric: {
                  ...into,
                  source_workload_namespace: 'legacy',
                  source_workload: 'ledger',
                  connection_security_policy: 'none',
                },
                value: [1, '40'],
              },
              {
                metric: {
                  ...into,
                  source_workload_namespace: 'unknown',
                  source_workload: 'unknown',
                  connection_security_policy: 'none',
                },
                value: [1, '3'],
              },
            ]
          : [],
      ),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('callers resolved to owners, and "Notify caller owners"', () => {
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;

  beforeAll(async () => {
    prometheus = await fakePrometheus();
  });
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });
  afterAll(async () => {
    await prometheus.close();
  });

  async function start(
    options: {
      visible?: Entity[];
      notify?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    } = {},
  ) {
    const started = await startTestBackend({
      features: [
        istioPlugin,
        notificationsPlugin,
        signalsPlugin,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            istio: {
              clusters: [
                {
                  name: 'demo',
                  snapshotPaths: [FIXTURE],
                  prometheusUrl: prometheus.url,
                },
              ],
            },
          },
        }),
        catalogServiceMock.factory({ entities: options.visible ?? entities }),
        mockServices.permissions.factory({
          result: options.notify ?? AuthorizeResult.ALLOW,
        }),
      ],
    });
    backend = started;
    await waitFor('the cluster to sync', async () => {
      const res = await request(started.server)
        .get('/api/istio/v1/clusters')
        .set('authorization', mockCredentials.user.header());
      return res.body.clusters?.[0]?.computedAt;
    });
    return started;
  }

  const inAWeek = () =>
    new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

  it("names each plaintext caller's entity and owner; a caller without a proxy is unclaimed", async () => {
    const { server } = await start();
    const res = await request(server)
      .get('/api/istio/v1/entities/component/default/checkout/callers')
      .set('authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      telemetryUnavailable: [],
      callers: [
        {
          cluster: 'demo',
          destination: 'shop/checkout',
          kind: 'plaintext',
          sourceNamespace: 'legacy',
          sourceWorkload: 'ledger',
          count: 40,
          entities: [
            {
              entityRef: 'component:default/ledger',
              owner: 'group:default/team-ledger',
            },
          ],
        },
        {
          cluster: 'demo',
          destination: 'shop/checkout',
          kind: 'outside-mesh',
          sourceNamespace: 'unknown',
          sourceWorkload: 'unknown',
          count: 3,
          entities: [],
        },
      ],
    });

    // The namespace view of the adoption page resolves the same callers.
    const ns = await request(server)
      .get('/api/istio/v1/adoption/callers?cluster=demo&namespace=shop')
      .set('authorization', mockCredentials.user.header());
    expect(ns.status).toBe(200);
    expect(ns.body.callers.map((c: any) => c.entities)).toEqual(
      res.body.callers.map((c: any) => c.entities),
    );
  });

  it('does not name an entity the reader may not see', async () => {
    // The catalog, read with this user's credentials, hides ledger.
    const { server } = await start({
      visible: entities.filter(e => e.metadata.name !== 'ledger'),
    });
    const res = await request(server)
      .get('/api/istio/v1/entities/component/default/checkout/callers')
      .set('authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const ledger = res.body.callers.find(
      (c: any) => c.sourceWorkload === 'ledger',
    );
    expect(ledger.entities).toEqual([]);
  });

  it("stores a notice for the caller's owning team, readable by its member, once per date", async () => {
    const { server } = await start();
    const plannedDate = inAWeek();
    const notify = () =>
      request(server)
        .post(
          '/api/istio/v1/entities/component/default/checkout/notify-callers',
        )
        .set('authorization', mockCredentials.user.header(OMAR))
        .send({ plannedDate, note: 'Ping #platform with questions.' });

    const first = await notify();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      notified: ['group:default/team-ledger'],
      alreadyNotified: [],
      unclaimed: [{ sourceNamespace: 'unknown', sourceWorkload: 'unknown' }],
    });
    // Asked again for the same date: nobody is told twice.
    const again = await notify();
    expect(again.body.notified).toEqual([]);
    expect(again.body.alreadyNotified).toEqual(['group:default/team-ledger']);

    const inbox = await request(server)
      .get('/api/notifications/notifications')
      .set('authorization', mockCredentials.user.header(LENA));
    expect(inbox.status).toBe(200);
    expect(inbox.body.notifications).toHaveLength(1);
    const [notice] = inbox.body.notifications;
    expect(notice.user).toBe(LENA);
    expect(notice.origin).toBe('plugin:istio');
    expect(notice.payload).toMatchObject({
      title: `component:default/checkout goes STRICT mTLS on ${plannedDate}`,
      link: '/catalog/default/component/checkout/service-mesh',
      severity: 'high',
      topic: 'istio-strict-planned',
    });
    expect(notice.payload.description).toContain(
      'legacy/ledger calls demo/shop/checkout in plaintext (40 requests',
    );
    expect(notice.payload.description).toContain(
      `Note from ${OMAR}: Ping #platform with questions.`,
    );

    // The asking user's own team owns no caller: its member got nothing.
    const omar = await request(server)
      .get('/api/notifications/notifications')
      .set('authorization', mockCredentials.user.header(OMAR));
    expect(omar.body.notifications).toEqual([]);
  });

  it('refuses a bad date with every problem listed, and sends nothing', async () => {
    const { server } = await start();
    const res = await request(server)
      .post('/api/istio/v1/adoption/notify-callers')
      .set('authorization', mockCredentials.user.header(OMAR))
      .send({ namespace: 'shop', plannedDate: '2026-02-30', note: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('"cluster" must be given once');
    expect(res.body.error.message).toContain(
      '"plannedDate" is not a calendar date: 2026-02-30',
    );
    expect(res.body.error.message).toContain('"note" must be text');
    expect(res.body.error.stack).toBeUndefined();
    const inbox = await request(server)
      .get('/api/notifications/notifications')
      .set('authorization', mockCredentials.user.header(LENA));
    expect(inbox.body.notifications).toEqual([]);
  });

  it('refuses a user without istio.notify', async () => {
    const { server } = await start({ notify: AuthorizeResult.DENY });
    const res = await request(server)
      .post('/api/istio/v1/entities/component/default/checkout/notify-callers')
      .set('authorization', mockCredentials.user.header(OMAR))
      .send({ plannedDate: inAWeek() });
    expect(res.status).toBe(403);
    const inbox = await request(server)
      .get('/api/notifications/notifications')
      .set('authorization', mockCredentials.user.header(LENA));
    expect(inbox.body.notifications).toEqual([]);
  });
});
