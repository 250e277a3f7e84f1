import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';

/** How Prometheus is queried, from `istio.telemetry`. @public */
export interface TelemetryConfig {
  /** Window of traffic, as a Prometheus duration (`1h`). */
  window: string;
  timeoutMs: number;
}

const TIMEOUT_KEY = 'istio.telemetry.timeout';

/**
 * Reads `istio.telemetry`. The timeout is a Backstage duration
 * (`{ seconds: 5 }`, `5s`, `PT5S`); a bare number is refused rather than
 * guessed at, since it used to mean milliseconds.
 * @public
 */
export function readTelemetryConfig(config: Config): TelemetryConfig {
  const window = config.getOptionalString('istio.telemetry.window') ?? '1h';
  if (!config.has(TIMEOUT_KEY)) return { window, timeoutMs: 5000 };
  if (typeof config.getOptional(TIMEOUT_KEY) === 'number') {
    throw new InputError(
      `${TIMEOUT_KEY} must be a duration such as { seconds: 5 } or '5s', not a number`,
    );
  }
  const timeoutMs = durationToMilliseconds(
    readDurationFromConfig(config, { key: TIMEOUT_KEY }),
  );
  if (!(timeoutMs > 0)) {
    throw new InputError(`${TIMEOUT_KEY} must be longer than zero`);
  }
  return { window, timeoutMs };
}
