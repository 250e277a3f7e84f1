import { test, expect } from '@playwright/test';

const backend = process.env.BACKEND_URL ?? 'http://localhost:7007';

test('the demo catalog loads without processing errors', async ({ request }) => {
  // Sign in as the guest, the way the app does, to call the catalog API.
  const session = await request.get(`${backend}/api/auth/guest/refresh?env=development`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  expect(session.ok()).toBeTruthy();
  const token = (await session.json()).backstageIdentity.token;

  const response = await request.get(
    `${backend}/api/catalog/entities?fields=kind,metadata.name,metadata.annotations,status`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  expect(response.ok()).toBeTruthy();
  const entities: any[] = await response.json();

  const errors = entities.flatMap(e =>
    (e.status?.items ?? [])
      .filter((item: any) => item.level === 'error')
      .map((item: any) => `${e.kind}:${e.metadata.name}: ${item.error?.message}`),
  );
  expect(errors).toEqual([]);

  const count = (kind: string) => entities.filter(e => e.kind === kind).length;
  expect(count('Group')).toBeGreaterThanOrEqual(5);
  expect(count('User')).toBeGreaterThanOrEqual(8);
  expect(count('System')).toBeGreaterThanOrEqual(4);
  expect(count('API')).toBeGreaterThanOrEqual(5);
  const services = entities.filter(e => e.kind === 'Component');
  expect(services.length).toBeGreaterThanOrEqual(12);
  for (const service of services) {
    expect(service.metadata.annotations['backstage.io/kubernetes-id']).toBe(service.metadata.name);
  }
});
