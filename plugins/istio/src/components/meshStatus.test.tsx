import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { STAGE_LABELS, StageStatus } from './meshStatus';

describe('StageStatus', () => {
  it('shows an unverified stage as neutral (pending), never with the ready icon', async () => {
    await renderInTestApp(<StageStatus stage="unverified" />);
    const label = screen.getByText(STAGE_LABELS.unverified);
    expect(label).toHaveTextContent('Unverified');
    expect(label.closest('[aria-label]')).toHaveAttribute(
      'aria-label',
      'Status pending',
    );
    expect(screen.queryByLabelText('Status ok')).toBeNull();
  });

  it('keeps the ready icon for ready-for-strict', async () => {
    await renderInTestApp(<StageStatus stage="ready-for-strict" />);
    expect(screen.getByLabelText('Status ok')).toBeInTheDocument();
  });
});
