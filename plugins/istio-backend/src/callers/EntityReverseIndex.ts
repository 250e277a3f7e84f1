import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CallerEntity, labelsMatch } from '@meshportal/plugin-istio-common';
import {
  EntityWorkloadMapping,
  entityWorkloadMapping,
} from '../posture/entityMapping';

interface Claim {
  entity: CallerEntity;
  mapping: EntityWorkloadMapping;
}

/**
 * From a workload back to the catalog entities whose Kubernetes
 * annotations select it: the entity mapping read the other way round. An
 * entity claims a workload when its selector (the label selector
 * annotation, else `backstage.io/kubernetes-id`) matches the workload's pod
 * template or controller labels, in its annotated namespace and cluster if
 * it names them. Entities are indexed by the label values their selector
 * requires (every mapping requires at least one), so a lookup reads only
 * the entities that could match.
 * @public
 */
export class EntityReverseIndex {
  private readonly byLabel = new Map<string, Claim[]>();

  /**
   * @param entities - annotated entities, each with its owner's entity ref.
   *   An entity whose selector cannot be parsed claims nothing.
   */
  constructor(entities: Array<{ entity: Entity; owner?: string }>) {
    for (const { entity, owner } of entities) {
      let mapping: EntityWorkloadMapping;
      try {
        mapping = entityWorkloadMapping(entity);
      } catch {
        continue;
      }
      const claim: Claim = {
        entity: { entityRef: stringifyEntityRef(entity), owner },
        mapping,
      };
      for (const r of mapping.requirements) {
        if (r.operator !== 'in') continue;
        for (const value of r.values) {
          const key = `${r.key}=${value}`;
          this.byLabel.set(key, [...(this.byLabel.get(key) ?? []), claim]);
        }
      }
    }
  }

  /** The entities claiming a workload with these label sets, by entity ref. */
  claimants(
    cluster: string,
    namespace: string,
    labelSets: Record<string, string>[],
  ): CallerEntity[] {
    const found = new Map<string, CallerEntity>();
    for (const labels of labelSets) {
      for (const [key, value] of Object.entries(labels)) {
        for (const { entity, mapping } of this.byLabel.get(`${key}=${value}`) ??
          []) {
          if (
            (!mapping.namespace || mapping.namespace === namespace) &&
            (!mapping.cluster || mapping.cluster === cluster) &&
            labelsMatch(mapping.requirements, labels)
          ) {
            found.set(entity.entityRef, entity);
          }
        }
      }
    }
    return [...found.values()].sort((a, b) =>
      a.entityRef.localeCompare(b.entityRef),
    );
  }
}
