import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { join } from 'node:path';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  AdoptionReport,
  InboundTraffic,
} from '@meshportal/plugin-istio-common';
import { SnapshotFileSource } from '../clusters/SnapshotFileSource';
import { ClusterSource } from '../clusters/types';
import { MeshPostureService } from '../posture/MeshPostureService';
import { TelemetryService } from '../telemetry/TelemetryService';
import { AdoptionService, UNMAPPED, countAdoption } from './AdoptionService';

const logger = mockServices.logger.mock();
const FIXTURE = join(__dirname, '../__fixtures__/demo');

function component(
  name: string,
  annotations: Record<string, string>,
  spec: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', ...spec },
  };
}

const entities = [
  component(
    'checkout',
    { 'backstage.io/kubernetes-id': 'checkout' },
    { owner: 'team-shop', system: 'shop' },
  ),
  component(
    'broken',
    { 'backstage.io/kubernetes-label-selector': 'app in (x' },
    { owner: 'team-shop' },
  ),
  // No Kubernetes annotations: not part of adoption.
  component('docs', {}, { owner: 'team-docs' }),
];

describe('AdoptionService', () => {
  let posture: MeshPostureService;
  let adoption: AdoptionService;
  const credentials = mockCredentials.user();

  beforeAll(async () => {
    const telemetry = new TelemetryService(new Map(), '1h', logger);
    posture = new MeshPostureService({
      clusters: [],
      sources: [new SnapshotFileSource('demo', [FIXTURE], logger)],
      telemetry,
      logger,
    });
    await posture.start();
    adoption = new AdoptionService(
      posture,
      catalogServiceMock({ entities }),
      telemetry,
    );
  });
  afterAll(async () => {
    await posture.stop();
  });

  it('counts every workload and groups unclaimed ones apart', async () => {
    const report = await adoption.adoption({}, credentials);
    expect(report.totals).toMatchObject({
      workloads: 2,
      enrolled: 1,
      permissive: 1,
      strict: 0,
      notInMesh: 1,
      percent: { enrolled: 50, notInMesh: 50 },
    });
    expect(report.byOwner.map(o => [o.owner, o.counts.workloads])).toEqual([
      [UNMAPPED, 1],
      ['group:default/team-shop', 1],
    ]);
    expect(report.bySystem.map(o => [o.system, o.counts.workloads])).toEqual([
      [UNMAPPED, 1],
      ['system:default/shop', 1],
    ]);
    // Nothing known blocks checkout, and without Prometheus nothing proves it.
    expect(report.entities.map(e => [e.entityRef, e.stage])).toEqual([
      ['component:default/checkout', 'unverified'],
    ]);
    expect(report.unmappedEntities).toEqual([
      {
        entityRef: 'component:default/broken',
        error: expect.stringContaining('app in (x'),
      },
    ]);
    expect(report.telemetryUnavailable).toEqual(['demo']);
    expect(report.topFindings.length).toBeGreaterThan(0);
  });

  it('reads the catalog page by page, asking only for the fields it uses', async () => {
    // 1200 annotated entities before the demo's: the demo's are on page 3.
    const many = [
      ...Array.from({ length: 1200 }, (_, i) =>
        component(
          `svc-${i}`,
          { 'backstage.io/kubernetes-id': `svc-${i}` },
          { owner: 'team-bulk' },
        ),
      ),
      ...entities,
    ].map(e => ({
      ...e,
      metadata: {
        ...e.metadata,
        description: 'x'.repeat(1000),
        annotations: { ...e.metadata.annotations, 'other/note': 'unused' },
      },
    }));
    const memory = catalogServiceMock({ entities: many });
    const answers: Entity[][] = [];
    const catalog = catalogServiceMock.mock({
      queryEntities: async (req, opts) => {
        const page = await memory.queryEntities(req, opts);
        answers.push(page.items);
        return page;
      },
    });
    const paged = new AdoptionService(
      posture,
      catalog,
      new TelemetryService(new Map(), '1h', logger),
    );
    const report = await paged.adoption({}, credentials);

    const calls = catalog.queryEntities.mock.calls;
    expect(calls.length).toBe(3);
    for (const [request, opts] of calls) {
      expect(opts).toEqual({ credentials });
      expect((request as { limit: number }).limit).toBe(500);
      expect((request as { fields: string[] }).fields).toContain('relations');
    }
    // Later pages follow the cursor of the one before.
    expect(calls.slice(1).every(([r]) => 'cursor' in (r as object))).toBe(true);
    // Only the annotated ones are asked for (not `docs`).
    expect(answers.flat().length).toBe(many.length - 1);
    // What is not read is not sent.
    for (const entity of answers.flat()) {
      expect(entity.metadata.description).toBeUndefined();
      expect(entity.metadata.annotations?.['other/note']).toBeUndefined();
    }
    // The last page counts like the first.
    expect(report.unmappedEntities.map(e => e.entityRef)).toEqual([
      'component:default/broken',
    ]);
    expect(
      report.entities.find(e => e.entityRef === 'component:default/checkout')
        ?.stage,
    ).toBe('unverified');
  });

  it('filters by system, owner and cluster', async () => {
    const bySystem = await adoption.adoption({ system: 'shop' }, credentials);
    expect(bySystem.totals.workloads).toBe(1);
    expect(bySystem.byNamespace.map(n => n.namespace)).toEqual(['shop']);

    const byOwner = await adoption.adoption(
      { owner: 'group:default/team-docs' },
      credentials,
    );
    expect(byOwner.totals.workloads).toBe(0);
    expect(byOwner.entities).toEqual([]);

    const otherCluster = await adoption.adoption(
      { cluster: 'elsewhere' },
      credentials,
    );
    expect(otherCluster.totals.workloads).toBe(0);
  });
});

/*
 * The summary reuses what it derived from a catalog answer and a cluster
 * report; each answer below is compared with the one a new service (no
 * reuse at all) gives for the same inputs.
 */
describe('AdoptionService between requests', () => {
  const files = new SnapshotFileSource('demo', [FIXTURE], logger);
  let hideCheckout = false;
  // The demo cluster; with hideCheckout, its checkout objects are gone.
  const source: ClusterSource = {
    cluster: files.cluster,
    start: () => files.start(),
    stop: () => files.stop(),
    status: () => files.status(),
    subscribe: listener => files.subscribe(listener),
    objects: () =>
      files
        .objects()
        .filter(
          ({ object }) =>
            !hideCheckout ||
            object.metadata?.namespace !== 'shop' ||
            !String(object.metadata?.name).startsWith('checkout'),
        ),
  };
  let owner = 'team-shop';
  // Bob may not see checkout, as a catalog permission policy would decide.
  const catalog = catalogServiceMock.mock({
    queryEntities: (req, opts) => {
      const { credentials } = opts as { credentials: BackstageCredentials };
      const principal = credentials.principal as { userEntityRef?: string };
      const visible = entities
        .map(e =>
          e.metadata.name === 'checkout'
            ? { ...e, spec: { ...e.spec, owner } }
            : e,
        )
        .filter(
          e =>
            principal.userEntityRef !== 'user:default/bob' ||
            e.metadata.name !== 'checkout',
        );
      return catalogServiceMock({ entities: visible }).queryEntities(req, opts);
    },
  });
  const telemetry = new TelemetryService(new Map(), '1h', logger);
  const posture = new MeshPostureService({
    clusters: [],
    sources: [source],
    telemetry,
    logger,
  });
  const adoption = new AdoptionService(posture, catalog, telemetry);
  const alice = mockCredentials.user('user:default/alice');
  const bob = mockCredentials.user('user:default/bob');

  // The content alone: not when it was built, nor from which report.
  const withoutTime = ({ generatedAt, reports, ...rest }: AdoptionReport) =>
    rest;
  /** The summary, checked against a service that starts from nothing. */
  async function summary(
    credentials: BackstageCredentials,
    filters: { owner?: string; system?: string } = {},
  ) {
    const report = await adoption.adoption(filters, credentials);
    const fresh = await new AdoptionService(
      posture,
      catalog,
      telemetry,
    ).adoption(filters, credentials);
    expect(withoutTime(report)).toEqual(withoutTime(fresh));
    return report;
  }
  const stageOf = (report: AdoptionReport, ref: string) =>
    report.entities.find(e => e.entityRef === ref)?.stage;

  beforeAll(() => posture.start());
  afterAll(() => posture.stop());
  afterEach(() => jest.restoreAllMocks());

  it("reads the catalog with each caller's credentials", async () => {
    expect((await summary(alice)).entities.map(e => e.entityRef)).toEqual([
      'component:default/checkout',
    ]);
    // Same cluster report, another caller: bob's own catalog answer.
    const forBob = await summary(bob);
    expect(forBob.entities).toEqual([]);
    expect(forBob.byOwner.map(o => o.owner)).toEqual([UNMAPPED]);
    expect((await summary(alice)).byOwner.map(o => o.owner)).toEqual([
      UNMAPPED,
      'group:default/team-shop',
    ]);
    for (const [, opts] of catalog.queryEntities.mock.calls) {
      expect(opts).toEqual({ credentials: expect.anything() });
    }
    expect(
      catalog.queryEntities.mock.calls.map(
        ([, opts]) =>
          ((opts as any).credentials.principal as any).userEntityRef,
      ),
    ).toContain('user:default/bob');
  });

  it('follows a change of the catalog answer', async () => {
    await summary(alice, { owner: 'team-shop' });
    owner = 'team-payments';
    try {
      const report = await summary(alice);
      expect(report.byOwner.map(o => o.owner)).toEqual([
        UNMAPPED,
        'group:default/team-payments',
      ]);
      expect(
        (await summary(alice, { owner: 'team-shop' })).totals.workloads,
      ).toBe(0);
    } finally {
      owner = 'team-shop';
    }
  });

  it('follows a recomputed cluster report', async () => {
    const before = await summary(alice);
    hideCheckout = true;
    try {
      posture.recompute(source);
      const after = await summary(alice);
      expect(after.totals.workloads).toBe(before.totals.workloads - 1);
      // Each answer names the report it rests on, and its age.
      const [origin] = before.reports!;
      expect(after.reports).toEqual([
        {
          cluster: origin.cluster,
          reportGeneration: origin.reportGeneration + 1,
          generatedAt: posture
            .clusterReport(origin.cluster)!
            .computedAt.toISOString(),
          ageSeconds: 0,
        },
      ]);
      expect(
        after.entities.find(e => e.entityRef === 'component:default/checkout')
          ?.counts.workloads,
      ).toBe(0);
    } finally {
      hideCheckout = false;
      posture.recompute(source);
    }
    expect(withoutTime(await summary(alice))).toEqual(withoutTime(before));
  });

  it('follows the traffic Prometheus reports', async () => {
    const before = await summary(alice);
    expect(stageOf(before, 'component:default/checkout')).toBe('unverified');
    const now = Date.now();
    const evidence = {
      available: true,
      window: '1h',
      windowSeconds: 3600,
      observedAt: new Date(now).toISOString(),
      sources: [],
      evidence: [
        {
          namespace: 'shop',
          workload: 'checkout',
          observedSince: new Date(now - 2 * 3600_000).toISOString(),
          ports: [],
        },
      ],
    };
    // A full window of mTLS-only traffic: the evidence makes it ready.
    const inbound = jest.spyOn(telemetry, 'inbound').mockResolvedValue({
      ...evidence,
      callers: [
        {
          destinationNamespace: 'shop',
          destinationWorkload: 'checkout',
          sourceNamespace: 'shop',
          sourceWorkload: 'frontend',
          securityPolicy: 'mutual_tls',
          requests: 40,
          tcpConnections: 0,
        },
      ],
    });
    const proven = await summary(alice);
    expect(stageOf(proven, 'component:default/checkout')).toBe(
      'ready-for-strict',
    );
    expect(
      proven.byNamespace.find(n => n.namespace === 'shop')?.unverifiedReasons,
    ).toEqual([]);
    inbound.mockRestore();

    const traffic: InboundTraffic = {
      ...evidence,
      callers: [
        {
          destinationNamespace: 'shop',
          destinationWorkload: 'checkout',
          sourceNamespace: 'legacy',
          sourceWorkload: 'ledger',
          securityPolicy: 'none',
          requests: 12,
          tcpConnections: 0,
        },
      ],
    };
    jest.spyOn(telemetry, 'inbound').mockResolvedValue(traffic);
    const after = await summary(alice);
    expect(after.telemetryUnavailable).toEqual([]);
    expect(stageOf(after, 'component:default/checkout')).toBe('permissive');
    const shop = after.byNamespace.find(n => n.namespace === 'shop');
    expect(shop?.blockers).toContainEqual({
      type: 'plaintext-callers',
      namespace: 'shop',
      workload: 'checkout',
      callers: ['legacy/ledger'],
    });
    expect(shop?.telemetryUnknown).toBe(false);
  });
});

describe('countAdoption', () => {
  it('gives zero percentages for no workloads', () => {
    expect(countAdoption([]).percent).toEqual({
      enrolled: 0,
      strict: 0,
      permissive: 0,
      disable: 0,
      notInMesh: 0,
    });
  });
});
