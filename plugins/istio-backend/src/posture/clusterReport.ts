import {
  MeshReport,
  MeshSnapshot,
  SnapshotProblem,
} from '@meshportal/plugin-istio-common';
import { ClusterIndex } from './ClusterIndex';

/** The engine's view of one cluster, recomputed when its objects change. @public */
export interface ClusterReport {
  cluster: string;
  snapshot: MeshSnapshot;
  report: Omit<MeshReport, 'problems'>;
  problems: SnapshotProblem[];
  computedAt: Date;
  /** Counts the cluster's reports from 1: which report an answer comes from. */
  generation: number;
  objectCount: number;
  /** Lookups over this report, built with it. */
  index: ClusterIndex;
}
