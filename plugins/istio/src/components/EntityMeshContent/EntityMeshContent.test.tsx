import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, within } from '@testing-library/react';
import { IstioApi, istioApiRef } from '../../api/IstioApi';
import { EntityClusterPosture } from '@meshportal/plugin-istio-common';
import {
  annotatedEntity,
  clusterPosture,
  mockIstioApi,
  plainEntity,
  posture,
  workload,
} from '../../testing/fixtures';
import { EntityMeshContent } from './EntityMeshContent';

const FQDN = 'reviews.bookinfo.svc.cluster.local';

function richCluster(): EntityClusterPosture {
  const base = clusterPosture();
  return {
    ...base,
    workloads: [
      workload({
        mtls: {
          mode: 'STRICT',
          source: { level: 'namespace', policy: 'bookinfo/default' },
          ports: { '9090': { mode: 'PERMISSIVE' } },
        },
      }),
    ],
    services: [
      {
        ...base.services[0],
        ports: [
          { name: 'http', port: 9080, targetPort: 9080 },
          { name: 'metrics', port: 9090, targetPort: 9090 },
        ],
        clientTls: [
          {
            destinationRule: 'bookinfo/reviews',
            host: FQDN,
            mode: 'ISTIO_MUTUAL',
            source: 'destinationRule',
            ports: {},
          },
        ],
        virtualServices: [
          {
            namespace: 'bookinfo',
            name: 'reviews',
            hosts: [FQDN],
            gateways: [],
            rules: [
              {
                protocol: 'http',
                name: 'jason',
                match: [{ headers: { 'end-user': { exact: 'jason' } } }],
                destinations: [{ host: FQDN, subset: 'v2' }],
                fault: {
                  delay: { fixedDelay: '7s', percentage: { value: 100 } },
                },
              },
              {
                protocol: 'http',
                name: 'canary',
                destinations: [
                  { host: FQDN, subset: 'v1', weight: 90 },
                  { host: FQDN, subset: 'v3', weight: 10 },
                ],
                timeout: '2s',
                retries: { attempts: 3, perTryTimeout: '500ms' },
                mirrors: [
                  {
                    host: 'reviews-shadow.bookinfo.svc.cluster.local',
                    percentage: 5,
                  },
                ],
              },
            ],
          },
        ],
        destinationRules: [
          {
            namespace: 'bookinfo',
            name: 'reviews',
            host: FQDN,
            tls: { mode: 'ISTIO_MUTUAL' },
            connectionPool: { tcp: { maxConnections: 100 } },
            outlierDetection: { consecutive5xxErrors: 5, interval: '10s' },
            subsets: [
              { name: 'v1', labels: { version: 'v1' } },
              { name: 'v2', labels: { version: 'v2' } },
            ],
          },
        ],
      },
    ],
    authorizationPolicies: [
      {
        namespace: 'bookinfo',
        name: 'reviews-viewer',
        action: 'ALLOW',
        scope: 'workload',
        selector: { app: 'reviews' },
        rules: [
          {
            from: [
              {
                source: {
                  principals: ['cluster.local/ns/bookinfo/sa/productpage'],
                },
              },
            ],
            to: [{ operation: { methods: ['GET'] } }],
          },
        ],
      },
    ],
    telemetry: {
      available: true,
      window: '1h',
      callers: [
        {
          destinationNamespace: 'bookinfo',
          destinationWorkload: 'reviews-v1',
          sourceNamespace: 'bookinfo',
          sourceWorkload: 'productpage-v1',
          securityPolicy: 'mutual_tls',
          requests: 900,
          tcpConnections: 0,
        },
        {
          destinationNamespace: 'bookinfo',
          destinationWorkload: 'reviews-v1',
          sourceNamespace: 'legacy',
          sourceWorkload: 'batch-job',
          securityPolicy: 'mutual_tls',
          requests: 30,
          tcpConnections: 0,
        },
        {
          destinationNamespace: 'bookinfo',
          destinationWorkload: 'reviews-v1',
          sourceNamespace: 'legacy',
          sourceWorkload: 'batch-job',
          securityPolicy: 'none',
          requests: 10,
          tcpConnections: 0,
        },
      ],
      sources: [
        {
          sourceNamespace: 'bookinfo',
          sourceWorkload: 'productpage-v1',
          requests: 900,
          tcpConnections: 0,
          mtlsShare: 1,
        },
        {
          sourceNamespace: 'legacy',
          sourceWorkload: 'batch-job',
          requests: 40,
          tcpConnections: 0,
          mtlsShare: 0.75,
        },
      ],
    },
    findings: [
      {
        code: 'MESH001',
        name: 'PlaintextToStrict',
        analyzer: 'mtls.ConflictAnalyzer',
        severity: 'Error',
        resource: 'DestinationRule bookinfo/reviews',
        message: 'Clients send plaintext to a STRICT port.',
        remediation:
          'spec:\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL',
        ref: {
          kind: 'DestinationRule',
          namespace: 'bookinfo',
          name: 'reviews',
        },
      },
    ],
    readiness: {
      stage: 'permissive',
      blockers: [
        {
          type: 'plaintext-callers',
          workload: 'reviews-v1',
          namespace: 'bookinfo',
          callers: ['legacy/batch-job'],
        },
      ],
      exceptions: [],
      telemetryUnknown: false,
    },
    links: {
      namespaces: {},
      graph:
        'https://kiali.example.test/console/graph/namespaces?namespaces=bookinfo',
    },
  };
}

function renderContent(api: IstioApi, entity = annotatedEntity) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityMeshContent />
    </EntityProvider>,
    { apis: [[istioApiRef, api]] },
  );
}

describe('EntityMeshContent', () => {
  it('shows readiness, workloads with mTLS per port, and deep links', async () => {
    const cluster = richCluster();
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => posture([cluster])),
    });
    renderContent(api);
    expect(await screen.findByText('Cluster prod-eu')).toBeInTheDocument();
    expect(screen.getByText('Readiness for STRICT')).toBeInTheDocument();
    expect(
      screen.getByText(
        'bookinfo/reviews-v1: plaintext callers would be refused (legacy/batch-job)',
      ),
    ).toBeInTheDocument();
    const workloads = screen.getByRole('table', {
      name: 'Workloads and mTLS per port',
    });
    expect(
      within(workloads).getByText('bookinfo/reviews-v1'),
    ).toBeInTheDocument();
    expect(within(workloads).getByText('2 of 2')).toBeInTheDocument();
    // Each port reads as a line: its number, the mode as a word, the Service.
    const portLine = (port: number) =>
      within(workloads).getByText(`Port ${port}:`).parentElement!.textContent;
    expect(portLine(9080)).toMatch(
      /^Port 9080: ?STRICT ?Service reviews:9080$/,
    );
    expect(portLine(9090)).toMatch(
      /^Port 9090: ?PERMISSIVE ?\(differs from the workload\) ?Service reviews:9090$/,
    );
    expect(
      screen.getByRole('link', { name: /Kiali traffic graph/ }),
    ).toHaveAttribute('href', cluster.links!.graph);
  });

  it('draws routes: canary weights, header match, mirror, retries, timeout, fault, circuit breaking', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => posture([richCluster()])),
    });
    renderContent(api);
    expect(
      await screen.findByText(/HTTP "jason": header end-user exact "jason"/),
    ).toBeInTheDocument();
    expect(screen.getByText('fault: delay 7s for 100%')).toBeInTheDocument();
    const v1 = screen.getByRole('meter', {
      name: 'Weight of reviews.bookinfo (v1)',
    });
    const v3 = screen.getByRole('meter', {
      name: 'Weight of reviews.bookinfo (v3)',
    });
    expect(v1).toHaveAttribute('aria-valuenow', '90');
    expect(v3).toHaveAttribute('aria-valuenow', '10');
    // A single destination receives all traffic.
    expect(
      screen.getByRole('meter', { name: 'Weight of reviews.bookinfo (v2)' }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByText('timeout 2s')).toBeInTheDocument();
    expect(screen.getByText('retries 3 × 500ms')).toBeInTheDocument();
    expect(
      screen.getByText('mirror to reviews-shadow.bookinfo (5%)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Outlier detection: eject a host after 5 consecutive 5xx errors, check every 10s',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Connection pool: at most 100 TCP connections'),
    ).toBeInTheDocument();
  });

  it('lists who may call, observed callers with plaintext highlighted, and copyable findings', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => posture([richCluster()])),
    });
    renderContent(api);
    const policies = await screen.findByRole('table', {
      name: 'Authorization policies',
    });
    expect(
      within(policies).getByText(
        'from principals cluster.local/ns/bookinfo/sa/productpage to methods GET',
      ),
    ).toBeInTheDocument();

    const callers = screen.getByRole('table', { name: 'Observed callers' });
    const rows = within(callers).getAllByRole('row');
    // Plaintext callers come first, with the share in words.
    expect(within(rows[1]).getByText('legacy/batch-job')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('75% mTLS, 10 plaintext'),
    ).toBeInTheDocument();
    expect(within(rows[2]).getByText('100% mTLS')).toBeInTheDocument();

    expect(
      screen.getByText(
        /MESH001 PlaintextToStrict: DestinationRule bookinfo\/reviews/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'Copy remediation of MESH001 DestinationRule bookinfo/reviews',
      }),
    ).toBeInTheDocument();
  });

  it('shows the YAML of each Istio object that applies, copyable', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => posture([richCluster()])),
    });
    renderContent(api);
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'VirtualService bookinfo/reviews',
      }),
    );
    expect(
      await screen.findByRole('button', {
        name: 'Copy YAML of VirtualService bookinfo/reviews',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText(/kind: VirtualService/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'AuthorizationPolicy bookinfo/reviews-viewer',
      }),
    ).toBeInTheDocument();
  });

  it('prefers the manifests when the backend sends them', async () => {
    const cluster = {
      ...richCluster(),
      objects: [
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'default', namespace: 'bookinfo' },
          spec: { mtls: { mode: 'STRICT' } },
        },
      ],
    };
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => posture([cluster])),
    });
    renderContent(api);
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'PeerAuthentication bookinfo/default',
      }),
    );
    expect(
      await screen.findByText(/apiVersion: security.istio.io\/v1/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'VirtualService bookinfo/reviews' }),
    ).not.toBeInTheDocument();
  });

  it('says when telemetry is unavailable instead of claiming no callers', async () => {
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () =>
        posture([
          clusterPosture({
            telemetry: {
              available: false,
              window: '1h',
              reason: 'no prometheusUrl configured for this cluster',
              callers: [],
              sources: [],
            },
          }),
        ]),
      ),
    });
    renderContent(api);
    expect(
      await screen.findByText(
        /Telemetry unavailable \(no prometheusUrl configured for this cluster\)/,
      ),
    ).toBeInTheDocument();
  });

  it('shows an unverified verdict as neutral with its reason, and the evidence per port', async () => {
    const observedAt = '2026-11-22T01:00:00.000Z';
    const hoursAgo = (h: number) =>
      new Date(Date.parse(observedAt) - h * 3_600_000).toISOString();
    const cluster = clusterPosture({
      workloads: [workload()],
      telemetry: {
        available: true,
        window: '24h',
        windowSeconds: 86_400,
        observedAt,
        callers: [],
        sources: [],
        evidence: [
          {
            namespace: 'bookinfo',
            workload: 'reviews-v1',
            observedSince: hoursAgo(2),
            ports: [
              {
                port: '9080',
                requests: 400,
                mtlsRequests: 300,
                tcpConnections: 0,
                mtlsTcpConnections: 0,
                requestsMtlsShare: 0.75,
                tcpMtlsShare: null,
                lastPlaintextAt: hoursAgo(3),
              },
              {
                port: '9090',
                requests: 0,
                mtlsRequests: 0,
                tcpConnections: 20,
                mtlsTcpConnections: 20,
                requestsMtlsShare: null,
                tcpMtlsShare: 1,
              },
            ],
          },
        ],
      },
      readiness: {
        stage: 'unverified',
        blockers: [],
        exceptions: [],
        telemetryUnknown: false,
        unverifiedReasons: [
          {
            code: 'window-too-short',
            message:
              'Telemetry covers 2 h of the 24 h observation window for bookinfo/reviews-v1',
            workloads: ['bookinfo/reviews-v1'],
          },
        ],
      },
    });
    const api = mockIstioApi({
      getEntityPosture: jest.fn(async () => posture([cluster])),
    });
    renderContent(api);

    const readiness = (await screen.findByText('Readiness for STRICT')).closest(
      '.MuiCard-root',
    ) as HTMLElement;
    const stage = within(readiness).getByText('Unverified');
    expect(stage.closest('[aria-label]')).toHaveAttribute(
      'aria-label',
      'Status pending',
    );
    expect(within(readiness).queryByLabelText('Status ok')).toBeNull();
    expect(
      within(readiness).getByText(
        'Unverified: Telemetry covers 2 h of the 24 h observation window for bookinfo/reviews-v1',
      ),
    ).toBeInTheDocument();

    const table = screen.getByRole('table', { name: 'mTLS evidence per port' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r => r.textContent);
    // Workload, port, requests and connections over mTLS, plaintext last
    // seen, metrics since.
    expect(rows).toEqual([
      [
        'bookinfo/reviews-v1',
        '9080',
        '75% of 400',
        '–',
        '3 hours ago',
        '2 hours ago',
      ].join(''),
      [
        'bookinfo/reviews-v1',
        '9090',
        '–',
        '100% of 20',
        'Never in the window',
        '2 hours ago',
      ].join(''),
    ]);
  });

  it('explains the missing annotation on the tab too', async () => {
    const api = mockIstioApi();
    renderContent(api, plainEntity);
    expect(
      await screen.findByText('No Kubernetes annotation'),
    ).toBeInTheDocument();
  });
});
