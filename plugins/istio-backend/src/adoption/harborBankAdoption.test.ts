import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SnapshotFileSource } from '../clusters/SnapshotFileSource';
import { MeshPostureService } from '../posture/MeshPostureService';
import { TelemetryService } from '../telemetry/TelemetryService';
import { AdoptionReport } from '@meshportal/plugin-istio-common';
import { AdoptionService } from './AdoptionService';

/*
 * The demo bank of the repository (examples/mesh/harbor-bank and its
 * catalog), read as the demo backend reads it: each rollout wave must come
 * out at the stage a platform engineer would give it, with enough detail in
 * GET /v1/adoption alone to say what breaks if the namespace went STRICT.
 */

const REPO = join(__dirname, '../../../..');
const MESH = join(REPO, 'examples/mesh/harbor-bank');
const CATALOG = join(REPO, 'examples/catalog/services.yaml');
const logger = mockServices.logger.mock();

describe('adoption of the Harbor Bank demo mesh', () => {
  let posture: MeshPostureService;
  let report: AdoptionReport;
  const namespace = (name: string) => {
    const found = report.byNamespace.find(n => n.namespace === name);
    if (!found) throw new Error(`namespace ${name} not in the report`);
    return found;
  };

  beforeAll(async () => {
    const entities = parseAllDocuments(readFileSync(CATALOG, 'utf8'))
      .map(d => d.toJS() as Entity)
      .filter(e => e?.kind === 'Component');
    const telemetry = new TelemetryService(new Map(), '1h', logger);
    posture = new MeshPostureService({
      clusters: [],
      sources: [new SnapshotFileSource('harbor-bank', [MESH], logger)],
      telemetry,
      logger,
    });
    await posture.start();
    const adoption = new AdoptionService(
      posture,
      catalogServiceMock({ entities }),
      telemetry,
    );
    // What the route sends: the report as JSON.
    report = JSON.parse(
      JSON.stringify(await adoption.adoption({}, mockCredentials.user())),
    );
  });
  afterAll(async () => {
    await posture.stop();
  });

  it('wave 1, payments: STRICT, with the debug DestinationRule breaking fraud-scoring now', () => {
    const payments = namespace('payments');
    expect(payments.stage).toBe('strict');
    expect(payments.counts).toMatchObject({
      workloads: 5,
      enrolled: 5,
      strict: 5,
    });
    expect(payments.blockers).toEqual([
      {
        type: 'conflict-finding',
        code: 'MESH001',
        severity: 'Error',
        resource: 'DestinationRule payments/fraud-scoring-debug',
        message: expect.stringContaining('fraud-scoring'),
      },
    ]);
    expect(payments.exceptions).toEqual([]);
  });

  it('wave 2, ledger: PERMISSIVE with the SFTP port kept plaintext on purpose', () => {
    const ledger = namespace('ledger');
    expect(ledger.stage).toBe('exception');
    expect(ledger.counts).toMatchObject({
      workloads: 3,
      enrolled: 3,
      permissive: 3,
      strict: 0,
    });
    // Nothing breaks under STRICT...
    expect(ledger.blockers).toEqual([]);
    // ...but reconciliation keeps its own policy: PERMISSIVE, port 2222 plaintext.
    expect(ledger.exceptions).toEqual([
      {
        namespace: 'ledger',
        workload: 'reconciliation',
        ports: ['2222'],
        mode: 'PERMISSIVE',
        level: 'workload',
        policy: 'ledger/reconciliation-sftp',
      },
    ]);
  });

  it('wave 3, channels: enrolled, but pods started before injection still lack the proxy', () => {
    const channels = namespace('channels');
    expect(channels.stage).toBe('permissive');
    // web-banking (one pod of three without the proxy), mobile-gateway (none),
    // notifications and the ledger-export-batch job (all with it).
    expect(channels.counts).toMatchObject({ workloads: 4, enrolled: 3 });
    expect(channels.blockers).toEqual([
      {
        type: 'pods-without-proxy',
        namespace: 'channels',
        workload: 'mobile-gateway',
        pods: 2,
      },
      {
        type: 'pods-without-proxy',
        namespace: 'channels',
        workload: 'web-banking',
        pods: 1,
      },
    ]);
  });

  it('wave 4, core-banking: not enrolled, every pod without a proxy', () => {
    const core = namespace('core-banking');
    expect(core.stage).toBe('not-enrolled');
    expect(core.counts).toMatchObject({ workloads: 3, enrolled: 0 });
    expect(
      core.blockers.map(b => b.type === 'pods-without-proxy' && b.pods),
    ).toEqual([3, 2, 2]);
  });

  it('never asks for a proxy on istiod, and says plaintext callers are unknown without Prometheus', () => {
    const istio = namespace('istio-system');
    expect(
      istio.blockers.filter(
        b => b.type === 'pods-without-proxy' && b.workload.startsWith('istiod'),
      ),
    ).toEqual([]);
    expect(report.byNamespace.every(n => n.telemetryUnknown)).toBe(true);
    expect(report.telemetryUnavailable).toEqual(['harbor-bank']);
    // Nothing blocks the control plane either, and nothing proves it: never
    // "ready". It is marked so the waves board can leave it out.
    expect(istio.stage).toBe('unverified');
    expect(istio.unverifiedReasons?.map(r => r.code)).toEqual(['no-telemetry']);
    expect(
      report.byNamespace.filter(n => n.controlPlane).map(n => n.namespace),
    ).toEqual(['istio-system']);
  });

  it('gives each team its entity stage', () => {
    const stages = Object.fromEntries(
      report.entities.map(e => [e.entityRef.split('/')[1], e.stage]),
    );
    expect(stages).toMatchObject({
      'payments-api': 'strict',
      'fraud-scoring': 'strict',
      reconciliation: 'exception',
      // Nothing blocks it, but the demo has no Prometheus to prove it.
      statements: 'unverified',
      'web-banking': 'permissive',
      'mobile-gateway': 'not-enrolled',
      'accounts-core': 'not-enrolled',
    });
  });
});
