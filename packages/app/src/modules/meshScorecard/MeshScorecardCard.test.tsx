import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { MeshScorecardCard } from './MeshScorecardCard';

const BASE = 'http://backend.test/api/tech-insights';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ledger-service',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'ledger-service' },
  },
  spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
};

function check(id: string, name: string, result: boolean, facts = {}) {
  return {
    check: { id, name, description: `${name}, described.` },
    result,
    facts,
  };
}

const latestFacts = {
  'istio-mesh-facts': {
    id: 'istio-mesh-facts',
    entity: { namespace: 'default', kind: 'component', name: 'ledger-service' },
    timestamp: '2026-11-22T03:05:00.000Z',
    facts: { meshEnrolled: true, mtlsMode: 'PERMISSIVE', errorFindings: 0 },
  },
};

// In the engine's order, not the configured one.
const checkResults = [
  check('istio-no-error-findings', 'No Error findings', true, {
    errorFindings: { value: 0, type: 'integer' },
  }),
  check('istio-mtls-strict', 'mTLS STRICT', false, {
    mtlsMode: { value: 'PERMISSIVE', type: 'string' },
  }),
  check('istio-in-mesh', 'In the mesh', true, {
    meshEnrolled: { value: true, type: 'boolean' },
  }),
];

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    statusText: status === 200 ? 'OK' : 'Internal Server Error',
    headers: { 'Content-Type': 'application/json' },
  });
}

/** The tech-insights backend at the HTTP edge: the only thing mocked. */
function techInsightsBackend(routes: {
  latest: () => Response | Promise<Response>;
  run?: () => Response;
}) {
  return jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.startsWith(`${BASE}/facts/latest?`)) {
      return routes.latest();
    }
    if (url === `${BASE}/checks/run/default/component/ledger-service`) {
      expect(init?.method).toBe('POST');
      return routes.run ? routes.run() : json([]);
    }
    return json({ error: { message: `unexpected ${url}` } }, 404);
  });
}

function renderCard(backend: ReturnType<typeof techInsightsBackend>) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <MeshScorecardCard />
    </EntityProvider>,
    {
      apis: [
        mockApis.discovery({ baseUrl: 'http://backend.test' }),
        mockApis.fetch({ baseImplementation: backend }),
      ],
    },
  );
}

describe('MeshScorecardCard', () => {
  it('shows a skeleton while the facts load', async () => {
    renderCard(techInsightsBackend({ latest: () => new Promise(() => {}) }));
    expect(
      await screen.findByLabelText('Loading mesh scorecard'),
    ).toHaveAttribute('aria-busy', 'true');
  });

  it('lists each check with a pass or fail word, its description and the facts time', async () => {
    const backend = techInsightsBackend({
      latest: () => json(latestFacts),
      run: () => json(checkResults),
    });
    renderCard(backend);

    const list = await screen.findByRole('list', { name: 'Mesh checks' });
    const rows = within(list).getAllByRole('listitem');
    // The configured order: in the mesh, mTLS, findings.
    expect(rows.map(r => r.textContent)).toEqual([
      expect.stringMatching(/^Pass In the mesh/),
      expect.stringMatching(/^Fail mTLS STRICT/),
      expect.stringMatching(/^Pass No Error findings/),
    ]);
    expect(rows[1]).toHaveTextContent('mTLS STRICT, described.');
    expect(rows[1]).toHaveTextContent('Fact mtlsMode: PERMISSIVE');
    expect(screen.getByText('1 of 3 checks fail')).toBeInTheDocument();
    expect(
      screen.getByText(/Facts collected/).querySelector('time'),
    ).toHaveAttribute('dateTime', '2026-11-22T03:05:00.000Z');

    const [latestUrl] = backend.mock.calls[0];
    expect(String(latestUrl)).toBe(
      `${BASE}/facts/latest?entity=component%3Adefault%2Fledger-service&ids[]=istio-mesh-facts`,
    );
    const [, runInit] = backend.mock.calls[1];
    expect(JSON.parse(String(runInit?.body))).toEqual({
      checks: ['istio-in-mesh', 'istio-mtls-strict', 'istio-no-error-findings'],
    });
  });

  it('says when the store gave no collection time', async () => {
    renderCard(
      techInsightsBackend({
        latest: () =>
          json({
            'istio-mesh-facts': {
              ...latestFacts['istio-mesh-facts'],
              timestamp: null,
            },
          }),
        run: () => json(checkResults.map(r => ({ ...r, result: true }))),
      }),
    );
    expect(await screen.findByText('All 3 checks pass')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Tech Insights did not report when these facts were collected.',
      ),
    ).toBeInTheDocument();
  });

  it('explains the cadence before the first run, without running checks', async () => {
    const backend = techInsightsBackend({ latest: () => json({}) });
    renderCard(backend);
    expect(
      await screen.findByText(
        'Facts are collected every 5 minutes; first run pending.',
      ),
    ).toBeInTheDocument();
    expect(backend).toHaveBeenCalledTimes(1);
  });

  it('shows the backend error', async () => {
    renderCard(
      techInsightsBackend({
        latest: () =>
          json(
            {
              error: { name: 'Error', message: 'database is locked' },
              response: { statusCode: 500 },
            },
            500,
          ),
      }),
    );
    expect(await screen.findByText(/database is locked/)).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Mesh checks' })).toBeNull();
  });
});
