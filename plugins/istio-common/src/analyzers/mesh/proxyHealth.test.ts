import { analyzeMesh } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import { deployment, namespace, pod } from '../../posture/testObjects';

const NOW = '2026-06-01T12:00:00Z';

/** A pod of Deployment shop/reviews whose istio-proxy reports this status. */
function reviewsPod(
  name: string,
  proxyStatus: object | undefined,
  opts: { native?: boolean; phase?: string } = {},
): KubeObject {
  const object = pod(
    name,
    'shop',
    { app: 'reviews', 'pod-template-hash': 'abc' },
    {
      owner: { kind: 'ReplicaSet', name: 'reviews-abc' },
      sidecar: opts.native ? 'native' : 'container',
    },
  );
  const statuses = [
    { name: 'app', ready: true, restartCount: 0 },
    ...(proxyStatus ? [{ name: 'istio-proxy', ...proxyStatus }] : []),
  ];
  object.status = {
    phase: opts.phase ?? 'Running',
    ...(opts.native
      ? {
          containerStatuses: [statuses[0]],
          initContainerStatuses: statuses.slice(1),
        }
      : { containerStatuses: statuses }),
  };
  return object;
}

const healthy = { ready: true, restartCount: 0, state: { running: {} } };

function run(pods: KubeObject[], restartThreshold?: number) {
  return analyzeMesh(
    [
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('reviews', 'shop', { app: 'reviews' }),
      ...pods,
    ],
    {
      analyzers: ['proxy.HealthAnalyzer'],
      now: NOW,
      proxyRestartThreshold: restartThreshold,
    },
  ).findings;
}

describe('proxy.HealthAnalyzer', () => {
  describe('MESH201 proxy not ready', () => {
    it('fires for a running pod whose proxy fails its readiness probe, once per workload', () => {
      const findings = run([
        reviewsPod('reviews-abc-1', { ...healthy, ready: false }),
        reviewsPod('reviews-abc-2', {
          ready: false,
          restartCount: 1,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        }),
        reviewsPod('reviews-abc-3', healthy),
      ]);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        code: 'MESH201',
        severity: 'Error',
        resource: 'Deployment shop/reviews',
      });
      expect(findings[0].message).toContain('2 of 3 pods');
      expect(findings[0].message).toContain(
        'reviews-abc-1 (running, readiness probe failing)',
      );
      expect(findings[0].message).toContain('reviews-abc-2 (CrashLoopBackOff)');
      expect(findings[0].remediation).toContain(
        'kubectl -n shop logs reviews-abc-1 -c istio-proxy',
      );
    });

    it('reads a native sidecar from the init container statuses', () => {
      const [finding] = run([
        reviewsPod(
          'reviews-abc-1',
          {
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff' } },
          },
          { native: true, phase: 'Pending' },
        ),
      ]);
      expect(finding?.code).toBe('MESH201');
      expect(finding.message).toContain('ImagePullBackOff');
    });

    it('stays silent for ready proxies, pods still being created, and pods reporting no proxy status', () => {
      expect(
        run([
          reviewsPod('reviews-abc-1', healthy),
          reviewsPod('reviews-abc-1', healthy, { native: true }),
          reviewsPod(
            'reviews-abc-2',
            {
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'PodInitializing' } },
            },
            { phase: 'Pending' },
          ),
          reviewsPod('reviews-abc-3', undefined),
        ]),
      ).toEqual([]);
    });
  });

  describe('MESH202 proxy restarting', () => {
    const restarted = (
      count: number,
      finishedAt: string,
      reason = 'Error',
    ) => ({
      ready: true,
      restartCount: count,
      state: { running: {} },
      lastState: { terminated: { reason, exitCode: 137, finishedAt } },
    });

    it('fires at the threshold when the last restart is within the hour, with the reason', () => {
      const [finding] = run([
        reviewsPod(
          'reviews-abc-1',
          restarted(3, '2026-06-01T11:30:00Z', 'OOMKilled'),
        ),
      ]);
      expect(finding).toMatchObject({ code: 'MESH202', severity: 'Warning' });
      expect(finding.message).toContain(
        'reviews-abc-1 (3 restarts, last OOMKilled exit code 137)',
      );
      expect(finding.remediation).toContain(
        'sidecar.istio.io/proxyMemoryLimit',
      );
      expect(finding.remediation).toContain('deployment/reviews');
    });

    it('fires for a crash-looping proxy whatever its last restart time', () => {
      const codes = run([
        reviewsPod('reviews-abc-1', {
          ready: false,
          restartCount: 7,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: { reason: 'Error', finishedAt: '2026-05-01T00:00:00Z' },
          },
        }),
      ]).map(f => f.code);
      expect(codes.sort()).toEqual(['MESH201', 'MESH202']);
    });

    it('stays silent below the threshold and for restarts long past', () => {
      expect(
        run([
          reviewsPod('reviews-abc-1', restarted(2, '2026-06-01T11:59:00Z')),
          reviewsPod('reviews-abc-2', restarted(9, '2026-06-01T10:59:00Z')),
        ]),
      ).toEqual([]);
    });

    it('tells a bare pod to change its manifest, as it has no template to patch', () => {
      const bare = reviewsPod(
        'debug',
        restarted(4, '2026-06-01T11:50:00Z', 'OOMKilled'),
      );
      bare.metadata!.ownerReferences = undefined;
      const [finding] = run([bare]);
      expect(finding).toMatchObject({
        code: 'MESH202',
        resource: 'Pod shop/debug',
      });
      expect(finding.message).toContain(
        'The istio-proxy of Pod shop/debug keeps restarting',
      );
      expect(finding.remediation).toContain('in the manifest of pod debug');
      expect(finding.remediation).not.toContain('patch');
    });

    it('takes the threshold from the options', () => {
      const pods = [
        reviewsPod('reviews-abc-1', restarted(2, '2026-06-01T11:59:00Z')),
      ];
      expect(run(pods, 2).map(f => f.code)).toEqual(['MESH202']);
      expect(run(pods, 5)).toEqual([]);
    });
  });
});
