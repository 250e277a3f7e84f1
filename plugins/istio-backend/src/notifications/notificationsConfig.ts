import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';

/** `istio.notifications`, with its defaults. @public */
export interface NotificationsConfig {
  enabled: boolean;
  /** How often the regression check runs. */
  frequency: HumanDuration;
}

/** Reads `istio.notifications`; defaults: on, every 15 minutes. @public */
export function readNotificationsConfig(config: Config): NotificationsConfig {
  return {
    enabled: config.getOptionalBoolean('istio.notifications.enabled') ?? true,
    frequency: config.has('istio.notifications.frequency')
      ? readDurationFromConfig(config, {
          key: 'istio.notifications.frequency',
        })
      : { minutes: 15 },
  };
}
