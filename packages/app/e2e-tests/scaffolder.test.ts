import { test, expect } from '@playwright/test';
import { openAsGuest, signInAsGuest } from './guestSignIn';

// The template "Add a traffic pattern to a service" with the
// IstioTrafficPatternPicker field: the YAML preview follows the sliders.

test('the traffic pattern picker previews the weights a person sets with the keyboard', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await openAsGuest(
    page,
    '/create/templates/default/istio-traffic-pattern',
    page.getByRole('heading', { name: 'Add a traffic pattern to a service' }),
  );

  // First step: the service and its two versions (v1 and v2 by default).
  const service = page.getByRole('textbox', { name: 'Service', exact: true });
  await service.click();
  await service.fill('payments-api');
  await page
    .getByRole('option', { name: /payments-api/ })
    .first()
    .click();
  await page
    .getByRole('textbox', { name: 'Kubernetes namespace' })
    .fill('payments');
  await page.getByRole('button', { name: 'Next' }).click();

  // Second step: the picker, starting from a 90/10 canary.
  await expect(
    page.getByRole('heading', { name: 'Traffic pattern', exact: true }),
  ).toBeVisible();
  const preview = page.getByRole('region', { name: 'Generated YAML' });
  await expect(preview).toContainText(
    'host: payments-api.payments.svc.cluster.local',
  );
  const weights = async () =>
    [...((await preview.textContent()) ?? '').matchAll(/weight: (\d+)/g)].map(
      m => Number(m[1]),
    );
  await expect.poll(weights).toEqual([90, 10]);

  const v2 = page.getByRole('slider', { name: 'Share of requests to v2' });
  await v2.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(weights).toEqual([86, 14]);
  expect((await weights()).reduce((a, b) => a + b, 0)).toBe(100);
  await expect(
    page.getByRole('slider', { name: 'Share of requests to v1' }),
  ).toHaveAttribute('aria-valuenow', '86');

  // The engine checked the preview next to the objects the backend knows:
  // the Service payments-api exists, so its host is not reported missing.
  await expect(
    page.getByRole('heading', { name: 'Findings of the engine' }),
  ).toBeVisible();
  await expect(
    page.getByText(/IST0101 ReferencedResourceNotFound/),
  ).toHaveCount(0);
  await page.screenshot({
    path: testInfo.outputPath('traffic-pattern-picker.png'),
    fullPage: true,
  });

  // Another pattern: its fields and YAML replace the canary's.
  await page
    .getByRole('radio', { name: 'Header routing (dark launch)' })
    .check();
  await expect(preview).toContainText('x-canary');
  await page
    .getByRole('textbox', { name: 'Header', exact: true })
    .fill('x-beta-user');
  await expect(preview).toContainText('x-beta-user');
  await expect(preview).not.toContainText('weight: 86');

  // The value is accepted: the form moves on to the next step.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByRole('textbox', { name: 'Request timeout' }),
  ).toBeVisible();
});

test('the traffic pattern picker reads in the dark theme', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
  await openAsGuest(
    page,
    '/create/templates/default/istio-traffic-pattern',
    page.getByRole('heading', { name: 'Add a traffic pattern to a service' }),
  );
  const service = page.getByRole('textbox', { name: 'Service', exact: true });
  await service.fill('payments-api');
  await page
    .getByRole('option', { name: /payments-api/ })
    .first()
    .click();
  await page
    .getByRole('textbox', { name: 'Kubernetes namespace' })
    .fill('payments');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByRole('region', { name: 'Generated YAML' }),
  ).toContainText('kind: VirtualService');
  await expect(page.locator('body')).toHaveAttribute('data-theme-mode', 'dark');
  await page.screenshot({
    path: testInfo.outputPath('traffic-pattern-picker-dark.png'),
    fullPage: true,
  });
});
