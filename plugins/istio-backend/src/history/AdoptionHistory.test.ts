import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { AdoptionReport } from '@meshportal/plugin-istio-common';
import { AdoptionService, countAdoption } from '../adoption/AdoptionService';
import { AdoptionHistory } from './AdoptionHistory';
import { HistoryStore } from './HistoryStore';

jest.setTimeout(30_000);

const HOUR = 3600_000;

function report(stage: 'permissive' | 'strict'): AdoptionReport {
  const counts = countAdoption([]);
  return {
    generatedAt: '',
    filters: {},
    totals: { ...counts, workloads: 4, enrolled: stage === 'strict' ? 4 : 2 },
    byOwner: [],
    bySystem: [],
    byNamespace: [
      {
        cluster: 'prod',
        namespace: 'shop',
        counts,
        stage,
        blockers: [],
        exceptions: [],
        telemetryUnknown: true,
        links: {},
      },
    ],
    entities: [{ entityRef: 'component:default/checkout', stage, counts }],
    topFindings: [],
    unmappedEntities: [],
    telemetryUnavailable: [],
  };
}

describe('AdoptionHistory', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(ready = true) {
    const knex = await databases.init('SQLITE_3');
    const store = await HistoryStore.create({ getClient: async () => knex });
    const adoption = { adoption: jest.fn(async () => report('permissive')) };
    const history = new AdoptionHistory({
      store,
      adoption: adoption as unknown as AdoptionService,
      ready: () => ready,
      periodMs: HOUR,
      retentionMs: 24 * HOUR,
      logger: mockServices.logger.mock(),
    });
    return { history, adoption };
  }

  it('records one snapshot per period and serves it as a series', async () => {
    const { history, adoption } = await setup();
    const credentials = mockCredentials.service();
    expect(
      await history.recordNow(credentials, new Date('2026-11-22T01:10:00Z')),
    ).toBe('recorded');
    // The same period again: not recomputed, nothing new stored.
    expect(
      await history.recordNow(credentials, new Date('2026-11-22T01:50:00Z')),
    ).toBe('already-recorded');
    expect(adoption.adoption).toHaveBeenCalledTimes(1);

    adoption.adoption.mockResolvedValueOnce(report('strict'));
    await history.recordNow(credentials, new Date('2026-11-22T02:05:00Z'));

    const series = await history.series(
      '2026-11-22T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    );
    expect(
      series.map(p => [
        p.periodStart,
        (p.totals as any).enrolled,
        p.namespaces.map(n => n.stage),
      ]),
    ).toEqual([
      ['2026-11-22T01:00:00.000Z', 2, ['permissive']],
      ['2026-11-22T02:00:00.000Z', 4, ['strict']],
    ]);
    const entity = await history.series(
      '2026-11-22T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
      'component:default/checkout',
    );
    expect(entity.map(p => (p.totals as any).stage)).toEqual([
      'permissive',
      'strict',
    ]);
  });

  it('prunes periods older than the retention', async () => {
    const { history } = await setup();
    const credentials = mockCredentials.service();
    await history.recordNow(credentials, new Date('2026-11-20T01:00:00Z'));
    await history.recordNow(credentials, new Date('2026-11-22T01:00:00Z'));
    const series = await history.series(
      '2026-01-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    );
    expect(series.map(p => p.periodStart)).toEqual([
      '2026-11-22T01:00:00.000Z',
    ]);
  });

  it('records nothing before every cluster has a report', async () => {
    const { history, adoption } = await setup(false);
    expect(await history.recordNow(mockCredentials.service(), new Date())).toBe(
      'not-ready',
    );
    expect(adoption.adoption).not.toHaveBeenCalled();
  });
});
