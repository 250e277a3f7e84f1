/**
 * Backstage backend plugin serving Istio mesh posture and adoption per
 * catalog entity.
 *
 * @packageDocumentation
 */

export { istioPlugin as default } from './plugin';
export * from './clusters/config';
export * from './clusters/types';
export { KubeClusterSource } from './clusters/KubeClusterSource';
export type { KubeClusterSourceOptions } from './clusters/KubeClusterSource';
export { SnapshotFileSource } from './clusters/SnapshotFileSource';
export { parseLabelSelector, labelsMatch } from './posture/labelSelector';
export type { LabelRequirement } from './posture/labelSelector';
export type * from './posture/MeshPostureService';
export type * from './adoption/AdoptionService';
