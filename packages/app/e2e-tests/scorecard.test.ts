import { test, expect, Page } from '@playwright/test';
import { openAsGuest, signInAsGuest } from './guestSignIn';

// The "Mesh scorecard" card runs the Tech Insights checks of app-config.yaml
// on the facts of the istio-mesh-facts retriever (first run 20 s after the
// backend starts, then every 5 minutes).

/** The "Mesh scorecard" card of the entity overview. */
function scorecard(page: Page) {
  return page.locator('.MuiCard-root').filter({
    // InfoCard titles are not ARIA headings.
    has: page.getByText('Mesh scorecard', { exact: true }),
  });
}

/** One check of the card, by its name. */
function checkRow(page: Page, name: string) {
  return scorecard(page)
    .getByRole('list', { name: 'Mesh checks' })
    .getByRole('listitem')
    .filter({ hasText: name });
}

/**
 * Opens the service and waits for its checks; until the retriever's first
 * run the card says so, then a reload shows the facts.
 */
async function openScorecard(page: Page, name: string) {
  await openAsGuest(
    page,
    `/catalog/default/component/${name}`,
    page.getByRole('heading', { name, exact: true }),
  );
  const checks = scorecard(page).getByRole('list', { name: 'Mesh checks' });
  const pending = scorecard(page).getByText('first run pending');
  await expect(async () => {
    await expect(checks.or(pending).first()).toBeVisible({ timeout: 15_000 });
    if (!(await checks.isVisible())) {
      await page.reload();
      throw new Error(`${name}: mesh facts not collected yet`);
    }
  }).toPass({ timeout: 120_000, intervals: [5_000] });
}

test('a STRICT service passes every mesh check', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signInAsGuest(page);
  await openScorecard(page, 'payments-api');

  const card = scorecard(page);
  await expect(card.getByText('All 3 checks pass')).toBeVisible();
  for (const name of ['In the mesh', 'mTLS STRICT', 'No Error findings']) {
    await expect(checkRow(page, name)).toContainText(`Pass ${name}`);
  }
  await expect(checkRow(page, 'mTLS STRICT')).toContainText(
    'Every workload of the service accepts only mutual TLS, on every port.',
  );
  await expect(
    card.getByText(/^Facts collected|^Tech Insights did not report/),
  ).toBeVisible();

  // The relations graph above the card moves it while it draws.
  await page.waitForLoadState('networkidle');
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: testInfo.outputPath('scorecard-pass.png') });
});

test('a service outside the mesh fails "In the mesh"', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await signInAsGuest(page);
  await openScorecard(page, 'accounts-core');

  const card = scorecard(page);
  await expect(checkRow(page, 'In the mesh')).toContainText('Fail In the mesh');
  await expect(checkRow(page, 'In the mesh')).toContainText(
    'Fact meshEnrolled: false',
  );
  await expect(checkRow(page, 'mTLS STRICT')).toContainText('Fail mTLS STRICT');
  await expect(checkRow(page, 'No Error findings')).toContainText(
    'Pass No Error findings',
  );
  await expect(card.getByText('2 of 3 checks fail')).toBeVisible();

  await page.waitForLoadState('networkidle');
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: testInfo.outputPath('scorecard-fail.png') });
  await page.screenshot({
    path: testInfo.outputPath('scorecard-overview.png'),
    fullPage: true,
  });
});
