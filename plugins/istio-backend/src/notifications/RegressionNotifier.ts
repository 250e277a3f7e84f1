import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { EntityPosture } from '@meshportal/plugin-istio-common';
import { AdoptionService, relationTarget } from '../adoption/AdoptionService';
import { MeshPostureService } from '../posture/MeshPostureService';
import { entityMeshTabPath } from './entityLink';
import { NoticeStore } from './NoticeStore';
import {
  EntityMeshState,
  Regression,
  meshStateOf,
  regressions,
  sameState,
} from './regressions';

/** Notification topic of regression notices. @public */
export const REGRESSION_TOPIC = 'istio-regression';

function regressionId(r: Regression): string {
  switch (r.type) {
    case 'mode':
      return `mode\u0000${r.cluster}\u0000${r.workload}\u0000${r.from}\u0000${r.to}`;
    case 'plaintext-caller':
      return `caller\u0000${r.cluster}\u0000${r.caller}`;
    default:
      return `error\u0000${r.cluster}\u0000${r.finding}`;
  }
}

/** The notice's title and text for the entity's owner. @public */
export function describeRegression(
  entityRef: string,
  r: Regression,
): { title: string; description: string } {
  switch (r.type) {
    case 'mode':
      return {
        title: `${entityRef}: ${r.workload} went from STRICT to ${r.to}`,
        description: `In cluster ${r.cluster}, ${
          r.workload
        } no longer enforces mutual TLS (${r.to}): it accepts plaintext${
          r.to === 'DISABLE' ? ' only' : ' again'
        }. Check which PeerAuthentication now decides its mode and set it back to STRICT.`,
      };
    case 'plaintext-caller':
      return {
        title: `${entityRef}: a new plaintext caller`,
        description: `In cluster ${r.cluster}, ${r.caller} is a new caller sending plaintext to a workload that was ready for STRICT (or STRICT). Under STRICT its calls are refused: have it run with its Istio proxy, or remove the DestinationRule that disables TLS toward the workload.`,
      };
    default:
      return {
        title: `${entityRef}: a new Error finding`,
        description: `In cluster ${r.cluster}: ${r.finding}. The Service mesh tab shows the finding and its remediation.`,
      };
  }
}

/**
 * Compares each annotated entity's mesh state with the one last recorded
 * and tells its owner how it slipped back: STRICT to PERMISSIVE or
 * DISABLE, a new plaintext caller into a workload that was ready, a new
 * Error finding. The first time an entity is seen only records it. Each
 * change is claimed in the database before it is sent, so two replicas or
 * a restart never send it twice; a notice the notifications service
 * refused is retried at the next run.
 * @public
 */
export class RegressionNotifier {
  constructor(
    private readonly options: {
      posture: MeshPostureService;
      adoption: AdoptionService;
      store: NoticeStore;
      notifications: NotificationService;
      logger: LoggerService;
      /** False while a cluster has not synced: states would be partial. */
      ready: () => boolean;
    },
  ) {}

  /** One comparison over the catalog; returns how many notices were sent. */
  async run(credentials: BackstageCredentials): Promise<number> {
    if (!this.options.ready()) return 0;
    const entities = await this.options.adoption.annotatedEntities(credentials);
    let sent = 0;
    for (const entity of entities) {
      let posture: EntityPosture;
      try {
        posture = await this.options.posture.entityPosture(entity);
      } catch {
        continue; // A selector that cannot be parsed: the adoption page lists it.
      }
      sent += await this.compare(entity, posture);
    }
    return sent;
  }

  private async compare(entity: Entity, posture: EntityPosture) {
    const { store, logger } = this.options;
    const ref = stringifyEntityRef(entity);
    const recorded = await store.state<EntityMeshState>(ref);
    const now = meshStateOf(posture, recorded?.state);
    if (!recorded) {
      await store.recordState(ref, undefined, now);
      return 0;
    }
    if (sameState(recorded.state, now)) return 0;
    const owner = relationTarget(
      entity,
      RELATION_OWNED_BY,
      entity.spec?.owner,
      'group',
    );
    let sent = 0;
    for (const r of regressions(recorded.state, now)) {
      if (!owner) {
        logger.info(`istio: ${ref} regressed but names no owner to tell`);
        break;
      }
      // The baseline's version is in the key: a later slip of the same
      // workload, from a newer baseline, is a new change.
      const key = `${REGRESSION_TOPIC}\u0000${ref}\u0000${
        recorded.version
      }\u0000${regressionId(r)}`;
      if (
        !(await store.claim({
          key,
          topic: 'regression',
          subject: ref,
          recipients: [owner],
        }))
      ) {
        continue;
      }
      try {
        await this.options.notifications.send({
          recipients: { type: 'entity', entityRef: owner },
          payload: {
            ...describeRegression(ref, r),
            link: entityMeshTabPath(ref),
            severity: r.type === 'plaintext-caller' ? 'normal' : 'high',
            topic: REGRESSION_TOPIC,
          },
        });
        sent++;
      } catch (error) {
        await store.release(key);
        logger.warn(
          `istio: could not send a regression notice about ${ref}; retrying at the next run: ${error}`,
        );
        // Keep the baseline, so the next run finds the same change again.
        return sent;
      }
    }
    await store.recordState(ref, recorded.version, now);
    return sent;
  }
}
