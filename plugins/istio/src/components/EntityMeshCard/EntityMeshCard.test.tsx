import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { fireEvent, screen } from '@testing-library/react';
import { IstioApi, istioApiRef } from '../../api/IstioApi';
import {
  annotatedEntity,
  clusterPosture,
  mockIstioApi,
  plainEntity,
  posture,
  responseError,
  workload,
} from '../../testing/fixtures';
import { EntityMeshCard } from './EntityMeshCard';

function renderCard(api: IstioApi, entity: Entity = annotatedEntity) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityMeshCard />
    </EntityProvider>,
    { apis: [[istioApiRef, api]] },
  );
}

describe('EntityMeshCard', () => {
  it('shows skeletons while the posture loads', async () => {
    const api = mockIstioApi();
    renderCard(api);
    expect(
      await screen.findByLabelText('Loading service mesh posture'),
    ).toHaveAttribute('aria-busy', 'true');
    expect(api.getEntityPosture).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'reviews',
    });
  });

  it('explains how to add a Kubernetes annotation, without calling the API', async () => {
    const api = mockIstioApi();
    renderCard(api, plainEntity);
    expect(
      await screen.findByText('No Kubernetes annotation'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/backstage\.io\/kubernetes-id: my-service/).length,
    ).toBeGreaterThan(0);
    expect(api.getEntityPosture).not.toHaveBeenCalled();
  });

  it('summarizes a sidecar workload at STRICT with its deciding policy and links', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => posture()),
    });
    renderCard(api);
    expect(await screen.findByText('Sidecar')).toBeInTheDocument();
    expect(screen.getByText(/revision 1-24/)).toBeInTheDocument();
    expect(screen.getAllByText('STRICT').length).toBeGreaterThan(0);
    expect(
      screen.getByText(
        'decided by PeerAuthentication istio-system/default (mesh)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Already STRICT')).toBeInTheDocument();
    expect(screen.getByText('No findings')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Kiali/ })).toHaveAttribute(
      'href',
      'https://kiali.example.test/console/namespaces/bookinfo/workloads/reviews-v1',
    );
    // The Grafana button opens the service dashboard, not the workload one.
    expect(screen.getByRole('link', { name: /Grafana/ })).toHaveAttribute(
      'href',
      'https://grafana.example.test/d/service?var-service=reviews',
    );
  });

  it('shows a partial rollout with pod counts, a differing port and blockers', async () => {
    const partial = clusterPosture({
      workloads: [
        workload({
          dataplane: 'partial',
          pods: { total: 3, injected: 2 },
          mtls: {
            mode: 'PERMISSIVE',
            source: { level: 'namespace', policy: 'bookinfo/default' },
            ports: { '9090': { mode: 'DISABLE' } },
          },
        }),
      ],
      findings: [
        {
          code: 'IST0103',
          name: 'PodMissingProxy',
          analyzer: 'injection.Analyzer',
          severity: 'Warning',
          resource: 'Pod bookinfo/reviews-v1-abc',
          message: 'The pod is missing the Istio proxy.',
          remediation:
            'kubectl rollout restart deployment/reviews-v1 -n bookinfo',
          ref: { kind: 'Pod', namespace: 'bookinfo', name: 'reviews-v1-abc' },
        },
      ],
      readiness: {
        stage: 'permissive',
        blockers: [
          {
            type: 'pods-without-proxy',
            workload: 'reviews-v1',
            namespace: 'bookinfo',
            pods: 1,
          },
        ],
        exceptions: [],
        telemetryUnknown: false,
      },
    });
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => posture([partial])),
    });
    renderCard(api);
    expect(await screen.findByText('Partial: 2 of 3 pods')).toBeInTheDocument();
    expect(screen.getAllByText('PERMISSIVE').length).toBeGreaterThan(0);
    expect(
      screen.getByText(
        'decided by PeerAuthentication bookinfo/default (namespace)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Differs on port 9090: DISABLE'),
    ).toBeInTheDocument();
    expect(screen.getByText('Not yet: 1 blocker')).toBeInTheDocument();
    expect(screen.getByText(/IST0103 PodMissingProxy/)).toBeInTheDocument();
  });

  it('says an ambient workload at PERMISSIVE with nothing in the way is ready for STRICT', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () =>
        posture([
          clusterPosture({
            workloads: [
              workload({
                dataplane: 'ambient',
                pods: { total: 2, injected: 0 },
                injection: {
                  willInject: false,
                  revision: null,
                  reason: 'ambient',
                },
                mtls: {
                  mode: 'PERMISSIVE',
                  source: { level: 'default', policy: null },
                  ports: {},
                },
              }),
            ],
            readiness: {
              stage: 'ready-for-strict',
              blockers: [],
              exceptions: [],
              telemetryUnknown: false,
            },
          }),
        ]),
      ),
    });
    renderCard(api);
    expect(await screen.findByText('Ambient')).toBeInTheDocument();
    expect(
      screen.getByText('decided by mesh default (no PeerAuthentication)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Ready: no blockers')).toBeInTheDocument();
  });

  it('says the service is not in the mesh and links to the onboarding template', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () =>
        posture([
          clusterPosture({
            workloads: [
              workload({
                dataplane: 'none',
                pods: { total: 2, injected: 0 },
                injection: {
                  willInject: false,
                  revision: null,
                  reason: 'namespace bookinfo has no injection label',
                },
              }),
            ],
            readiness: {
              stage: 'not-enrolled',
              blockers: [],
              exceptions: [],
              telemetryUnknown: false,
            },
          }),
        ]),
      ),
    });
    renderCard(api);
    expect(
      await screen.findByText('Not in the service mesh'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/namespace bookinfo has no injection label/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Onboard this service' }),
    ).toHaveAttribute(
      'href',
      '/create/templates/default/istio-onboard-service',
    );
  });

  it('says Istio is not installed when the cluster has none of its kinds', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () =>
        posture([
          clusterPosture({
            workloads: [
              workload({ dataplane: 'none', pods: { total: 1, injected: 0 } }),
            ],
          }),
        ]),
      ),
      getClusters: jest.fn(async () => [
        {
          cluster: 'prod-eu',
          ready: true,
          degraded: false,
          kinds: [
            { kind: 'Pod', state: 'synced' as const, count: 3 },
            { kind: 'PeerAuthentication', state: 'absent' as const, count: 0 },
            { kind: 'VirtualService', state: 'absent' as const, count: 0 },
          ],
        },
      ]),
    });
    renderCard(api);
    expect(
      await screen.findByText('Istio is not installed'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Cluster prod-eu has no Istio resources/),
    ).toBeInTheDocument();
  });

  it('shows last known data with its age when a cluster is unreachable', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () =>
        posture([clusterPosture({ stale: true, ageSeconds: 750 })]),
      ),
    });
    renderCard(api);
    expect(
      await screen.findByText('Warning: Showing last known data'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Cluster prod-eu is unreachable or partly failing: data from 12 minutes ago/,
      ),
    ).toBeInTheDocument();
    // The last known posture is still shown.
    expect(screen.getByText('Sidecar')).toBeInTheDocument();
  });

  it('says when the cluster has not synced yet', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () =>
        posture([], { pendingClusters: ['prod-eu'], stale: true }),
      ),
    });
    renderCard(api);
    expect(
      await screen.findByText('Cluster not synced yet'),
    ).toBeInTheDocument();
  });

  it('says which selector found no workloads', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () =>
        posture([], {
          selector: {
            labelSelector: 'backstage.io/kubernetes-id=reviews',
            namespace: 'bookinfo',
          },
        }),
      ),
    });
    renderCard(api);
    expect(await screen.findByText('No workloads found')).toBeInTheDocument();
    expect(
      screen.getByText(
        /matches backstage\.io\/kubernetes-id=reviews in namespace bookinfo/,
      ),
    ).toBeInTheDocument();
  });

  it('treats 404 as not found or not allowed', async () => {
    const error = await responseError(404, 'entity not found');
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => {
        throw error;
      }),
    });
    renderCard(api);
    expect(
      await screen.findByText('Not found or not allowed'),
    ).toBeInTheDocument();
  });

  it('shows other API errors in an error panel with a retry', async () => {
    const error = await responseError(500, 'kaboom');
    const api = mockIstioApi({
      getEntityPosture: jest
        .fn()
        .mockRejectedValueOnce(error)
        .mockResolvedValue(posture()),
    });
    renderCard(api);
    const panel = await screen.findByText(
      /Could not load the service mesh posture/,
    );
    expect(panel).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Sidecar')).toBeInTheDocument();
  });

  describe('when part of the cluster cannot be read', () => {
    const unknown = {
      stage: 'unverified' as const,
      blockers: [],
      exceptions: [],
      telemetryUnknown: false,
      unverifiedReasons: [
        {
          code: 'partial' as const,
          message:
            'Partial data: Pod could not be read (forbidden), so workloads, pods or policies may be missing',
        },
      ],
    };
    const podsForbidden = {
      kind: 'Pod',
      state: 'forbidden' as const,
      reason: 'forbidden' as const,
    };

    it('says readiness is unverified for partial data, neutral, never ready', async () => {
      const api = mockIstioApi({
        getEntityPosture: jest.fn(async () =>
          posture(
            [
              clusterPosture({
                missingKinds: [podsForbidden],
                readiness: unknown,
              }),
            ],
            {
              degraded: true,
              missingKinds: [{ cluster: 'prod-eu', ...podsForbidden }],
            },
          ),
        ),
      });
      renderCard(api);
      const status = await screen.findByText(
        'Unverified: part of the cluster is unreadable',
      );
      expect(status.closest('[aria-label]')).toHaveAttribute(
        'aria-label',
        'Status pending',
      );
      expect(screen.queryByText(/^Ready:/)).not.toBeInTheDocument();
      expect(
        screen.getByText('Cluster prod-eu: Pod could not be read (forbidden).'),
      ).toBeInTheDocument();
    });

    it('does not call a service without readable pods "not in the mesh"', async () => {
      const api = mockIstioApi({
        getEntityPosture: jest.fn(async () =>
          posture(
            [
              clusterPosture({
                workloads: [
                  workload({
                    dataplane: 'none',
                    pods: { total: 0, injected: 0 },
                  }),
                ],
                missingKinds: [podsForbidden],
                readiness: unknown,
              }),
            ],
            {
              degraded: true,
              missingKinds: [{ cluster: 'prod-eu', ...podsForbidden }],
            },
          ),
        ),
      });
      renderCard(api);
      expect(
        await screen.findByText(
          'Cannot tell whether this service is in the mesh',
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByText(/Partial data: part of the cluster could not be read/),
      ).toBeInTheDocument();
      expect(screen.queryByText('Not in the service mesh')).toBeNull();
    });
  });
});
