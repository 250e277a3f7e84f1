import { Locator, Page, expect } from '@playwright/test';

/**
 * Signs in as the demo's guest. While the dev backend restarts (it does
 * when plugin files change) the auth backend briefly refuses guests: the
 * page then shows "You cannot sign in as a guest"; wait and try again.
 */
export async function signInAsGuest(page: Page, attempts = 6) {
  const catalogLink = page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Catalog', exact: true });
  const refused = page.getByText('You cannot sign in as a guest').first();
  for (let attempt = 1; ; attempt++) {
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(catalogLink.or(refused)).toBeVisible({ timeout: 30_000 });
    if (await catalogLink.isVisible()) return;
    if (attempt >= attempts) {
      throw new Error(`Guest sign-in refused ${attempts} times`);
    }
    await page.waitForTimeout(5_000);
  }
}

/**
 * Opens a page of the app and waits for `ready`. A backend restart can end
 * the guest session: the app then shows the sign-in page, so sign in again.
 */
export async function openAsGuest(page: Page, path: string, ready: Locator) {
  const enter = page.getByRole('button', { name: 'Enter' });
  for (let attempt = 1; ; attempt++) {
    await page.goto(path);
    await expect(ready.or(enter).first()).toBeVisible({ timeout: 30_000 });
    if (await ready.first().isVisible()) return;
    if (attempt >= 3) {
      throw new Error(`${path} asked to sign in ${attempt} times`);
    }
    await signInAsGuest(page);
  }
}
