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
export type * from './posture/MeshPostureService';
export type * from './adoption/AdoptionService';
// The services themselves, for @meshportal/bench, which measures them
// without the HTTP router; the plugin wires them up itself.
export { MeshPostureService } from './posture/MeshPostureService';
export { ClusterIndex } from './posture/ClusterIndex';
export { AdoptionService } from './adoption/AdoptionService';
export { TelemetryService } from './telemetry/TelemetryService';
// The history table and the rows of one period, for the demo backend's
// backfill of thirty days (packages/backend/src/demoHistory).
export { HistoryStore, periodStart } from './history/HistoryStore';
export type { HistoryRow, HistoryScope } from './history/HistoryStore';
export { historyRows } from './history/AdoptionHistory';
