import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { requirePostgres15 } from '@meshportal/test-parts';
import { Knex } from 'knex';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdoptionService } from '../adoption/AdoptionService';
import { readIstioClusters } from '../clusters/config';
import { SnapshotFileSource } from '../clusters/SnapshotFileSource';
import { MeshPostureService } from '../posture/MeshPostureService';
import { TelemetryService } from '../telemetry/TelemetryService';
import { NoticeStore } from './NoticeStore';
import { RegressionNotifier } from './RegressionNotifier';
import { StrictPlanNotifier } from './StrictPlanNotifier';

/*
 * Notices from several replicas on one PostgreSQL database, and
 * across restarts: every replica compares the same states and would send
 * the same notice; the database lets exactly one of them send it.
 */

jest.setTimeout(60_000);

const FIXTURE = join(__dirname, '../__fixtures__/demo/mesh.yaml');
const logger = mockServices.logger.mock();

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
  },
];

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const describeWithPostgres = requirePostgres15(databases);

describeWithPostgres(
  'regression notices from two replicas on one PostgreSQL',
  () => {
    let knex: Knex;
    let dir: string;
    const sent: NotificationSendOptions[] = [];
    const running: MeshPostureService[] = [];

    /** The shop namespace's PeerAuthentication says `mode`. */
    function meshWith(mode: 'STRICT' | 'PERMISSIVE') {
      const yaml = readFileSync(FIXTURE, 'utf8').replace(
        /(name: default\n {2}namespace: shop\nspec:\n {2}mtls:\n {4}mode: )PERMISSIVE/,
        `$1${mode}`,
      );
      if (!yaml.includes(`mode: ${mode}`)) throw new Error('fixture changed');
      writeFileSync(join(dir, 'mesh.yaml'), yaml);
    }

    /** One backend replica as the plugin wires it, started on the files as they are now. */
    async function replica() {
      const config = mockServices.rootConfig({
        data: { istio: { clusters: [{ name: 'demo', snapshotPaths: [dir] }] } },
      });
      const telemetry = new TelemetryService(new Map(), '1h', logger);
      const posture = new MeshPostureService({
        clusters: readIstioClusters(config),
        sources: [new SnapshotFileSource('demo', [dir], logger)],
        telemetry,
        logger,
      });
      await posture.start();
      running.push(posture);
      return new RegressionNotifier({
        posture,
        adoption: new AdoptionService(
          posture,
          catalogServiceMock({ entities }),
          telemetry,
        ),
        store: await NoticeStore.create({ getClient: async () => knex }),
        notifications: {
          send: async (options: NotificationSendOptions) => {
            sent.push(options);
          },
        },
        logger,
        ready: () => posture.clusterReport('demo') !== undefined,
      });
    }

    /** Two replicas, freshly started (a restart), running the check at the same time. */
    async function bothRun() {
      const replicas = await Promise.all([replica(), replica()]);
      const credentials = mockCredentials.service();
      return Promise.all(replicas.map(r => r.run(credentials)));
    }

    beforeAll(async () => {
      knex = await databases.init('POSTGRES_15');
      dir = mkdtempSync(join(tmpdir(), 'istio-regressions-'));
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map(p => p.stop()));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('tell the owner once that a workload slipped from STRICT, and again only after a new slip', async () => {
      meshWith('STRICT');
      // The first look only records the state: nothing to compare with yet.
      expect(await bothRun()).toEqual([0, 0]);
      expect(sent).toEqual([]);

      meshWith('PERMISSIVE');
      const counts = await bothRun();
      expect(counts.sort()).toEqual([0, 1]);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toEqual({
        recipients: { type: 'entity', entityRef: 'group:default/team-shop' },
        payload: expect.objectContaining({
          title:
            'component:default/checkout: shop/checkout went from STRICT to PERMISSIVE',
          link: '/catalog/default/component/checkout/service-mesh',
          severity: 'high',
          topic: 'istio-regression',
        }),
      });

      // Restarted again, nothing changed: no repeat.
      expect(await bothRun()).toEqual([0, 0]);
      expect(sent).toHaveLength(1);

      // Back to STRICT (no notice), then a new slip: a new change, told once.
      meshWith('STRICT');
      expect(await bothRun()).toEqual([0, 0]);
      meshWith('PERMISSIVE');
      expect((await bothRun()).sort()).toEqual([0, 1]);
      expect(sent).toHaveLength(2);

      const rows = await knex('istio_notices_sent').select('topic', 'subject');
      expect(rows).toEqual([
        { topic: 'regression', subject: 'component:default/checkout' },
        { topic: 'regression', subject: 'component:default/checkout' },
      ]);
    });

    it('tell an owner once that a service goes STRICT when both are asked at the same moment', async () => {
      const told: NotificationSendOptions[] = [];
      const notifier = async () =>
        new StrictPlanNotifier({
          store: await NoticeStore.create({ getClient: async () => knex }),
          notifications: {
            send: async (options: NotificationSendOptions) => {
              told.push(options);
            },
          },
          logger,
        });
      const replicas = await Promise.all([notifier(), notifier()]);
      const ask = {
        target: 'component:default/checkout',
        link: '/catalog/default/component/checkout/service-mesh',
        callers: [
          {
            cluster: 'demo',
            destination: 'shop/checkout',
            kind: 'plaintext' as const,
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
        ],
        request: { plannedDate: '2099-05-04' },
        requestedBy: 'user:default/omar',
      };
      const answers = await Promise.all(replicas.map(r => r.notify(ask)));
      expect(told).toHaveLength(1);
      expect(answers.flatMap(a => a.notified)).toEqual([
        'group:default/team-ledger',
      ]);
      expect(answers.flatMap(a => a.alreadyNotified)).toEqual([
        'group:default/team-ledger',
      ]);
    });
  },
);
