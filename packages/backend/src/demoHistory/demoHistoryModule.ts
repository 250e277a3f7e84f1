import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { AdoptionReport } from '@meshportal/plugin-istio-common';
import { HistoryStore } from '@meshportal/plugin-istio-backend';
import { HARBOR_BANK_WAVES, rolloutBackfill } from './rolloutBackfill';

const BACKFILL_DAYS = 31;
const WAIT_MS = 10 * 60_000;

/**
 * Demo only: once the demo backend serves its first complete adoption
 * report (clusters synced, catalog loaded), writes thirty days of adoption
 * history before it into the istio plugin's own table, the rollout of the
 * Harbor Bank waves. Never add this module to a real backend.
 */
export const demoHistoryModule = createBackendModule({
  pluginId: 'istio',
  moduleId: 'demo-history',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
      },
      async init({ auth, config, database, discovery, lifecycle, logger }) {
        const periodMs = config.has('istio.history.frequency')
          ? durationToMilliseconds(
              readDurationFromConfig(config, {
                key: 'istio.history.frequency',
              }),
            )
          : 3_600_000;
        let stopped = false;
        lifecycle.addShutdownHook(() => {
          stopped = true;
        });

        const completeReport = async (): Promise<
          AdoptionReport | undefined
        > => {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: 'istio',
          });
          const res = await fetch(
            `${await discovery.getBaseUrl('istio')}/v1/adoption`,
            { headers: { authorization: `Bearer ${token}` } },
          );
          if (!res.ok) return undefined;
          const report = (await res.json()) as AdoptionReport;
          const namespaces = new Set(report.byNamespace.map(n => n.namespace));
          const complete =
            report.entities.length > 0 &&
            HARBOR_BANK_WAVES.every(w => namespaces.has(w.namespace));
          return complete ? report : undefined;
        };

        const backfill = async () => {
          const deadline = Date.now() + WAIT_MS;
          while (!stopped && Date.now() < deadline) {
            const report = await completeReport().catch(() => undefined);
            if (report) {
              const store = await HistoryStore.create(database);
              const written = await store.record(
                rolloutBackfill(report, HARBOR_BANK_WAVES, {
                  now: new Date(),
                  periodMs,
                  days: BACKFILL_DAYS,
                }),
              );
              logger.info(
                `demo: backfilled ${BACKFILL_DAYS} days of adoption history (${written} rows)`,
              );
              return;
            }
            await new Promise(resolve => setTimeout(resolve, 3000));
          }
          if (!stopped) {
            logger.warn(
              'demo: no complete adoption report, history not backfilled',
            );
          }
        };
        // After startup, so the plugin's routes and migrations are in place.
        lifecycle.addStartupHook(() => {
          backfill().catch(error =>
            logger.error(`demo: adoption history backfill failed: ${error}`),
          );
        });
      },
    });
  },
});
