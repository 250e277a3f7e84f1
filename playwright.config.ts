import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { generateProjects } from '@backstage/e2e-test-utils/playwright';

// Browser tests run Debian's Chromium: this machine cannot download a browser
// and reaches no network, hence the flags that stop Chromium's background calls.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

// Fail at once, naming the part, rather than after the demo's build with a
// launch error in every test. No browser test can run without it, CI or not.
if (!existsSync(chromium.executablePath)) {
  throw new Error(
    `Chromium (${chromium.executablePath}) is missing: install Debian's chromium (scripts/test.sh does) or set CHROMIUM_PATH.`,
  );
}

export default defineConfig({
  timeout: 90_000,
  expect: { timeout: 30_000 },
  // The demo (README start command) is started once for all tests, or reused.
  webServer: [
    {
      // The demo's Prometheus, as scripts/start.sh starts it, first: the
      // backend and its history backfill then read telemetry from the start.
      command: 'node packages/bench/bin/demo-prometheus.js',
      url: 'http://127.0.0.1:9095/-/ready',
      reuseExistingServer: true,
      timeout: 300_000,
      // Lets it stop Prometheus and remove its generated data.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'yarn start',
      url: 'http://localhost:3000',
      reuseExistingServer: true,
      timeout: 600_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The backend is started by the command above; this entry only waits
      // for its readiness, so it idles instead of exiting (an exit would
      // count as the server failing).
      command: 'node -e "setInterval(() => {}, 1 << 30)"',
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: true,
      timeout: 600_000,
    },
  ],
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  outputDir: 'test-output/e2e',
  projects: generateProjects().map(project => ({
    ...project,
    use: { launchOptions: chromium },
  })),
});
