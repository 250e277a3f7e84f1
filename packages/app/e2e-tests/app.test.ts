import { test, expect } from '@playwright/test';

test('guest signs in and finds the Harbor Bank services in the catalog', async ({
  page,
}, testInfo) => {
  await page.goto('/');

  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(nav.getByRole('link', { name: 'Catalog', exact: true })).toBeVisible();

  // The catalog page (mounted at /) lists the demo's services.
  for (const service of ['payments-api', 'ledger-service', 'web-banking', 'accounts-core']) {
    await expect(page.getByRole('link', { name: service, exact: true })).toBeVisible();
  }

  await page.screenshot({ path: testInfo.outputPath('catalog.png'), fullPage: true });
});
