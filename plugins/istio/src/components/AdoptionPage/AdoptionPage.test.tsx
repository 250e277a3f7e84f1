import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { IstioApi, istioApiRef } from '../../api/IstioApi';
import { AdoptionHistoryPoint } from '../../api/types';
import {
  adoptionReport,
  mockIstioApi,
  responseError,
} from '../../testing/fixtures';
import { AdoptionPageContent } from './AdoptionPage';

const NOW = Date.parse('2026-11-22T00:00:00Z');
const DAY = 86_400_000;

const history: AdoptionHistoryPoint[] = [
  {
    time: new Date(NOW - 40 * DAY).toISOString(),
    enrolled: 20,
    strict: 5,
    blockers: 9,
  },
  {
    time: new Date(NOW - 30 * DAY).toISOString(),
    enrolled: 40,
    strict: 12,
    blockers: 6,
  },
  {
    time: new Date(NOW - 8 * DAY).toISOString(),
    enrolled: 55,
    strict: 30,
    blockers: 1,
  },
  {
    time: new Date(NOW - 1 * DAY).toISOString(),
    enrolled: 60,
    strict: 30,
    blockers: 2,
  },
];

function renderPage(api: IstioApi) {
  return renderInTestApp(<AdoptionPageContent now={() => NOW} />, {
    apis: [[istioApiRef, api]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

// The test environment's Blob may be Node's, which FileReader rejects.
const readBlob = (blob: Blob): Promise<string> => blob.text();

describe('AdoptionPageContent', () => {
  let blobs: Blob[];
  beforeEach(() => {
    blobs = [];
    (URL as any).createObjectURL = jest.fn((b: Blob) => {
      blobs.push(b);
      return 'blob:csv';
    });
    (URL as any).revokeObjectURL = jest.fn();
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows skeletons while loading', async () => {
    renderPage(mockIstioApi());
    expect(
      await screen.findByLabelText('Loading mesh adoption'),
    ).toHaveAttribute('aria-busy', 'true');
  });

  it('computes KPIs and their change since 7 and 30 days ago from the history', async () => {
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => adoptionReport()),
      getAdoptionHistory: jest.fn(async () => history),
    });
    renderPage(api);
    // totals: 6 of 10 enrolled (60%), 3 of 10 STRICT (30%); 2 open blockers.
    expect(
      await screen.findByLabelText('Services in the mesh: 60%'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('At STRICT mTLS: 30%')).toBeInTheDocument();
    expect(screen.getByLabelText('Open blockers: 2')).toBeInTheDocument();
    // 8 days ago is the last point at or before 7 days ago; 30 days ago exactly.
    expect(screen.getByText('+5 pts since 7 days ago')).toBeInTheDocument();
    expect(screen.getByText('+20 pts since 30 days ago')).toBeInTheDocument();
    expect(screen.getByText('0 pts since 7 days ago')).toBeInTheDocument();
    expect(screen.getByText('+18 pts since 30 days ago')).toBeInTheDocument();
    expect(screen.getByText('+1 since 7 days ago')).toBeInTheDocument();
    expect(screen.getByText('-4 since 30 days ago')).toBeInTheDocument();
    expect(api.getAdoptionHistory).toHaveBeenCalledWith({
      from: new Date(NOW - 90 * DAY),
      to: new Date(NOW),
    });
  });

  it('says when no history reaches back far enough', async () => {
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => adoptionReport()),
      getAdoptionHistory: jest.fn(async () => []),
    });
    renderPage(api);
    expect((await screen.findAllByText('No data from 7 days ago')).length).toBe(
      3,
    );
    expect(screen.getByText(/No history recorded yet/)).toBeInTheDocument();
  });

  it('draws the trend as an SVG chart described in words', async () => {
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => adoptionReport()),
      getAdoptionHistory: jest.fn(async () => history),
    });
    renderPage(api);
    const chart = await screen.findByRole('img', {
      name: /Mesh adoption over time/,
    });
    expect(chart.querySelectorAll('circle')).toHaveLength(history.length);
    expect(chart.querySelectorAll('rect')).toHaveLength(history.length);
    expect(chart.textContent).toContain(
      'in the mesh 20% to 60%, at STRICT 5% to 30%',
    );
  });

  it('places namespaces on the waves board and answers what breaks in one click', async () => {
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => adoptionReport()),
    });
    renderPage(api);
    const permissive = await screen.findByRole('region', {
      name: 'PERMISSIVE namespaces',
    });
    expect(within(permissive).getByText('shop')).toBeInTheDocument();
    expect(within(permissive).getByText('2 blockers')).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('region', { name: 'STRICT namespaces' }),
      ).getByText('bookinfo'),
    ).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('region', { name: 'Not enrolled namespaces' }),
      ).getByText('legacy'),
    ).toBeInTheDocument();

    fireEvent.click(
      within(permissive).getByRole('button', {
        name: 'What breaks if shop on prod-eu goes STRICT now',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('What breaks if prod-eu/shop goes STRICT now'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'shop/cart: 1 pod without a sidecar: STRICT is not enforced on it and its own plaintext calls to STRICT servers fail; restart it with the proxy',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'shop/checkout: plaintext callers would be refused (legacy/batch-job)',
      ),
    ).toBeInTheDocument();
  });

  it('exports the table as CSV in the order the user sorted it', async () => {
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => adoptionReport()),
    });
    renderPage(api);
    await screen.findByText('Adoption by owner');
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await readBlob(blobs[0])).toBe(
      [
        'Name,Workloads,In mesh (%),STRICT (%),PERMISSIVE,DISABLE,Not in mesh',
        'group:default/team-a,4,100,75,1,0,0',
        'group:default/team-b,5,40,0,2,0,3',
        '(no catalog entity),1,0,0,0,0,1',
        '',
      ].join('\r\n'),
    );

    // Sort by "In mesh (%)" ascending, then export again.
    fireEvent.click(screen.getByText('In mesh (%)'));
    await waitFor(() => {
      const rows = screen.getAllByRole('row');
      expect(
        within(rows[1]).getByText('(no catalog entity)'),
      ).toBeInTheDocument();
    });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const sorted = (await readBlob(blobs[1])).split('\r\n');
    expect(sorted.slice(1, 4).map(l => l.split(',')[0])).toEqual([
      '(no catalog entity)',
      'group:default/team-b',
      'group:default/team-a',
    ]);
  });

  it('groups by system and by service with links to the entities', async () => {
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => adoptionReport()),
    });
    renderPage(api);
    fireEvent.click(await screen.findByRole('tab', { name: 'By system' }));
    expect(await screen.findByText('Adoption by system')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /bookstore/ })).toHaveAttribute(
      'href',
      expect.stringContaining('bookstore'),
    );
    fireEvent.click(screen.getByRole('tab', { name: 'By service' }));
    expect(await screen.findByText('Adoption by service')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /reviews/ })).toBeInTheDocument();
  });

  it('lists the top findings across the mesh', async () => {
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => adoptionReport()),
    });
    renderPage(api);
    const table = await screen.findByRole('table', { name: 'Top findings' });
    expect(within(table).getByText('PodMissingProxy')).toBeInTheDocument();
    expect(within(table).getByText('4')).toBeInTheDocument();
  });

  it('puts Error findings first and names the objects their blockers give', async () => {
    const report = adoptionReport();
    report.topFindings.push({
      code: 'MESH001',
      name: 'DestinationRuleDisablesTlsToStrictWorkload',
      severity: 'Error',
      count: 1,
    });
    report.byNamespace[0].blockers.push({
      type: 'conflict-finding',
      code: 'MESH001',
      severity: 'Error',
      resource: 'DestinationRule bookinfo/ratings-debug',
      message: 'plaintext to a STRICT workload',
    });
    const api = mockIstioApi({ getAdoption: jest.fn(async () => report) });
    renderPage(api);
    const table = await screen.findByRole('table', { name: 'Top findings' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'ErrorMESH001DestinationRuleDisablesTlsToStrictWorkloadOn DestinationRule bookinfo/ratings-debug1',
      'WarningIST0103PodMissingProxy4',
    ]);

    // bookinfo is STRICT already: its conflict is what fails there now.
    fireEvent.click(
      screen.getByRole('button', {
        name: 'What fails in bookinfo on prod-eu at STRICT',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        'MESH001 DestinationRule bookinfo/ratings-debug: plaintext to a STRICT workload',
      ),
    ).toBeInTheDocument();
  });

  it('explains a refusal by the permission framework', async () => {
    const error = await responseError(403, 'not allowed to read mesh adoption');
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => {
        throw error;
      }),
    });
    renderPage(api);
    expect(await screen.findByText('Not allowed')).toBeInTheDocument();
    expect(screen.getByText(/istio\.adoption\.read/)).toBeInTheDocument();
  });

  it('shows an error panel when the adoption report fails', async () => {
    const error = await responseError(500, 'database down');
    const api = mockIstioApi({
      getAdoption: jest.fn(async () => {
        throw error;
      }),
    });
    renderPage(api);
    expect(
      await screen.findByText(/Could not load mesh adoption/),
    ).toBeInTheDocument();
  });
});
