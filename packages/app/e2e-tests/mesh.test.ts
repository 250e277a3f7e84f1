import { test, expect, Page } from '@playwright/test';

// The Harbor Bank demo (examples/mesh/harbor-bank): payments is STRICT,
// channels has pods that still lack the proxy, core-banking is not enrolled.

async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

async function openService(page: Page, name: string) {
  await page.goto(`/catalog/default/component/${name}`);
  await expect(page.getByRole('heading', { name, exact: true }).first()).toBeVisible();
}

test('a STRICT service shows its sidecar, mTLS policy and the mesh tab', async ({
  page,
}, testInfo) => {
  await signIn(page);
  await openService(page, 'payments-api');

  const card = page.locator('article, .MuiCard-root').filter({ hasText: 'Service mesh' }).first();
  await expect(card.getByText('Sidecar', { exact: false }).first()).toBeVisible();
  await expect(card.getByText('STRICT').first()).toBeVisible();
  await expect(card.getByText(/decided by PeerAuthentication payments\/default/)).toBeVisible();
  await expect(card.getByText('Already STRICT')).toBeVisible();
  await expect(card.getByRole('link', { name: /Kiali/ }).first()).toHaveAttribute(
    'href',
    /^https:\/\/kiali\.harbor-bank\.example\/console\/namespaces\/payments\//,
  );
  await page.screenshot({ path: testInfo.outputPath('strict-service-card.png'), fullPage: true });

  // The entity tab "Service mesh" (a link in the entity header).
  await page.locator('a[href$="/component/payments-api/service-mesh"]').click();
  await expect(page.getByRole('heading', { name: 'Traffic routes' })).toBeVisible();
  // The 90/10 canary of payments-api is drawn as weights.
  await expect(page.getByText('90%').first()).toBeVisible();
  await expect(page.getByText('10%').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Who may call it' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('strict-service-tab.png'), fullPage: true });
});

test('a partially injected service says how many pods lack the proxy', async ({
  page,
}, testInfo) => {
  await signIn(page);
  await openService(page, 'web-banking');
  const card = page.locator('article, .MuiCard-root').filter({ hasText: 'Service mesh' }).first();
  await expect(card.getByText(/Partial: 2 of 3 pods/)).toBeVisible();
  await expect(card.getByText('PERMISSIVE').first()).toBeVisible();
  await expect(card.getByText(/Not yet: \d+ blocker/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('partial-service.png'), fullPage: true });
});

test('a service outside the mesh links to the onboarding template', async ({
  page,
}, testInfo) => {
  await signIn(page);
  await openService(page, 'accounts-core');
  await expect(page.getByText('Not in the service mesh')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Onboard this service' })).toHaveAttribute(
    'href',
    /\/create\/templates\/default\/istio-onboard-service/,
  );
  await page.screenshot({ path: testInfo.outputPath('outside-mesh-service.png'), fullPage: true });
});

test('the platform team sees adoption, waves and what blocks STRICT', async ({
  page,
}, testInfo) => {
  await signIn(page);
  await page.getByRole('navigation', { name: 'sidebar nav' }).getByRole('link', { name: 'Service mesh' }).click();
  await expect(page.getByRole('heading', { name: 'Service mesh adoption' })).toBeVisible();
  await expect(page.getByText('Services in the mesh').first()).toBeVisible();
  await expect(page.getByText('At STRICT mTLS').first()).toBeVisible();
  await expect(page.getByText('Namespace waves')).toBeVisible();

  // channels still has pods without the proxy: going STRICT now would break them.
  await page.getByRole('button', { name: /What breaks if channels on harbor-prod goes STRICT now/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText(/mobile-gateway/).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('adoption-what-breaks.png'), fullPage: true });
  await page.keyboard.press('Escape');

  await expect(page.getByText('Top findings')).toBeVisible();
  await expect(page.getByText('MESH001').first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('adoption-page.png'), fullPage: true });
});
