import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, within } from '@testing-library/react';
import { ResolvedCallersResponse } from '@meshportal/plugin-istio-common';
import { istioApiRef } from '../../api/IstioApi';
import { mockIstioApi } from '../../testing/fixtures';
import { CallerOwners } from './CallerOwners';

const resolved: ResolvedCallersResponse = {
  telemetryUnavailable: [],
  callers: [
    {
      cluster: 'prod-eu',
      destination: 'ledger/ledger-api',
      kind: 'plaintext',
      sourceNamespace: 'ledger',
      sourceWorkload: 'nightly-reconcile',
      count: 120,
      entities: [
        {
          entityRef: 'component:default/nightly-reconcile',
          owner: 'group:default/team-ledger',
        },
      ],
    },
    {
      cluster: 'prod-eu',
      destination: 'ledger/ledger-api',
      kind: 'plaintext',
      sourceNamespace: 'tools',
      sourceWorkload: 'adhoc',
      count: 4,
      entities: [],
    },
  ],
};

const target = {
  entity: { kind: 'Component', namespace: 'default', name: 'ledger-service' },
};

function render(
  api = mockIstioApi({ getCallers: jest.fn(async () => resolved) }),
) {
  return {
    api,
    ...renderInTestApp(
      <CallerOwners target={target} label="component:default/ledger-service" />,
      {
        apis: [[istioApiRef, api]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    ),
  };
}

describe('CallerOwners', () => {
  it('links each caller to its catalog entity and owner; an unclaimed caller says so', async () => {
    const { api } = render();
    const table = await screen.findByRole('table', {
      name: 'Callers refused under STRICT',
    });
    expect(api.getCallers).toHaveBeenCalledWith(target);
    const [, first, second] = within(table).getAllByRole('row');
    expect(
      within(first).getByText('ledger/nightly-reconcile'),
    ).toBeInTheDocument();
    expect(
      within(first).getByRole('link', { name: 'nightly-reconcile' }),
    ).toHaveAttribute('href', '/catalog/default/component/nightly-reconcile');
    expect(
      within(first).getByRole('link', { name: 'team-ledger' }),
    ).toHaveAttribute('href', '/catalog/default/group/team-ledger');
    expect(within(second).getByText('Unclaimed')).toBeInTheDocument();
    expect(within(second).queryByRole('link')).toBeNull();
  });

  it('sends "Notify caller owners" with the planned day and note, and shows who was told', async () => {
    const api = mockIstioApi({
      getCallers: jest.fn(async () => resolved),
      notifyCallerOwners: jest.fn(async () => ({
        notified: ['group:default/team-ledger'],
        alreadyNotified: [],
        unclaimed: [{ sourceNamespace: 'tools', sourceWorkload: 'adhoc' }],
      })),
    });
    render(api);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Notify caller owners' }),
    );
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('STRICT planned for'), {
      target: { value: '2099-03-01' },
    });
    fireEvent.change(within(dialog).getByLabelText('Note (optional)'), {
      target: { value: 'Questions to #platform' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Send notices' }),
    );
    expect(
      await within(dialog).findByText('Notified: group:default/team-ledger.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Without an owner to tell: tools/adhoc.'),
    ).toBeInTheDocument();
    expect(api.notifyCallerOwners).toHaveBeenCalledWith(target, {
      plannedDate: '2099-03-01',
      note: 'Questions to #platform',
    });
  });

  it('shows why sending failed, and keeps the dialog open to retry', async () => {
    const api = mockIstioApi({
      getCallers: jest.fn(async () => resolved),
      notifyCallerOwners: jest.fn(async () => {
        throw new Error('not allowed to send mesh notices');
      }),
    });
    render(api);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Notify caller owners' }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Send notices' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not sent: not allowed to send mesh notices',
    );
    expect(screen.getByRole('button', { name: 'Send notices' })).toBeEnabled();
  });

  it('says callers are unknown when telemetry could not be read, and offers no notice', async () => {
    render(
      mockIstioApi({
        getCallers: jest.fn(async () => ({
          callers: [],
          telemetryUnavailable: ['prod-eu'],
        })),
      }),
    );
    expect(
      await screen.findByText(
        'Telemetry of prod-eu could not be read: callers there are unknown, not absent.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Notify caller owners' }),
    ).toBeNull();
    expect(
      screen.queryByText(/No plaintext caller and no caller from outside/),
    ).toBeNull();
  });
});
