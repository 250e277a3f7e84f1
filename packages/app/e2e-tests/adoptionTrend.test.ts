import { test, expect, Page } from '@playwright/test';
import { openAsGuest, signInAsGuest } from './guestSignIn';

// The demo backfills 30 days of adoption history once its first complete
// report is served (packages/backend/src/demoHistory): payments joined the
// mesh 26 days ago and went STRICT 19 days ago, ledger joined 17 days ago,
// channels 5 days ago. The adoption page draws it and the KPIs compare
// today with 7 and 30 days ago.

test.setTimeout(300_000);

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The adoption page, reloaded until the backfilled trend is drawn. */
async function openTrend(page: Page) {
  const chart = page.getByRole('img', { name: /^Mesh adoption over time/ });
  const deadline = Date.now() + 180_000;
  for (;;) {
    await openAsGuest(
      page,
      '/service-mesh',
      page.getByRole('heading', { name: 'Service mesh adoption' }),
    );
    const drawn = await chart
      .waitFor({ timeout: 15_000 })
      .then(() => true)
      .catch(() => false);
    if (drawn) return chart;
    if (Date.now() > deadline) {
      throw new Error('the adoption history never appeared');
    }
    await page.waitForTimeout(5_000);
  }
}

/** The "+N pts since D days ago" line of one KPI card, as a number. */
async function change(page: Page, kpi: string, days: number) {
  const card = page.locator('.MuiCard-root').filter({
    has: page.getByRole('heading', { name: kpi, exact: true }),
  });
  const text = await card
    .getByText(new RegExp(`since ${days} days ago$`))
    .textContent();
  const match = /^([+-]?\d+(?:\.\d+)?)/.exec(text ?? '');
  if (!match) throw new Error(`no ${days}-day change on ${kpi}: ${text}`);
  return Number(match[1]);
}

test('the trend chart and the 7- and 30-day changes come from the history', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  const chart = await openTrend(page);

  // The chart says what it draws: from 31 days ago to today's share.
  const description = await chart.locator('desc').textContent();
  const parsed =
    /^From (\S+) to (\S+): in the mesh ([\d.]+)% to ([\d.]+)%, at STRICT ([\d.]+)% to ([\d.]+)%\.$/.exec(
      description ?? '',
    );
  expect(parsed, `chart description: ${description}`).not.toBeNull();
  const [, from, to, meshFrom, meshTo, strictFrom, strictTo] = parsed!;
  expect(from).toBe(day(Date.now() - 31 * DAY_MS));
  expect([day(Date.now() - DAY_MS), day(Date.now())]).toContain(to);
  expect(Number(meshFrom)).toBeLessThan(Number(meshTo));
  expect(Number(strictFrom)).toBe(0);
  expect(Number(strictTo)).toBeGreaterThan(0);
  // One point a day at least: the backfill, then the plugin's own periods.
  expect(await chart.locator('circle').count()).toBeGreaterThanOrEqual(31);

  // The trend ends where the headline numbers are today.
  await expect(
    page.getByLabel(`Services in the mesh: ${Number(meshTo)}%`),
  ).toBeVisible();
  await expect(
    page.getByLabel(`At STRICT mTLS: ${Number(strictTo)}%`),
  ).toBeVisible();

  // channels joined 5 days ago; payments went STRICT 19 days ago.
  const mesh7 = await change(page, 'Services in the mesh', 7);
  const mesh30 = await change(page, 'Services in the mesh', 30);
  expect(mesh7).toBeGreaterThan(0);
  expect(mesh30).toBeGreaterThan(mesh7);
  expect(await change(page, 'At STRICT mTLS', 7)).toBe(0);
  expect(await change(page, 'At STRICT mTLS', 30)).toBe(Number(strictTo));

  const card = page.locator('.MuiCard-root').filter({
    has: page.getByRole('heading', { name: 'Adoption over time' }),
  });
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: testInfo.outputPath('adoption-trend.png') });
  await page.screenshot({
    path: testInfo.outputPath('adoption-trend-page.png'),
    fullPage: true,
  });
});
