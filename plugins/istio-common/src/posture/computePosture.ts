import { MeshPosture } from '../analysis/types';
import { MeshSnapshot } from '../model/snapshot';
import { computeClientTls } from './clientTls';
import { meshIndex } from './meshIndex';

/**
 * Computes every workload's posture and the client-side TLS per
 * DestinationRule host, both sorted by namespace, then name.
 * @public
 */
export function computePosture(snapshot: MeshSnapshot): MeshPosture {
  const index = meshIndex(snapshot);
  return {
    workloads: index.workloads.map(w => w.posture),
    clientTls: computeClientTls(snapshot, index),
  };
}
