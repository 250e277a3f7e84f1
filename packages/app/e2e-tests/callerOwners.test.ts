import { test, expect, Page } from '@playwright/test';
import { openAsGuest, signInAsGuest } from './guestSignIn';

// The demo's traffic (examples/telemetry/harbor-bank-traffic.yaml): the
// legacy ledger-export-batch job of customer-channels calls ledger-service
// in plaintext, through a DestinationRule left from before ledger joined the
// mesh. STRICT on ledger-service would refuse it.

async function openLedgerServiceTab(page: Page) {
  await openAsGuest(
    page,
    '/catalog/default/component/ledger-service',
    page.getByRole('heading', { name: 'ledger-service', exact: true }),
  );
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Service mesh', exact: true })
    .click();
  return page.getByRole('table', { name: 'Callers refused under STRICT' });
}

test('the entity tab names the plaintext caller, its entity and its owner', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  const callers = await openLedgerServiceTab(page);

  const row = callers
    .getByRole('row')
    .filter({ hasText: 'channels/ledger-export-batch' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('plaintext');
  await expect(row).toContainText('ledger/ledger-service');
  // About 12 calls a minute over the last 24 hours.
  const count = Number(await row.getByRole('cell').nth(2).textContent());
  expect(count).toBeGreaterThan(12 * 1440 * 0.9);
  expect(count).toBeLessThan(12 * 1440 * 1.1);
  await expect(
    row.getByRole('link', { name: 'ledger-export-batch' }),
  ).toHaveAttribute(
    'href',
    /\/catalog\/default\/component\/ledger-export-batch$/,
  );
  const owner = row.getByRole('link', {
    name: /customer-channels|Customer Channels/,
  });
  await expect(owner).toHaveAttribute(
    'href',
    /\/catalog\/default\/group\/customer-channels$/,
  );
  // Its callers over mTLS (payments-api, reconciliation, statements) are not listed.
  await expect(callers.getByRole('row')).toHaveCount(2);

  // The readiness names the same caller as the blocker.
  await expect(
    page
      .getByText(/ledger\/ledger-service.*channels\/ledger-export-batch/)
      .first(),
  ).toBeVisible();
  await page.waitForLoadState('networkidle');
  const card = page.locator('.MuiCard-root').filter({
    has: page.getByRole('heading', { name: 'Callers STRICT would refuse' }),
  });
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({
    path: testInfo.outputPath('plaintext-caller-owner.png'),
  });
  await page.screenshot({
    path: testInfo.outputPath('plaintext-caller-tab.png'),
    fullPage: true,
  });

  await owner.click();
  await expect(
    page
      .getByRole('heading', { name: /customer-channels|Customer Channels/ })
      .first(),
  ).toBeVisible();
});

test('"Notify caller owners" tells customer-channels, and the notice reaches its notifications page', async ({
  page,
}, testInfo) => {
  // The demo's guest belongs to customer-channels (examples/catalog/org.yaml),
  // so its notifications page is the one of the caller's owner. Each owner
  // is told once per planned day: a day of its own keeps a rerun honest.
  const day = new Date(
    Date.now() + (30 + Math.floor(Math.random() * 300)) * 86_400_000,
  )
    .toISOString()
    .slice(0, 10);
  await signInAsGuest(page);
  await openLedgerServiceTab(page);
  await page.getByRole('button', { name: 'Notify caller owners' }).click();
  const dialog = page.getByRole('dialog', {
    name: 'Tell the caller owners that component:default/ledger-service goes STRICT',
  });
  await dialog.getByLabel('STRICT planned for').fill(day);
  await dialog
    .getByLabel('Note (optional)')
    .fill('Please remove the DestinationRule that disables TLS.');
  await dialog.getByRole('button', { name: 'Send notices' }).click();
  await expect(dialog.getByRole('status')).toContainText(
    'Notified: group:default/customer-channels.',
  );
  await dialog.screenshot({
    path: testInfo.outputPath('notify-caller-owners.png'),
  });
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Notifications' })
    .click();
  const notice = page.getByRole('row').filter({
    hasText: `component:default/ledger-service goes STRICT mTLS on ${day}`,
  });
  await expect(notice).toHaveCount(1);
  // What the owner must change, for its own workload, under "Show more".
  await notice.getByText('Show more').click();
  await expect(notice).toContainText('channels/ledger-export-batch');
  await expect(notice).toContainText(
    'Please remove the DestinationRule that disables TLS.',
  );
  await page.screenshot({
    path: testInfo.outputPath('caller-owner-notifications.png'),
    fullPage: true,
  });
});
