import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { istioPermissions } from '@meshportal/plugin-istio-common';
import { AdoptionService } from './adoption/AdoptionService';
import { CallerResolver } from './callers/CallerResolver';
import { readApiServerConfig } from './clusters/apiServerConfig';
import { readIstioClusters } from './clusters/config';
import { KubeClusterSource } from './clusters/KubeClusterSource';
import { SnapshotFileSource } from './clusters/SnapshotFileSource';
import { ClusterSource } from './clusters/types';
import { AdoptionHistory } from './history/AdoptionHistory';
import { HistoryStore } from './history/HistoryStore';
import { NoticeStore } from './notifications/NoticeStore';
import { readNotificationsConfig } from './notifications/notificationsConfig';
import { RegressionNotifier } from './notifications/RegressionNotifier';
import { StrictPlanNotifier } from './notifications/StrictPlanNotifier';
import { MeshPostureService } from './posture/MeshPostureService';
import { createRouter } from './service/router';
import { PrometheusClient } from './telemetry/PrometheusClient';
import { TelemetryService } from './telemetry/TelemetryService';
import { readTelemetryConfig } from './telemetry/telemetryConfig';

/**
 * The Istio backend plugin: mesh posture per catalog entity, mesh adoption
 * and its history, under /api/istio.
 * @public
 */
export const istioPlugin = createBackendPlugin({
  pluginId: 'istio',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        database,
        scheduler,
        lifecycle,
        catalog,
        notifications,
      }) {
        permissionsRegistry.addPermissions(istioPermissions);

        const clusters = readIstioClusters(config);
        const apiServer = readApiServerConfig(config);
        const sources: ClusterSource[] = clusters.map(cluster =>
          cluster.snapshotPaths
            ? new SnapshotFileSource(
                cluster.name,
                cluster.snapshotPaths,
                logger,
              )
            : new KubeClusterSource(cluster, logger, apiServer),
        );
        const { window, timeoutMs } = readTelemetryConfig(config);
        const telemetry = new TelemetryService(
          new Map(
            clusters
              .filter(c => c.prometheusUrl)
              .map(c => [
                c.name,
                new PrometheusClient(c.prometheusUrl!, timeoutMs, c.prometheus),
              ]),
          ),
          window,
          logger,
        );
        const posture = new MeshPostureService({
          clusters,
          sources,
          telemetry,
          logger,
        });
        const adoption = new AdoptionService(posture, catalog, telemetry);

        const frequency: HumanDuration = config.has('istio.history.frequency')
          ? readDurationFromConfig(config, { key: 'istio.history.frequency' })
          : { hours: 1 };
        const retention: HumanDuration = config.has('istio.history.retention')
          ? readDurationFromConfig(config, { key: 'istio.history.retention' })
          : { days: 365 };
        const allClustersSynced = () =>
          sources.length > 0 &&
          sources.every(s => posture.clusterReport(s.cluster) !== undefined);
        const history = new AdoptionHistory({
          store: await HistoryStore.create(database),
          adoption,
          ready: allClustersSynced,
          gaps: () => posture.reportGaps(),
          periodMs: durationToMilliseconds(frequency),
          retentionMs: durationToMilliseconds(retention),
          logger,
        });

        // Sources run in the background; the API answers with what is synced.
        posture
          .start()
          .catch(error =>
            logger.error(`istio: cluster sources failed to start: ${error}`),
          );
        lifecycle.addShutdownHook(() => posture.stop());

        await scheduler.scheduleTask({
          id: 'istio-adoption-history',
          frequency,
          timeout: { minutes: 10 },
          initialDelay: { minutes: 2 },
          scope: 'global',
          fn: async () => {
            await history.recordNow(await auth.getOwnServiceCredentials());
          },
        });

        const notices = readNotificationsConfig(config);
        let strictPlans: StrictPlanNotifier | undefined;
        if (notices.enabled) {
          const store = await NoticeStore.create(database);
          strictPlans = new StrictPlanNotifier({
            notifications,
            store,
            logger,
          });
          const regressions = new RegressionNotifier({
            posture,
            adoption,
            store,
            notifications,
            logger,
            ready: allClustersSynced,
          });
          await scheduler.scheduleTask({
            id: 'istio-regression-notices',
            frequency: notices.frequency,
            timeout: { minutes: 10 },
            initialDelay: { minutes: 3 },
            scope: 'global',
            fn: async () => {
              await regressions.run(await auth.getOwnServiceCredentials());
            },
          });
        }

        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            catalog,
            posture,
            adoption,
            history,
            callers: new CallerResolver({ posture, adoption, telemetry }),
            strictPlans,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
