import { test, expect } from '@playwright/test';

test('guest signs in and finds the Harbor Bank services in the catalog', async ({
  page,
}, testInfo) => {
  await page.goto('/');

  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The demo guest is a member of customer-channels (the caller owner of
  // the STRICT story), so the catalog opens on that team's components; "All"
  // lists every Harbor Bank service.
  await expect(
    page.getByRole('link', { name: 'web-banking', exact: true }),
  ).toBeVisible();
  await page
    .getByRole('menu', { name: /harbor bank/i })
    .getByText('All', { exact: true })
    .click();
  for (const service of [
    'payments-api',
    'ledger-service',
    'web-banking',
    'accounts-core',
  ]) {
    await expect(
      page.getByRole('link', { name: service, exact: true }),
    ).toBeVisible();
  }

  await page.screenshot({
    path: testInfo.outputPath('catalog.png'),
    fullPage: true,
  });
});
