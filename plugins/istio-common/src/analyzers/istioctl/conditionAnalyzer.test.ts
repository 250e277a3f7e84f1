import { KubeObject } from '../../model/resources';
import { conditionAnalyzer } from './conditionAnalyzer';
import { codesOf, findingsOf } from './__testUtils__/findingsOf';

const run = (...objects: KubeObject[]) =>
  codesOf(findingsOf(conditionAnalyzer, objects));

const condition = (type: string, status: string, reason = 'Because') => ({
  type,
  status,
  reason,
  message: 'details',
});

const withStatus = (
  apiVersion: string,
  kind: string,
  status: object,
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'shop' },
  spec: {},
  status,
});

describe('conditions.ConditionAnalyzer', () => {
  it('reports a waypoint the Service is not bound to, with the reason', () => {
    const [finding] = findingsOf(conditionAnalyzer, [
      withStatus('v1', 'Service', {
        conditions: [
          condition('istio.io/WaypointBound', 'False', 'NoWaypoint'),
        ],
      }),
    ]);
    expect(finding.resource).toBe('Service shop/x');
    expect(finding.message).toContain(
      'istio.io/WaypointBound=False (NoWaypoint)',
    );
  });

  it('ignores positive conditions and condition types that are not Istio’s', () => {
    expect(
      run(
        withStatus('v1', 'Service', {
          conditions: [
            condition('istio.io/WaypointBound', 'True'),
            condition('argocd.argoproj.io/Synced', 'False'),
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('reports a waypoint that accepted only part of an AuthorizationPolicy', () => {
    expect(
      run(
        withStatus('security.istio.io/v1', 'AuthorizationPolicy', {
          conditions: [
            condition('WaypointAccepted', 'True', 'PartiallyInvalid'),
          ],
        }),
        withStatus('security.istio.io/v1', 'AuthorizationPolicy', {
          conditions: [condition('WaypointAccepted', 'True', 'Accepted')],
        }),
      ),
    ).toEqual(['IST0171 AuthorizationPolicy shop/x']);
  });

  it('reads Gateway API Gateways by their own kind name, and routes per parent', () => {
    expect(
      run(
        withStatus('gateway.networking.k8s.io/v1', 'Gateway', {
          conditions: [condition('Programmed', 'False')],
        }),
        withStatus('networking.istio.io/v1', 'Gateway', {
          conditions: [condition('Programmed', 'False')],
        }),
        withStatus('gateway.networking.k8s.io/v1', 'HTTPRoute', {
          parents: [
            { conditions: [condition('Accepted', 'True')] },
            { conditions: [condition('ResolvedRefs', 'False')] },
          ],
        }),
      ),
    ).toEqual(['IST0171 Gateway shop/x', 'IST0171 HTTPRoute shop/x']);
  });
});
