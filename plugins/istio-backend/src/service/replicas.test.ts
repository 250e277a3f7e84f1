import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { requirePostgres15 } from '@meshportal/test-parts';
import { Knex } from 'knex';
import { join } from 'node:path';
import request from 'supertest';
import { istioPlugin } from '../plugin';

/*
 * Two replicas of the backend, as a production deployment runs them: same
 * configuration, same snapshot files, one PostgreSQL database.
 */

jest.setTimeout(60_000);

const FIXTURE = join(__dirname, '../__fixtures__/demo');
const PERIOD_S = 3;

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'checkout' },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-shop',
      lifecycle: 'production',
    },
  },
];

const config = {
  istio: {
    clusters: [{ name: 'demo', snapshotPaths: [FIXTURE] }],
    history: { frequency: { seconds: PERIOD_S } },
  },
};

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const describeWithPostgres = requirePostgres15(databases);

async function startReplica(knex: Knex) {
  const scheduler = mockServices.scheduler.mock();
  const backend = await startTestBackend({
    features: [
      istioPlugin,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.database.factory({ knex }),
      scheduler.factory,
      catalogServiceMock.factory({ entities }),
    ],
  });
  const task: SchedulerServiceTaskInvocationDefinition =
    scheduler.scheduleTask.mock.calls[0][0];
  const started = Date.now();
  for (;;) {
    const res = await request(backend.server)
      .get('/api/istio/v1/clusters')
      .set('authorization', mockCredentials.user.header());
    if (res.body.clusters?.[0]?.computedAt) break;
    if (Date.now() - started > 10_000) throw new Error('cluster never synced');
    await new Promise(r => setTimeout(r, 50));
  }
  return { backend, task };
}

/** Waits until at least `ms` remain before the next period starts. */
async function awayFromPeriodEdge(ms: number) {
  const period = PERIOD_S * 1000;
  const left = period - (Date.now() % period);
  if (left < ms) await new Promise(r => setTimeout(r, left + 50));
}

describeWithPostgres('two backend replicas on one PostgreSQL database', () => {
  let knex: Knex;
  let replicas: Array<Awaited<ReturnType<typeof startReplica>>> = [];

  beforeAll(async () => {
    knex = await databases.init('POSTGRES_15');
    // Both start at once, racing on the migrations as real replicas do.
    replicas = await Promise.all([startReplica(knex), startReplica(knex)]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map(r => r.backend.stop()));
  });

  it('serve the same posture for an entity', async () => {
    const answers = await Promise.all(
      replicas.map(r =>
        request(r.backend.server)
          .get('/api/istio/v1/entities/component/default/checkout')
          .set('authorization', mockCredentials.user.header()),
      ),
    );
    expect(answers.map(a => a.status)).toEqual([200, 200]);
    // Only the times of each replica's own computation differ.
    const stripped = answers.map(a =>
      JSON.parse(
        JSON.stringify(a.body, (key, value) =>
          key === 'generatedAt' || key === 'ageSeconds' ? undefined : value,
        ),
      ),
    );
    expect(stripped[0].clusters[0].workloads.map((w: any) => w.name)).toEqual([
      'checkout',
    ]);
    expect(stripped[1]).toEqual(stripped[0]);
  });

  it('write one adoption snapshot per period between them', async () => {
    const run = () =>
      Promise.all(replicas.map(r => r.task.fn(new AbortController().signal)));
    await awayFromPeriodEdge(1500);
    const firstPeriodRows = await knex('istio_adoption_history').count({
      n: '*',
    });
    expect(Number(firstPeriodRows[0].n)).toBe(0);

    // Both replicas run the task in the same period, twice.
    await run();
    await run();
    // And again in the next period.
    await new Promise(r =>
      setTimeout(r, PERIOD_S * 1000 - (Date.now() % (PERIOD_S * 1000)) + 50),
    );
    await awayFromPeriodEdge(1500);
    await run();

    const rows: Array<{
      period_start: string;
      scope: string;
      subject: string;
    }> = await knex('istio_adoption_history').select(
      'period_start',
      'scope',
      'subject',
    );
    const periods = [...new Set(rows.map(r => r.period_start))].sort();
    expect(periods).toHaveLength(2);
    for (const period of periods) {
      const inPeriod = rows.filter(r => r.period_start === period);
      // One mesh row, one per namespace, one per entity: nothing twice.
      expect(inPeriod.map(r => `${r.scope}:${r.subject}`).sort()).toEqual([
        'entity:component:default/checkout',
        'mesh:',
        'namespace:demo/legacy',
        'namespace:demo/shop',
      ]);
    }

    // The history route of either replica reads the same two points.
    const series = await Promise.all(
      replicas.map(r =>
        request(r.backend.server)
          .get('/api/istio/v1/adoption/history')
          .set('authorization', mockCredentials.user.header()),
      ),
    );
    expect(series[0].body.points).toHaveLength(2);
    expect(series[1].body.points).toEqual(series[0].body.points);
  });
});
