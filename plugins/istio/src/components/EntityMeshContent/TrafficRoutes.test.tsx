import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { ServicePosture } from '@meshportal/plugin-istio-common';
import { TrafficRoutes } from './TrafficRoutes';

const FQDN = 'reviews.bookinfo.svc.cluster.local';

function reviews(clientTls: ServicePosture['clientTls']): ServicePosture {
  return {
    namespace: 'bookinfo',
    name: 'reviews',
    ports: [
      { name: 'http', port: 9080, targetPort: 9080 },
      { name: 'metrics', port: 9090, targetPort: 9090 },
    ],
    virtualServices: [],
    destinationRules: [],
    clientTls,
    links: {},
  };
}

describe('TrafficRoutes client TLS', () => {
  it('says per port what clients send, and to whom plaintext goes', async () => {
    await renderInTestApp(
      <TrafficRoutes
        services={[
          reviews([
            {
              destinationRule: null,
              host: FQDN,
              mode: 'ISTIO_MUTUAL',
              source: 'autoMtls',
              ports: {
                '9080': {
                  mode: 'DISABLE',
                  source: 'autoMtls',
                  endpoints: [
                    {
                      workload: 'bookinfo/reviews-v1',
                      targetPort: 9080,
                      mode: 'DISABLE',
                      reason: 'peerAuthenticationDisable',
                      policy: 'bookinfo/legacy-port',
                    },
                  ],
                },
                '9090': {
                  mode: 'ISTIO_MUTUAL',
                  source: 'autoMtls',
                  endpoints: [
                    {
                      workload: 'bookinfo/reviews-v1',
                      targetPort: 9090,
                      mode: 'ISTIO_MUTUAL',
                      reason: 'sidecar',
                    },
                  ],
                },
              },
            },
          ]),
        ]}
      />,
    );
    const list = screen.getByRole('list', { name: 'What clients send' });
    const items = within(list)
      .getAllByRole('listitem')
      .map(li => li.textContent);
    expect(items).toEqual([
      'Clients send ISTIO_MUTUAL (auto mTLS)',
      'Clients send port 9080: DISABLE (auto mTLS); plaintext to bookinfo/reviews-v1 (PeerAuthentication bookinfo/legacy-port is DISABLE on port 9080)',
    ]);
  });

  it('shows nothing about client TLS when the backend sent none', async () => {
    await renderInTestApp(<TrafficRoutes services={[reviews([])]} />);
    expect(
      screen.queryByRole('list', { name: 'What clients send' }),
    ).toBeNull();
  });
});
