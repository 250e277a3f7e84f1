import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { requirePostgres15 } from '@meshportal/test-parts';
import { Knex } from 'knex';
import { AdoptionReport } from '@meshportal/plugin-istio-common';
import { AdoptionService } from '../adoption/AdoptionService';
import { AdoptionHistory } from '../history/AdoptionHistory';
import { HistoryStore } from '../history/HistoryStore';

jest.setTimeout(60_000);

const HOUR = 3600_000;
const ENTITIES = 450; // more rows than one insert chunk (200)

/** An adoption report with the mesh totals and many entities. */
function report(stage: string): AdoptionReport {
  const counts = { workloads: 1, enrolled: 1 } as any;
  return {
    generatedAt: new Date().toISOString(),
    filters: {},
    totals: counts,
    byOwner: [],
    bySystem: [],
    byNamespace: [
      {
        cluster: 'prod',
        namespace: 'shop',
        stage,
        counts,
        blockers: [],
      } as any,
    ],
    entities: Array.from({ length: ENTITIES }, (_, i) => ({
      entityRef: `component:default/app-${i}`,
      stage,
      counts,
    })) as any,
    topFindings: [],
    unmappedEntities: [],
    telemetryUnavailable: [],
  };
}

/**
 * Makes the `n`th INSERT on this pool fail as if the database restarted
 * under it: on PostgreSQL the session is really terminated by the server;
 * SQLite has no server, so the statement fails with an I/O error.
 */
function restartDuringInsert(knex: Knex, n: number) {
  const client = knex.client as any;
  // Transactions run on clients made from the dialect's prototype: patch it,
  // for this pool's config only, until the failure has happened.
  const prototype = Object.getPrototypeOf(client);
  const query = prototype._query;
  let inserts = 0;
  prototype._query = async function failing(connection: any, obj: any) {
    if (
      this.config === client.config &&
      /^insert/i.test(obj.sql) &&
      ++inserts === n
    ) {
      prototype._query = query;
      if (client.dialect === 'postgresql') {
        await query
          .call(this, connection, {
            sql: 'select pg_terminate_backend(pg_backend_pid())',
            bindings: [],
          })
          .catch(() => undefined);
      }
      throw new Error('database restarted (simulated): connection terminated');
    }
    return query.call(this, connection, obj);
  };
  return () => {
    prototype._query = query;
  };
}

describe('the database restarts during a history snapshot', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  // Fails under CI without PostgreSQL: the rows below never run on SQLite only.
  requirePostgres15(databases);

  it.each(databases.eachSupportedId())(
    'leaves no partial period and no duplicate; the next run completes it (%p)',
    async id => {
      const knex = await databases.init(id);
      const store = await HistoryStore.create({ getClient: async () => knex });
      let stage = 'permissive';
      const adoption = {
        adoption: async () => report(stage),
      } as unknown as AdoptionService;
      const history = new AdoptionHistory({
        store,
        adoption,
        ready: () => true,
        periodMs: HOUR,
        retentionMs: 365 * 24 * HOUR,
        logger: mockServices.logger.mock(),
      });
      const credentials = { $$type: '@backstage/BackstageCredentials' } as any;
      const now = new Date('2026-11-22T03:20:00Z');
      const all = { from: '2026-11-22T00:00:00Z', to: '2026-11-23T00:00:00Z' };

      // The second chunk of the snapshot fails: the first must not stay.
      const restore = restartDuringInsert(knex, 2);
      try {
        await expect(history.recordNow(credentials, now)).rejects.toThrow(
          /restarted|terminat/,
        );
      } finally {
        restore();
      }
      expect(await store.read(all)).toEqual([]);

      // The next scheduled run, later in the same period, writes it whole.
      stage = 'strict';
      expect(
        await history.recordNow(credentials, new Date('2026-11-22T03:40:00Z')),
      ).toBe('recorded');
      const rows = await store.read(all);
      expect(rows).toHaveLength(1 + 1 + ENTITIES);
      expect(new Set(rows.map(r => r.periodStart))).toEqual(
        new Set(['2026-11-22T03:00:00.000Z']),
      );
      expect(rows.every(r => r.scope === 'mesh' || r.stage === 'strict')).toBe(
        true,
      );
      const keys = rows.map(r => `${r.scope}/${r.subject}`);
      expect(new Set(keys).size).toBe(keys.length);

      // And a run after that adds nothing.
      expect(await history.recordNow(credentials, now)).toBe(
        'already-recorded',
      );
      expect(await store.read(all)).toHaveLength(rows.length);
    },
  );
});
