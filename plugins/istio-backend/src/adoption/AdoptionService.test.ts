import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { join } from 'node:path';
import { SnapshotFileSource } from '../clusters/SnapshotFileSource';
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
    expect(report.entities.map(e => [e.entityRef, e.stage])).toEqual([
      ['component:default/checkout', 'ready-for-strict'],
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
