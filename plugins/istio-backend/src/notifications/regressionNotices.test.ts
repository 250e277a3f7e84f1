import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import signalsPlugin from '@backstage/plugin-signals-backend';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { istioPlugin } from '../plugin';
import { waitFor } from '../reliability/__testUtils__/meshBackend';

/*
 * A regression notice end to end: the scheduled check of the istio backend,
 * a namespace moving from STRICT back to PERMISSIVE in the cluster's files,
 * and the notice stored by the real notifications backend for the member
 * of the owning team.
 */

jest.setTimeout(60_000);

const FIXTURE = join(__dirname, '../__fixtures__/demo/mesh.yaml');
const MEMBER = 'user:default/omar';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'checkout' },
    },
    spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-shop' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-shop', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: MEMBER }],
  },
];

describe('regression notices', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'istio-regression-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const meshWith = (mode: string) =>
    writeFileSync(
      join(dir, 'mesh.yaml'),
      readFileSync(FIXTURE, 'utf8').replace(
        /(namespace: shop\nspec:\n {2}mtls:\n {4}mode: )PERMISSIVE/,
        `$1${mode}`,
      ),
    );

  it('tells the owning team once that its workload slipped from STRICT to PERMISSIVE', async () => {
    meshWith('STRICT');
    const scheduler = mockServices.scheduler.mock();
    // The notifications backend schedules its own cleanup through a runner.
    scheduler.createScheduledTaskRunner.mockReturnValue({ run: jest.fn() });
    const backend = await startTestBackend({
      features: [
        istioPlugin,
        notificationsPlugin,
        signalsPlugin,
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            istio: { clusters: [{ name: 'demo', snapshotPaths: [dir] }] },
          },
        }),
        catalogServiceMock.factory({ entities }),
      ],
    });
    try {
      const task: SchedulerServiceTaskInvocationDefinition =
        scheduler.scheduleTask.mock.calls
          .map(([t]) => t)
          .find(t => t.id === 'istio-regression-notices')!;
      const modeNow = async () => {
        const res = await request(backend.server)
          .get('/api/istio/v1/entities/component/default/checkout')
          .set('authorization', mockCredentials.user.header());
        return res.body.clusters?.[0]?.workloads?.[0]?.mtls?.mode;
      };
      const inbox = async () =>
        (
          await request(backend.server)
            .get('/api/notifications/notifications')
            .set('authorization', mockCredentials.user.header(MEMBER))
        ).body.notifications;

      await waitFor('STRICT', async () => (await modeNow()) === 'STRICT');
      await task.fn(new AbortController().signal);
      expect(await inbox()).toEqual([]);

      meshWith('PERMISSIVE');
      await waitFor(
        'PERMISSIVE',
        async () => (await modeNow()) === 'PERMISSIVE',
      );
      await task.fn(new AbortController().signal);
      await task.fn(new AbortController().signal);

      const notices = await inbox();
      expect(notices).toHaveLength(1);
      expect(notices[0].payload).toMatchObject({
        title:
          'component:default/checkout: shop/checkout went from STRICT to PERMISSIVE',
        link: '/catalog/default/component/checkout/service-mesh',
        topic: 'istio-regression',
        severity: 'high',
      });
    } finally {
      await backend.stop();
    }
  });
});
