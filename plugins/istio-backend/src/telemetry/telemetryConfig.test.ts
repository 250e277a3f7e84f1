import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readTelemetryConfig } from './telemetryConfig';

const read = (telemetry?: unknown, readiness?: unknown) =>
  readTelemetryConfig(
    new ConfigReader({
      istio: {
        ...(telemetry === undefined ? {} : { telemetry }),
        ...(readiness === undefined ? {} : { readiness }),
      },
    }),
  );

describe('readTelemetryConfig', () => {
  it('reads the timeout as a Backstage duration, object or string', () => {
    expect(read({ timeout: { seconds: 2 } }).timeoutMs).toBe(2000);
    expect(read({ timeout: { milliseconds: 750 } }).timeoutMs).toBe(750);
    expect(read({ timeout: '3s' }).timeoutMs).toBe(3000);
    expect(read({ timeout: 'PT1M' }).timeoutMs).toBe(60_000);
  });

  it('observes 24 hours by default, or the configured Backstage duration', () => {
    expect(read()).toEqual({
      window: '24h',
      windowSeconds: 86400,
      timeoutMs: 5000,
    });
    expect(read(undefined, { observationWindow: { days: 7 } })).toMatchObject({
      window: '168h',
      windowSeconds: 7 * 86400,
    });
    expect(read(undefined, { observationWindow: '90m' })).toMatchObject({
      window: '90m',
      windowSeconds: 5400,
    });
    expect(
      read(undefined, { observationWindow: { hours: 1, seconds: 30 } }).window,
    ).toBe('3630s');
  });

  it('still reads the older istio.telemetry.window, which the new key overrides', () => {
    expect(read({ window: '6h' })).toMatchObject({
      window: '6h',
      windowSeconds: 21600,
    });
    expect(
      read({ window: '6h' }, { observationWindow: { hours: 48 } })
        .windowSeconds,
    ).toBe(48 * 3600);
  });

  it('refuses a bad window together with a bad timeout, in one error', () => {
    expect(() => read({ timeout: 5000 }, { observationWindow: 86400 })).toThrow(
      /observationWindow must be a duration.*; istio.telemetry.timeout must be a duration/,
    );
    expect(() => read(undefined, { observationWindow: { hours: 0 } })).toThrow(
      /longer than zero/,
    );
    expect(() => read({ window: 'a day' })).toThrow(
      /not a Prometheus duration/,
    );
  });

  it('refuses a bare number, an unknown unit and a zero timeout', () => {
    expect(() => read({ timeout: 5000 })).toThrow(InputError);
    expect(() => read({ timeout: 5000 })).toThrow(/not a number/);
    expect(() => read({ timeout: { secs: 5 } })).toThrow(/Needs one or more/);
    expect(() => read({ timeout: 'soon' })).toThrow(/soon/);
    expect(() => read({ timeout: { seconds: 0 } })).toThrow(/longer than zero/);
  });
});
