import { TestDatabases } from '@backstage/backend-test-utils';
import { requirePostgres15 } from '@meshportal/test-parts';
import knexFactory, { Knex } from 'knex';
import { HistoryRow, HistoryStore, periodStart } from './HistoryStore';

jest.setTimeout(60_000);

const HOUR = 3600_000;

function rows(period: string, stage: string): HistoryRow[] {
  return [
    { periodStart: period, scope: 'mesh', subject: '', data: { enrolled: 3 } },
    {
      periodStart: period,
      scope: 'namespace',
      subject: 'prod/shop',
      stage,
      data: { blockers: 1 },
    },
    {
      periodStart: period,
      scope: 'entity',
      subject: 'component:default/checkout',
      stage,
      data: {},
    },
  ];
}

describe('periodStart', () => {
  it('aligns every instance on the same period key', () => {
    expect(periodStart(new Date('2026-11-22T02:59:59.999Z'), HOUR)).toBe(
      '2026-11-22T02:00:00.000Z',
    );
    expect(periodStart(new Date('2026-11-22T03:00:00.000Z'), HOUR)).toBe(
      '2026-11-22T03:00:00.000Z',
    );
    expect(periodStart(new Date('2026-11-22T13:00:00Z'), 24 * HOUR)).toBe(
      '2026-11-22T00:00:00.000Z',
    );
  });
});

describe('HistoryStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  // Fails under CI without PostgreSQL: the rows below never run on SQLite only.
  const describeOnPostgres = requirePostgres15(databases);

  async function storeOn(knex: Knex) {
    return HistoryStore.create({ getClient: async () => knex });
  }

  it.each(databases.eachSupportedId())(
    'records, reads and prunes on %p',
    async id => {
      const knex = await databases.init(id);
      const store = await storeOn(knex);
      await store.record(rows('2026-11-22T01:00:00.000Z', 'permissive'));
      await store.record(rows('2026-11-22T02:00:00.000Z', 'ready-for-strict'));

      const namespaces = await store.read({
        from: '2026-11-22T00:00:00.000Z',
        to: '2026-11-22T03:00:00.000Z',
        scope: 'namespace',
      });
      expect(
        namespaces.map(r => [r.periodStart, r.subject, r.stage, r.data]),
      ).toEqual([
        [
          '2026-11-22T01:00:00.000Z',
          'prod/shop',
          'permissive',
          { blockers: 1 },
        ],
        [
          '2026-11-22T02:00:00.000Z',
          'prod/shop',
          'ready-for-strict',
          { blockers: 1 },
        ],
      ]);
      // `to` is exclusive.
      expect(
        await store.read({
          from: '2026-11-22T00:00:00.000Z',
          to: '2026-11-22T02:00:00.000Z',
        }),
      ).toHaveLength(3);
      expect(await store.hasPeriod('2026-11-22T02:00:00.000Z')).toBe(true);
      expect(await store.hasPeriod('2026-11-22T05:00:00.000Z')).toBe(false);

      await store.prune('2026-11-22T02:00:00.000Z');
      const left = await store.read({
        from: '2000-01-01T00:00:00.000Z',
        to: '2100-01-01T00:00:00.000Z',
      });
      expect(new Set(left.map(r => r.periodStart))).toEqual(
        new Set(['2026-11-22T02:00:00.000Z']),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the first snapshot of a period on %p',
    async id => {
      const knex = await databases.init(id);
      const store = await storeOn(knex);
      const period = '2026-11-22T04:00:00.000Z';
      expect(await store.record(rows(period, 'permissive'))).toBe(3);
      expect(await store.record(rows(period, 'strict'))).toBe(0);
      const stored = await store.read({
        from: period,
        to: '2026-11-22T05:00:00.000Z',
      });
      expect(stored).toHaveLength(3);
      expect(stored.filter(r => r.stage).map(r => r.stage)).toEqual([
        'permissive',
        'permissive',
      ]);
    },
  );

  async function twoWritersOnPostgres() {
    const knex = await databases.init('POSTGRES_15');
    // A second connection pool to the same database, as a second backend instance has.
    const other = knexFactory(knex.client.config);
    try {
      const [first, second] = await Promise.all([
        storeOn(knex),
        storeOn(other),
      ]);
      const period = periodStart(new Date('2026-11-22T06:30:00Z'), HOUR);
      const written = await Promise.all([
        first.record(rows(period, 'permissive')),
        second.record(rows(period, 'strict')),
      ]);
      expect(written.reduce((a, b) => a + b, 0)).toBe(3);
      const count = await knex('istio_adoption_history')
        .where({ period_start: period })
        .count({ n: '*' });
      expect(Number(count[0].n)).toBe(3);
    } finally {
      await other.destroy();
    }
  }
  describeOnPostgres('on PostgreSQL', () => {
    it(
      'stores one snapshot when two instances write one period',
      twoWritersOnPostgres,
    );
  });
});
