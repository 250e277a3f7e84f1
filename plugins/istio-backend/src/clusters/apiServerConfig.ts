import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { KUBE_SYNC_DEFAULTS } from './KubeClusterSource';

/** How long the API servers may stay silent, from `istio.apiServer`. @public */
export interface ApiServerConfig {
  requestTimeoutMs: number;
  watchIdleTimeoutMs: number;
}

function readTimeout(config: Config, key: string, fallbackMs: number): number {
  if (!config.has(key)) return fallbackMs;
  if (typeof config.getOptional(key) === 'number') {
    throw new InputError(
      `${key} must be a duration such as { seconds: 20 } or '20s', not a number`,
    );
  }
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0)) throw new InputError(`${key} must be longer than zero`);
  return ms;
}

/**
 * Reads `istio.apiServer.requestTimeout` and `watchIdleTimeout` (Backstage
 * durations). Their sum bounds how long a silent API server goes unnoticed.
 * @public
 */
export function readApiServerConfig(config: Config): ApiServerConfig {
  return {
    requestTimeoutMs: readTimeout(
      config,
      'istio.apiServer.requestTimeout',
      KUBE_SYNC_DEFAULTS.requestTimeoutMs,
    ),
    watchIdleTimeoutMs: readTimeout(
      config,
      'istio.apiServer.watchIdleTimeout',
      KUBE_SYNC_DEFAULTS.watchIdleTimeoutMs,
    ),
  };
}
