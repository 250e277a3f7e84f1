import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  AdoptionFilters,
  AdoptionReport,
  ClusterStatusView,
  EntityPosture,
  NotifyCallerOwnersRequest,
  NotifyCallerOwnersResponse,
  ResolvedCallersResponse,
} from '@meshportal/plugin-istio-common';
import { AdoptionHistoryPoint } from './types';

/** The entity an API call is about. @public */
export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Whose callers: an entity's workloads, or every workload of a namespace.
 * @public
 */
export type CallersTarget =
  | { entity: EntityName }
  | { cluster: string; namespace: string };

/**
 * Reads the mesh posture the istio backend computes.
 * @public
 */
export interface IstioApi {
  /** Rejects with a ResponseError (status 404 when not found or not allowed). */
  getEntityPosture(entity: EntityName): Promise<EntityPosture>;
  getAdoption(filters?: AdoptionFilters): Promise<AdoptionReport>;
  /** Mesh-wide history, oldest first; empty when nothing was recorded. */
  getAdoptionHistory(range: {
    from: Date;
    to: Date;
  }): Promise<AdoptionHistoryPoint[]>;
  getClusters(): Promise<ClusterStatusView[]>;
  /** The callers STRICT would refuse, with the entities and owners claiming them. */
  getCallers(target: CallersTarget): Promise<ResolvedCallersResponse>;
  /** Tells the owners of those callers that the target goes STRICT. */
  notifyCallerOwners(
    target: CallersTarget,
    request: NotifyCallerOwnersRequest,
  ): Promise<NotifyCallerOwnersResponse>;
}

/**
 * The API reference of {@link IstioApi}.
 * @public
 */
export const istioApiRef = createApiRef<IstioApi>().with({
  id: 'plugin.istio.api',
  pluginId: 'istio',
});
