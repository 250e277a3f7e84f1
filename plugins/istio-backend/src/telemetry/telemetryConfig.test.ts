import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readTelemetryConfig } from './telemetryConfig';

const read = (telemetry?: unknown) =>
  readTelemetryConfig(
    new ConfigReader(telemetry === undefined ? {} : { istio: { telemetry } }),
  );

describe('readTelemetryConfig', () => {
  it('reads the timeout as a Backstage duration, object or string', () => {
    expect(read({ timeout: { seconds: 2 } }).timeoutMs).toBe(2000);
    expect(read({ timeout: { milliseconds: 750 } }).timeoutMs).toBe(750);
    expect(read({ timeout: '3s' }).timeoutMs).toBe(3000);
    expect(read({ timeout: 'PT1M' }).timeoutMs).toBe(60_000);
    expect(read({ window: '24h' })).toEqual({ window: '24h', timeoutMs: 5000 });
    expect(read()).toEqual({ window: '1h', timeoutMs: 5000 });
  });

  it('refuses a bare number, an unknown unit and a zero timeout', () => {
    expect(() => read({ timeout: 5000 })).toThrow(InputError);
    expect(() => read({ timeout: 5000 })).toThrow(/not a number/);
    expect(() => read({ timeout: { secs: 5 } })).toThrow(/Needs one or more/);
    expect(() => read({ timeout: 'soon' })).toThrow(/soon/);
    expect(() => read({ timeout: { seconds: 0 } })).toThrow(/longer than zero/);
  });
});
