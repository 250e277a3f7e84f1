import type { WorkloadPosture } from '../analysis/types';
import type {
  InboundCaller,
  InboundTraffic,
  WorkloadTrafficEvidence,
} from '../api/entityPosture';
import type { MtlsMode } from '../model/resources';
import { assessReadiness, combineReadiness } from './strictReadiness';

const HOUR = 3600;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-04T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

function workload(
  name: string,
  options: {
    mode?: Exclude<MtlsMode, 'UNSET'>;
    pods?: { total: number; injected: number };
    dataplane?: WorkloadPosture['dataplane'];
  } = {},
): WorkloadPosture {
  const pods = options.pods ?? { total: 2, injected: 2 };
  return {
    namespace: 'ledger',
    name,
    kind: 'Deployment',
    labels: { app: name },
    dataplane: options.dataplane ?? (pods.injected ? 'sidecar' : 'none'),
    pods,
    injection: { willInject: true, revision: 'default', reason: 'namespace' },
    mtls: {
      mode: options.mode ?? 'PERMISSIVE',
      source: { level: 'default', policy: null },
      ports: {},
    },
    services: [name],
  };
}

const evidenceFor = (name: string, since: number): WorkloadTrafficEvidence => ({
  namespace: 'ledger',
  workload: name,
  observedSince: ago(since),
  ports: [],
});

const caller = (
  source: string,
  securityPolicy: 'mutual_tls' | 'none',
  destination = 'ledger-service',
): InboundCaller => {
  const [sourceNamespace, sourceWorkload] = source.split('/');
  return {
    destinationNamespace: 'ledger',
    destinationWorkload: destination,
    sourceNamespace,
    sourceWorkload,
    securityPolicy,
    requests: 10,
    tcpConnections: 0,
  };
};

/** Telemetry read now over a day, `callers` in it, each workload seen since `since` seconds ago. */
function traffic(
  options: {
    callers?: InboundCaller[];
    evidence?: WorkloadTrafficEvidence[];
    windowSeconds?: number;
  } = {},
): InboundTraffic {
  return {
    available: true,
    window: '24h',
    windowSeconds: options.windowSeconds ?? DAY,
    observedAt: new Date(NOW).toISOString(),
    callers: options.callers ?? [caller('channels/web', 'mutual_tls')],
    sources: [],
    evidence: options.evidence ?? [evidenceFor('ledger-service', DAY)],
  };
}

const ledger = workload('ledger-service');
const verdict = (input: Partial<Parameters<typeof assessReadiness>[0]> = {}) =>
  assessReadiness({
    workloads: [ledger],
    findings: [],
    observationWindowSeconds: DAY,
    ...input,
  });
const codes = (input: Partial<Parameters<typeof assessReadiness>[0]>) =>
  verdict(input).unverifiedReasons?.map(r => r.code);

describe('assessReadiness: the STRICT verdict and its evidence', () => {
  it('is ready only with a full window of telemetry, all of it mTLS from mesh callers', () => {
    const result = verdict({ traffic: traffic() });
    expect(result.stage).toBe('ready-for-strict');
    expect(result.unverifiedReasons).toEqual([]);
    expect(result.blockers).toEqual([]);
  });

  it('is unverified without telemetry (the CLI), never ready', () => {
    const result = verdict({});
    expect(result.stage).toBe('unverified');
    expect(result.unverifiedReasons).toEqual([
      expect.objectContaining({
        code: 'no-telemetry',
        workloads: ['ledger/ledger-service'],
      }),
    ]);
    expect(result.telemetryUnknown).toBe(true);
  });

  it('is unverified, with the reason, when Prometheus is not there or fails', () => {
    const result = verdict({
      traffic: {
        available: false,
        window: '24h',
        reason: 'no prometheusUrl configured for this cluster',
        callers: [],
        sources: [],
      },
    });
    expect(result.stage).toBe('unverified');
    expect(result.unverifiedReasons?.[0].message).toContain(
      'no prometheusUrl configured for this cluster',
    );
  });

  it('is unverified when a workload has no server-side metrics while another has', () => {
    const result = verdict({
      workloads: [ledger, workload('ledger-batch')],
      traffic: traffic(),
    });
    expect(result.stage).toBe('unverified');
    expect(result.unverifiedReasons).toEqual([
      expect.objectContaining({
        code: 'no-telemetry',
        workloads: ['ledger/ledger-batch'],
      }),
    ]);
  });

  it('is unverified when the telemetry covers less than the window, and says how much', () => {
    const result = verdict({
      traffic: traffic({ evidence: [evidenceFor('ledger-service', 2 * HOUR)] }),
    });
    expect(result.stage).toBe('unverified');
    expect(result.unverifiedReasons).toEqual([
      {
        code: 'window-too-short',
        message:
          'Telemetry covers 2 h of the 24 h observation window for ledger/ledger-service',
        workloads: ['ledger/ledger-service'],
      },
    ]);
  });

  it('allows the first sample to fall inside the sampling tolerance, not beyond it', () => {
    // 1% of a day is 864 s: the first sample may be that late.
    const near = (late: number) =>
      verdict({
        traffic: traffic({
          evidence: [evidenceFor('ledger-service', DAY - late)],
        }),
      }).stage;
    expect(near(860)).toBe('ready-for-strict');
    expect(near(870)).toBe('unverified');
  });

  it('is unverified when the telemetry was read over a shorter window than configured', () => {
    expect(codes({ traffic: traffic({ windowSeconds: HOUR }) })).toEqual([
      'window-too-short',
    ]);
    // A longer configured window asks for more than a day of telemetry.
    expect(
      codes({ traffic: traffic(), observationWindowSeconds: 7 * DAY }),
    ).toEqual(['window-too-short']);
  });

  it('is unverified with partial data, even when the telemetry is complete', () => {
    const result = verdict({
      traffic: traffic(),
      partial: 'Pods could not be read (forbidden)',
    });
    expect(result.stage).toBe('unverified');
    expect(result.unverifiedReasons).toEqual([
      { code: 'partial', message: 'Pods could not be read (forbidden)' },
    ]);
    // Nothing enrolled may only mean the pods were not seen.
    expect(
      verdict({
        workloads: [
          workload('ledger-service', { pods: { total: 0, injected: 0 } }),
        ],
        partial: 'Pods could not be read (forbidden)',
      }).stage,
    ).toBe('unverified');
  });

  it('gives every reason at once', () => {
    expect(
      codes({
        workloads: [ledger, workload('ledger-batch')],
        traffic: traffic({ evidence: [evidenceFor('ledger-service', HOUR)] }),
        partial: 'a cluster is still syncing',
      }),
    ).toEqual(['partial', 'no-telemetry', 'window-too-short']);
  });

  it('blocks on plaintext inside the window, whatever the coverage', () => {
    const result = verdict({
      traffic: traffic({
        callers: [
          caller('channels/web', 'mutual_tls'),
          caller('ledger/ledger-batch', 'none'),
        ],
        evidence: [evidenceFor('ledger-service', HOUR)],
      }),
    });
    expect(result.stage).toBe('permissive');
    expect(result.unverifiedReasons).toEqual([]);
    expect(result.blockers).toEqual([
      {
        type: 'plaintext-callers',
        namespace: 'ledger',
        workload: 'ledger-service',
        callers: ['ledger/ledger-batch'],
      },
    ]);
  });

  it('blocks on a caller from outside the mesh, and on no one else’s callers', () => {
    const outside = verdict({
      traffic: traffic({ callers: [caller('unknown/unknown', 'none')] }),
    });
    expect(outside.stage).toBe('permissive');
    expect(outside.blockers.map(b => b.type)).toEqual(['callers-outside-mesh']);
    // Plaintext toward another workload of the namespace is not ledger's.
    expect(
      verdict({
        traffic: traffic({
          callers: [caller('ops/report', 'none', 'ledger-archive')],
        }),
      }).stage,
    ).toBe('ready-for-strict');
  });

  it('keeps a known blocker or exception over partial data', () => {
    expect(
      verdict({
        workloads: [
          workload('ledger-service', {
            pods: { total: 2, injected: 1 },
            dataplane: 'partial',
          }),
        ],
        traffic: traffic(),
        partial: 'Pods could not be read',
      }).stage,
    ).toBe('permissive');
    expect(
      verdict({
        workloads: [workload('ledger-service', { mode: 'DISABLE' })],
        partial: 'Pods could not be read',
      }).stage,
    ).toBe('exception');
  });

  it('needs no telemetry once STRICT is enforced, but still all of the objects', () => {
    const strict = workload('ledger-service', { mode: 'STRICT' });
    expect(verdict({ workloads: [strict] }).stage).toBe('strict');
    expect(
      verdict({ workloads: [strict], partial: 'Pods are still syncing' }).stage,
    ).toBe('unverified');
  });

  it('does not ask telemetry of workloads outside the mesh', () => {
    // Not enrolled: nothing to move to STRICT, nothing to prove.
    expect(
      verdict({
        workloads: [
          workload('ledger-service', { pods: { total: 1, injected: 0 } }),
        ],
      }).stage,
    ).toBe('not-enrolled');
  });
});

describe('combineReadiness', () => {
  it('keeps the least advanced stage and the reasons only when it is unverified', () => {
    const ready = verdict({ traffic: traffic() });
    const unverified = verdict({});
    const permissive = verdict({
      traffic: traffic({ callers: [caller('unknown/unknown', 'none')] }),
    });
    const combined = combineReadiness([ready, unverified]);
    expect(combined.stage).toBe('unverified');
    expect(combined.unverifiedReasons?.map(r => r.code)).toEqual([
      'no-telemetry',
    ]);
    const worse = combineReadiness([unverified, permissive]);
    expect(worse.stage).toBe('permissive');
    expect(worse.unverifiedReasons).toEqual([]);
    expect(worse.telemetryUnknown).toBe(true);
  });
});
