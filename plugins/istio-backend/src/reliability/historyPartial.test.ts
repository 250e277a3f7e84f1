import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KubeTestServer,
  startKubeTestServer,
} from '@meshportal/kube-test-server';
import { AdoptionService } from '../adoption/AdoptionService';
import { KubeClusterSource } from '../clusters/KubeClusterSource';
import { AdoptionHistory } from '../history/AdoptionHistory';
import { HistoryStore } from '../history/HistoryStore';
import { MeshPostureService } from '../posture/MeshPostureService';
import { TelemetryService } from '../telemetry/TelemetryService';
import { component, smallMesh, waitFor } from './__testUtils__/meshBackend';

jest.setTimeout(60_000);

const HOUR = 3600_000;

describe('adoption history from partial reports', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let server: KubeTestServer | undefined;
  let posture: MeshPostureService | undefined;
  afterEach(async () => {
    await posture?.stop();
    await server?.close();
  });

  it('records no period from an empty report or one missing Pods, and the period once the cluster is whole (SQLite)', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await HistoryStore.create({ getClient: async () => knex });
    server = await startKubeTestServer({ bookmarkIntervalMs: 200 });
    const logger = mockServices.logger.mock();
    const cluster = {
      name: 'prod',
      url: server.url,
      authProvider: 'serviceAccount' as const,
      serviceAccountToken: server.token,
      caData: Buffer.from(server.caData).toString('base64'),
      skipTLSVerify: false,
      grafanaDashboards: {},
      meshRootNamespace: 'istio-system',
    };
    const source = new KubeClusterSource(cluster, logger, {
      initialBackoffMs: 20,
      maxBackoffMs: 200,
      missingRetryMs: 300,
    });
    const telemetry = new TelemetryService(new Map(), '1h', logger);
    posture = new MeshPostureService({
      clusters: [cluster],
      sources: [source],
      telemetry,
      logger,
      debounceMs: 20,
    });
    const adoption = new AdoptionService(
      posture,
      catalogServiceMock({ entities: [component('checkout')] }),
      telemetry,
    );
    const history = new AdoptionHistory({
      store,
      adoption,
      ready: () => posture!.clusterReport('prod') !== undefined,
      gaps: () => posture!.reportGaps(),
      periodMs: HOUR,
      retentionMs: 24 * HOUR,
      logger,
    });
    const credentials = mockCredentials.service();
    const all = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };
    await posture.start();
    await waitFor('a report', () => posture!.clusterReport('prod'));

    // A cluster that answers with nothing at all.
    expect(await history.recordNow(credentials)).toBe('partial');
    expect(logger.warn).toHaveBeenLastCalledWith(
      expect.stringMatching(/cluster prod: empty report/),
    );

    // Objects appear, but Pods become forbidden.
    server.forbid('Pod');
    server.load(smallMesh());
    server.dropWatches();
    await waitFor('Pods missing', () =>
      posture!.reportGaps().join().includes('Pod forbidden'),
    );
    await waitFor(
      'a report with the objects',
      () => posture!.clusterReport('prod')!.objectCount > 0,
    );
    expect(await history.recordNow(credentials)).toBe('partial');
    expect(logger.warn).toHaveBeenLastCalledWith(
      expect.stringMatching(
        /cluster prod: missing Pod forbidden \(forbidden\)/,
      ),
    );
    expect(await store.read(all)).toEqual([]);

    // Pods readable again: the next run records the whole mesh.
    server.forbid('Pod', false);
    await waitFor('the cluster whole', () => !posture!.reportGaps().length);
    await waitFor('the pods in the report', () =>
      posture!
        .clusterReport('prod')!
        .report.workloads.some(w => w.pods.total > 0),
    );
    expect(await history.recordNow(credentials)).toBe('recorded');
    const rows = await store.read(all);
    expect(rows.find(r => r.subject === 'prod/shop')).toBeDefined();
    const mesh = rows.find(r => r.scope === 'mesh')!.data as any;
    expect(mesh.workloads).toBeGreaterThan(0);
  });
});
