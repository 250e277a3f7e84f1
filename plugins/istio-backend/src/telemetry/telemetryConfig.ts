import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DEFAULT_OBSERVATION_WINDOW_SECONDS } from '@meshportal/plugin-istio-common';
import { durationToMilliseconds } from '@backstage/types';

/** How Prometheus is queried, from `istio.telemetry` and `istio.readiness`. @public */
export interface TelemetryConfig {
  /** The observation window, as a Prometheus duration (`24h`). */
  window: string;
  /** The observation window in seconds. */
  windowSeconds: number;
  timeoutMs: number;
}

const TIMEOUT_KEY = 'istio.telemetry.timeout';
const WINDOW_KEY = 'istio.readiness.observationWindow';
/** The window's key before readiness needed evidence; still read when the new one is absent. */
const LEGACY_WINDOW_KEY = 'istio.telemetry.window';

const PROMETHEUS_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
};

/** Seconds as the shortest Prometheus duration that says them (`24h`, `90m`). @public */
export function prometheusDuration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** A one-unit Prometheus duration (`1h`, `30m`) in seconds; undefined when it is none. @public */
export function prometheusDurationSeconds(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(text);
  return match ? Number(match[1]) * PROMETHEUS_UNITS[match[2]] : undefined;
}

function positiveDuration(config: Config, key: string): number {
  if (typeof config.getOptional(key) === 'number') {
    throw new InputError(
      `${key} must be a duration such as { seconds: 5 } or '5s', not a number`,
    );
  }
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0)) throw new InputError(`${key} must be longer than zero`);
  return ms;
}

function observationWindowSeconds(config: Config): number {
  if (config.has(WINDOW_KEY)) {
    return Math.ceil(positiveDuration(config, WINDOW_KEY) / 1000);
  }
  const legacy = config.getOptionalString(LEGACY_WINDOW_KEY);
  if (legacy === undefined) return DEFAULT_OBSERVATION_WINDOW_SECONDS;
  const seconds = prometheusDurationSeconds(legacy);
  if (!seconds || seconds < 1) {
    throw new InputError(
      `${LEGACY_WINDOW_KEY} "${legacy}" is not a Prometheus duration of a second or more; use ${WINDOW_KEY} instead`,
    );
  }
  return seconds;
}

/**
 * Reads `istio.telemetry` and the observation window
 * (`istio.readiness.observationWindow`, default 24 h). Durations are
 * Backstage durations (`{ hours: 24 }`, `24h`, `P1D`); a bare number is
 * refused rather than guessed at, since the timeout used to mean
 * milliseconds. Every problem is reported at once.
 * @public
 */
export function readTelemetryConfig(config: Config): TelemetryConfig {
  const problems: string[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message);
      return fallback;
    }
  };
  const windowSeconds = attempt(
    () => observationWindowSeconds(config),
    DEFAULT_OBSERVATION_WINDOW_SECONDS,
  );
  const timeoutMs = config.has(TIMEOUT_KEY)
    ? attempt(() => positiveDuration(config, TIMEOUT_KEY), 5000)
    : 5000;
  if (problems.length) throw new InputError(problems.join('; '));
  return {
    window: prometheusDuration(windowSeconds),
    windowSeconds,
    timeoutMs,
  };
}
