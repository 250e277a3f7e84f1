import {
  FINDING_CATALOGUE,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import { IstioEntityPosture } from './entityPosture';
import { meshFactsOf } from './meshFacts';
import postures from './__fixtures__/harborBankPostures.json';

// Postures the istio backend served for the Harbor Bank demo
// (examples/mesh/harbor-bank, no Prometheus), trimmed to what facts read.
const demo = postures as unknown as Record<string, IstioEntityPosture>;
const factsOf = (name: string) =>
  meshFactsOf(demo[`component:default/${name}`]);

function workload(overrides: Partial<WorkloadPosture>): WorkloadPosture {
  return {
    namespace: 'shop',
    name: 'web',
    kind: 'Deployment',
    labels: { app: 'web' },
    dataplane: 'sidecar',
    pods: { total: 2, injected: 2 },
    injection: { willInject: true, revision: 'default', reason: 'namespace' },
    mtls: {
      mode: 'STRICT',
      source: { level: 'namespace', policy: null },
      ports: {},
    },
    services: ['web'],
    ...overrides,
  };
}

function posture(
  workloads: WorkloadPosture[],
  stage: IstioEntityPosture['readiness']['stage'] = 'strict',
): IstioEntityPosture {
  return {
    entityRef: 'component:default/web',
    stale: false,
    pendingClusters: [],
    readiness: { stage, blockers: [], telemetryUnknown: true },
    clusters: [{ cluster: 'prod', workloads, findings: [] }],
  };
}

describe('meshFactsOf on the Harbor Bank demo', () => {
  it('scores a STRICT wave-1 service as fully in the mesh', () => {
    expect(factsOf('payments-api')).toEqual({
      meshEnrolled: true,
      sidecarCoverage: 1,
      mtlsMode: 'STRICT',
      strictReady: true,
      readinessStage: 'strict',
      blockerCount: 0,
      errorFindings: 0,
    });
  });

  it('counts the plaintext DestinationRule left on fraud-scoring as an Error and a blocker', () => {
    expect(factsOf('fraud-scoring')).toMatchObject({
      mtlsMode: 'STRICT',
      errorFindings: 1,
      blockerCount: 1,
    });
  });

  it('reports the legacy SFTP port of reconciliation as DISABLE, not ready for STRICT', () => {
    expect(factsOf('reconciliation')).toMatchObject({
      meshEnrolled: true,
      mtlsMode: 'DISABLE',
      strictReady: false,
    });
  });

  it('never marks a PERMISSIVE service without blockers ready when there is no telemetry', () => {
    // The demo has no Prometheus: nothing blocks ledger-service, nothing proves it.
    expect(factsOf('ledger-service')).toMatchObject({
      mtlsMode: 'PERMISSIVE',
      strictReady: false,
      readinessStage: 'unverified',
      blockerCount: 0,
    });
  });

  it('marks a PERMISSIVE service ready once the verdict rests on telemetry', () => {
    expect(
      meshFactsOf(
        posture(
          [workload({ mtls: { ...workload({}).mtls, mode: 'PERMISSIVE' } })],
          'ready-for-strict',
        ),
      ),
    ).toMatchObject({ strictReady: true, readinessStage: 'ready-for-strict' });
  });

  it('gives the share of pods with a sidecar when some still need a restart', () => {
    const facts = factsOf('web-banking');
    expect(facts.sidecarCoverage).toBeCloseTo(2 / 3);
    expect(facts.meshEnrolled).toBe(true);
    expect(facts.strictReady).toBe(false);
  });

  it('reports services outside the mesh as not enrolled with mTLS NONE', () => {
    for (const name of ['mobile-gateway', 'accounts-core']) {
      expect(factsOf(name)).toMatchObject({
        meshEnrolled: false,
        sidecarCoverage: 0,
        mtlsMode: 'NONE',
        strictReady: false,
      });
    }
  });
});

describe('meshFactsOf', () => {
  it('takes the weakest mode across workloads and their ports', () => {
    const facts = meshFactsOf(
      posture([
        workload({ name: 'a' }),
        workload({
          name: 'b',
          mtls: {
            mode: 'STRICT',
            source: { level: 'workload', policy: 'shop/b' },
            ports: { '9090': { mode: 'PERMISSIVE' } },
          },
        }),
      ]),
    );
    expect(facts.mtlsMode).toBe('PERMISSIVE');
  });

  it('counts every pod of an ambient workload as in the mesh', () => {
    const facts = meshFactsOf(
      posture([
        workload({ dataplane: 'ambient', pods: { total: 3, injected: 0 } }),
        workload({
          name: 'b',
          pods: { total: 1, injected: 0 },
          dataplane: 'none',
        }),
      ]),
    );
    expect(facts.sidecarCoverage).toBe(3 / 4);
    expect(facts.meshEnrolled).toBe(false);
    expect(facts.mtlsMode).toBe('NONE');
  });

  it('treats an entity without workloads as not enrolled', () => {
    expect(meshFactsOf(posture([], 'not-enrolled'))).toMatchObject({
      meshEnrolled: false,
      sidecarCoverage: 0,
      mtlsMode: 'NONE',
      strictReady: false,
    });
  });

  it('adds up Error findings of every cluster and ignores warnings', () => {
    const finding = (severity: 'Error' | 'Warning') => ({
      code: 'MESH001',
      name: 'x',
      analyzer: 'mtls.ConflictAnalyzer',
      severity,
      resource: 'DestinationRule shop/web',
      message: '',
      remediation: '',
      ref: { kind: 'DestinationRule', namespace: 'shop', name: 'web' },
    });
    const p = posture([workload({})]);
    p.clusters = [
      { ...p.clusters[0], findings: [finding('Error'), finding('Warning')] },
      { ...p.clusters[0], cluster: 'dr', findings: [finding('Error')] },
    ];
    expect(meshFactsOf(p).errorFindings).toBe(2);
  });

  it('counts an Error finding of any catalogue code, whichever analyzer reports it', () => {
    const p = posture([workload({})]);
    p.clusters[0].findings = FINDING_CATALOGUE.map(d => ({
      code: d.code,
      name: d.name,
      analyzer: d.analyzer,
      severity: d.severity,
      resource: 'Deployment shop/web',
      message: '',
      remediation: '',
      ref: { kind: 'Deployment', namespace: 'shop', name: 'web' },
    }));
    expect(meshFactsOf(p).errorFindings).toBe(
      FINDING_CATALOGUE.filter(d => d.severity === 'Error').length,
    );
    expect(meshFactsOf(p).errorFindings).toBeGreaterThan(0);
  });
});
