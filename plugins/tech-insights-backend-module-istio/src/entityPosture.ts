import {
  EntityClusterPosture,
  EntityPosture,
  Readiness,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';

/**
 * The part of the istio backend's `GET /v1/entities/:kind/:namespace/:name`
 * answer ({@link @meshportal/plugin-istio-common#EntityPosture}) that the
 * facts are computed from: this module reads only these fields.
 * @public
 */
export type IstioEntityPosture = Pick<
  EntityPosture,
  'entityRef' | 'stale' | 'pendingClusters'
> & {
  readiness: Pick<Readiness, 'stage' | 'blockers' | 'telemetryUnknown'>;
  clusters: Array<
    Pick<EntityClusterPosture, 'cluster' | 'findings'> & {
      workloads: WorkloadPosture[];
    }
  >;
};
