import { test, expect, Page } from '@playwright/test';
import { openAsGuest, signInAsGuest } from './guestSignIn';

// The Harbor Bank demo (examples/mesh/harbor-bank): payments is STRICT,
// channels has pods that still lack the proxy, core-banking is not enrolled.
// Links go to the hosts configured under istio: in app-config.yaml.

async function openService(page: Page, name: string) {
  await openAsGuest(
    page,
    `/catalog/default/component/${name}`,
    page.getByRole('heading', { name, exact: true }),
  );
}

/** An entity tab, a link in the entity page's content navigation. */
async function openTab(page: Page, name: string) {
  await page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name, exact: true })
    .click();
}

/** The "Service mesh" card of the entity overview. */
function meshCard(page: Page) {
  return page.locator('.MuiCard-root').filter({
    has: page.getByRole('heading', { name: 'Service mesh', exact: true }),
  });
}

/** The card's value for one label ("Mesh", "mTLS", "Ready for STRICT"). */
function fact(page: Page, label: string) {
  return meshCard(page).locator(`dt:text-is("${label}") + dd`);
}

test('a STRICT service shows its sidecar, mTLS policy and the mesh tab', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await openService(page, 'payments-api');

  const card = meshCard(page);
  await expect(fact(page, 'Mesh')).toContainText('Sidecar');
  await expect(fact(page, 'Mesh')).toContainText('revision 1-24-2');
  await expect(fact(page, 'mTLS')).toContainText('STRICT');
  await expect(fact(page, 'mTLS')).toContainText(
    'decided by PeerAuthentication payments/default',
  );
  await expect(fact(page, 'Ready for STRICT')).toHaveText('Already STRICT');
  await expect(card.getByRole('link', { name: /Kiali/ })).toHaveAttribute(
    'href',
    /^https:\/\/kiali\.harbor-bank\.example\/.*payments/,
  );
  await expect(card.getByRole('link', { name: /Grafana/ })).toHaveAttribute(
    'href',
    /^https:\/\/grafana\.harbor-bank\.example\//,
  );
  // The relations graph above the card moves it while it draws.
  await page.waitForLoadState('networkidle');
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({
    path: testInfo.outputPath('strict-service-card.png'),
  });
  await page.screenshot({
    path: testInfo.outputPath('strict-service-overview.png'),
    fullPage: true,
  });

  // The entity tab "Service mesh".
  await openTab(page, 'Service mesh');
  await expect(
    page.getByRole('heading', { name: 'Traffic routes' }),
  ).toBeVisible();
  // The 90/10 canary of payments-api, as weights a person reads.
  await expect(
    page.getByRole('meter', { name: /payments-api\.payments \(v1\)/ }),
  ).toHaveAttribute('aria-valuenow', '90');
  await expect(
    page.getByRole('meter', { name: /payments-api\.payments \(v2\)/ }),
  ).toHaveAttribute('aria-valuenow', '10');
  await expect(page.getByText('90%', { exact: true }).first()).toBeVisible();
  await expect(page.getByText('10%', { exact: true }).first()).toBeVisible();
  // The DestinationRule's circuit breaking, in words.
  await expect(
    page.getByText(/^Connection pool: at most 200 TCP connections/),
  ).toBeVisible();
  await expect(
    page.getByText(
      /^Outlier detection: eject a host after 5 consecutive 5xx errors, check every 10s/,
    ),
  ).toBeVisible();
  // The workload's port and its mode, as text.
  const workloads = page.getByRole('table', {
    name: 'Workloads and mTLS per port',
  });
  await expect(workloads.getByText('Port 8080:').first()).toBeVisible();
  await expect(workloads).toContainText('STRICT');
  // Who may call it.
  await expect(
    page.getByRole('heading', { name: 'Who may call it' }),
  ).toBeVisible();
  const policies = page.getByRole('table', { name: 'Authorization policies' });
  await expect(policies).toContainText('payments/payments-api-callers');
  await expect(policies).toContainText('ALLOW');
  await expect(policies).toContainText(
    'cluster.local/ns/channels/sa/web-banking',
  );
  await page.screenshot({
    path: testInfo.outputPath('strict-service-tab.png'),
    fullPage: true,
  });

  // The same tab in the dark theme (the app's theme setting, kept locally).
  await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
  await page.reload();
  await expect(
    page.getByRole('heading', { name: 'Traffic routes' }),
  ).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-theme-mode', 'dark');
  await page.screenshot({
    path: testInfo.outputPath('strict-service-tab-dark.png'),
    fullPage: true,
  });
});

test('a partially injected service says how many pods lack the proxy', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await openService(page, 'web-banking');
  await expect(fact(page, 'Mesh')).toContainText('Partial: 2 of 3 pods');
  await expect(fact(page, 'mTLS')).toContainText('PERMISSIVE');
  await expect(fact(page, 'Ready for STRICT')).toHaveText(
    /^Not yet: \d+ blockers?$/,
  );
  await expect(fact(page, 'Findings')).toContainText(
    'Warning: IST0103 PodMissingProxy',
  );
  const card = meshCard(page);
  // The relations graph above the card moves it while it draws.
  await page.waitForLoadState('networkidle');
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({
    path: testInfo.outputPath('partial-service-card.png'),
  });

  // The tab names the blocker: the pod STRICT would not protect (shared doc §2).
  await openTab(page, 'Service mesh');
  await expect(
    page.getByText(
      /channels\/web-banking: 1 pod without a sidecar: STRICT is not enforced on it and its own plaintext calls to STRICT servers fail/,
    ),
  ).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('partial-service.png'),
    fullPage: true,
  });
});

test('a service without telemetry is unverified, never ready, and says why', async ({
  page,
}, testInfo) => {
  // statements is called by nobody in the demo's traffic: Prometheus has
  // nothing on it, so nothing proves that STRICT would break no caller.
  await signInAsGuest(page);
  await openService(page, 'statements');
  const verdict = fact(page, 'Ready for STRICT');
  await expect(verdict).toContainText('Unverified: no telemetry');
  await expect(verdict.getByLabel('Status pending')).toBeVisible();
  await expect(verdict.getByLabel('Status ok')).toHaveCount(0);
  const card = meshCard(page);
  await page.waitForLoadState('networkidle');
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: testInfo.outputPath('unverified-card.png') });

  await openTab(page, 'Service mesh');
  await expect(
    page.getByText(
      /^Unverified: No inbound traffic recorded over the last 24 h for ledger\/statements/,
    ),
  ).toBeVisible();
  await expect(
    page
      .getByRole('table', { name: 'mTLS evidence per port' })
      .getByText('No inbound traffic recorded over the last 24h'),
  ).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('unverified-service.png'),
    fullPage: true,
  });
});

test('a service outside the mesh links to the onboarding template', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await openService(page, 'accounts-core');
  const card = meshCard(page);
  await expect(card.getByText('Not in the service mesh')).toBeVisible();
  const onboard = card.getByRole('button', { name: 'Onboard this service' });
  await expect(onboard).toHaveAttribute(
    'href',
    /\/create\/templates\/default\/istio-onboard-service/,
  );
  // The relations graph above the card moves it while it draws.
  await page.waitForLoadState('networkidle');
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: testInfo.outputPath('outside-mesh-card.png') });
  await page.screenshot({
    path: testInfo.outputPath('outside-mesh-service.png'),
    fullPage: true,
  });
  await onboard.click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/istio-onboard-service/,
  );
});

test('the platform team sees adoption, waves and what blocks STRICT', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Service mesh' })
    .click();
  await expect(
    page.getByRole('heading', { name: 'Service mesh adoption' }),
  ).toBeVisible();

  // KPIs: a share and what it counts.
  await expect(
    page.getByRole('heading', { name: 'Services in the mesh' }),
  ).toBeVisible();
  await expect(
    page.getByLabel(/^Services in the mesh: \d+(\.\d+)?%$/),
  ).toBeVisible();
  await expect(
    page.getByText(/^\d+ of \d+ workloads run with a proxy$/),
  ).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'At STRICT mTLS' }),
  ).toBeVisible();
  await expect(page.getByLabel(/^At STRICT mTLS: \d+(\.\d+)?%$/)).toBeVisible();
  await expect(page.getByLabel(/^Open blockers: \d+$/)).toBeVisible();

  // Waves: each namespace in its stage.
  await expect(
    page.getByRole('heading', { name: 'Namespace waves' }),
  ).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Not enrolled namespaces' }),
  ).toContainText('core-banking');
  await expect(
    page.getByRole('region', { name: 'PERMISSIVE namespaces' }),
  ).toContainText('channels');
  await expect(
    page.getByRole('region', { name: 'STRICT namespaces', exact: true }),
  ).toContainText('payments');

  // The control plane is no wave: off the board until asked for, and then
  // never "ready" (nothing proves it: no server-side telemetry on it).
  await expect(page.getByRole('heading', { name: 'istio-system' })).toHaveCount(
    0,
  );
  await page
    .getByRole('checkbox', {
      name: 'Show the control-plane namespace (istio-system)',
    })
    .check();
  await expect(
    page.getByRole('region', { name: 'Ready for STRICT namespaces' }),
  ).not.toContainText('istio-system');
  await expect(
    page.getByRole('region', { name: 'Unverified namespaces' }),
  ).toContainText('istio-system');
  await page
    .getByRole('checkbox', {
      name: 'Show the control-plane namespace (istio-system)',
    })
    .uncheck();

  // channels still has pods without the proxy: going STRICT now would break them.
  await page
    .getByRole('button', {
      name: 'What breaks if channels on harbor-prod goes STRICT now',
    })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(
    dialog.getByText('What breaks if harbor-prod/channels goes STRICT now'),
  ).toBeVisible();
  await expect(
    dialog.getByText(
      /^channels\/mobile-gateway: 2 pods without a sidecar: STRICT is not enforced on them and their own plaintext calls to STRICT servers fail; restart them with the proxy$/,
    ),
  ).toBeVisible();
  await page.screenshot({
    path: testInfo.outputPath('adoption-what-breaks.png'),
    fullPage: true,
  });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Top findings: the Error first, with the object it is about.
  await expect(
    page.getByRole('heading', { name: 'Top findings' }),
  ).toBeVisible();
  const rows = page
    .getByRole('table', { name: 'Top findings' })
    .getByRole('row');
  await expect(rows.nth(1)).toContainText('Error');
  await expect(rows.nth(1)).toContainText('MESH001');
  await expect(rows.filter({ hasText: 'MESH001' })).toContainText(
    'On DestinationRule payments/fraud-scoring-debug',
  );
  await page.screenshot({
    path: testInfo.outputPath('adoption-page.png'),
    fullPage: true,
  });
});
