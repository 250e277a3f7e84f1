import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { NamespaceAdoption } from '@meshportal/plugin-istio-common';
import { istioApiRef } from '../../api/IstioApi';
import { counts, mockIstioApi } from '../../testing/fixtures';
import { WavesBoard } from './WavesBoard';

const noTelemetry = {
  code: 'no-telemetry' as const,
  message:
    'No telemetry (no prometheusUrl configured for this cluster): plaintext callers and callers from outside the mesh are unknown, not absent',
};

function namespace(
  name: string,
  overrides: Partial<NamespaceAdoption> = {},
): NamespaceAdoption {
  return {
    cluster: 'prod',
    namespace: name,
    counts: counts(2, 2, 0),
    stage: 'unverified',
    blockers: [],
    exceptions: [],
    telemetryUnknown: true,
    unverifiedReasons: [noTelemetry],
    links: {},
    ...overrides,
  };
}

const renderBoard = (namespaces: NamespaceAdoption[]) =>
  renderInTestApp(<WavesBoard namespaces={namespaces} />, {
    apis: [[istioApiRef, mockIstioApi()]],
  });

const column = (label: string) =>
  screen.getByRole('region', { name: `${label} namespaces` });

describe('WavesBoard', () => {
  it('puts an unverified namespace in a neutral column of its own, with the reason', async () => {
    await renderBoard([
      namespace('ledger'),
      namespace('payments', {
        stage: 'ready-for-strict',
        unverifiedReasons: [],
      }),
    ]);
    const unverified = column('Unverified');
    expect(within(unverified).getByText('ledger')).toBeInTheDocument();
    expect(
      within(unverified).getByText(/^Unverified: No telemetry/),
    ).toBeInTheDocument();
    expect(within(unverified).queryByLabelText('Status ok')).toBeNull();
    expect(
      within(unverified).getByLabelText('Status pending'),
    ).toBeInTheDocument();
    expect(
      within(column('Ready for STRICT')).queryByText('ledger'),
    ).not.toBeInTheDocument();

    fireEvent.click(
      within(unverified).getByRole('button', {
        name: 'What breaks if ledger on prod goes STRICT now',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(
        'Nothing known breaks, but nothing proves it either:',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).queryByText(/Nothing known breaks:/)).toBeNull();
  });

  it('leaves the control-plane namespace out until asked to show it', async () => {
    await renderBoard([
      namespace('ledger'),
      namespace('istio-system', { controlPlane: true }),
    ]);
    expect(screen.queryByText('istio-system')).not.toBeInTheDocument();
    expect(
      within(column('Unverified')).getByRole('heading', { name: /\(1\)$/ }),
    ).toBeInTheDocument();

    const toggle = screen.getByRole('checkbox', {
      name: 'Show the control-plane namespace (istio-system)',
    });
    expect(toggle).not.toBeChecked();
    fireEvent.click(toggle);
    expect(
      within(column('Unverified')).getByText('istio-system'),
    ).toBeInTheDocument();
  });

  it('offers no toggle when no namespace is the control plane', async () => {
    await renderBoard([namespace('ledger')]);
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
  });
});
