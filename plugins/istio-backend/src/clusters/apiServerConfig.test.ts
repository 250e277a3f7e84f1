import { ConfigReader } from '@backstage/config';
import { readApiServerConfig } from './apiServerConfig';

describe('readApiServerConfig', () => {
  it('by default notices a silent API server within 60 s: one idle watch period, then one request timeout', () => {
    const { requestTimeoutMs, watchIdleTimeoutMs } = readApiServerConfig(
      new ConfigReader({}),
    );
    expect(requestTimeoutMs).toBeGreaterThan(0);
    expect(watchIdleTimeoutMs).toBeGreaterThan(0);
    expect(watchIdleTimeoutMs + requestTimeoutMs).toBeLessThanOrEqual(60_000);
  });

  it('reads both timeouts as Backstage durations', () => {
    expect(
      readApiServerConfig(
        new ConfigReader({
          istio: {
            apiServer: {
              requestTimeout: '500ms',
              watchIdleTimeout: { seconds: 2 },
            },
          },
        }),
      ),
    ).toEqual({ requestTimeoutMs: 500, watchIdleTimeoutMs: 2000 });
  });

  it('refuses a bare number and a zero duration, naming the key', () => {
    expect(() =>
      readApiServerConfig(
        new ConfigReader({ istio: { apiServer: { requestTimeout: 20 } } }),
      ),
    ).toThrow(/istio\.apiServer\.requestTimeout must be a duration/);
    expect(() =>
      readApiServerConfig(
        new ConfigReader({
          istio: { apiServer: { watchIdleTimeout: { seconds: 0 } } },
        }),
      ),
    ).toThrow(/istio\.apiServer\.watchIdleTimeout must be longer than zero/);
  });
});
