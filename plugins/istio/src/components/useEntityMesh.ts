import { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { isIstioAvailable } from '../kubernetesAnnotations';
import { istioApiRef } from '../api/IstioApi';
import {
  ClusterStatusView,
  EntityPosture,
} from '@meshportal/plugin-istio-common';
import { useAsyncValue } from './useAsyncValue';

/** Istio's own kinds: when the API server has none of them, Istio is not installed. */
const ISTIO_KINDS = new Set([
  'PeerAuthentication',
  'AuthorizationPolicy',
  'RequestAuthentication',
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'ServiceEntry',
  'Sidecar',
]);

/** True when a cluster answered "no such resource" for every Istio kind. */
export function istioMissingIn(cluster: ClusterStatusView): boolean {
  const istio = cluster.kinds.filter(k => ISTIO_KINDS.has(k.kind));
  return istio.length > 0 && istio.every(k => k.state === 'absent');
}

/** What the card and the tab show for an entity. */
export type EntityMeshState =
  | { type: 'no-annotation' }
  | { type: 'loading' }
  | { type: 'not-found' }
  | { type: 'error'; error: Error }
  | { type: 'pending'; clusters: string[] }
  | { type: 'no-workloads'; posture: EntityPosture }
  | { type: 'partial'; posture: EntityPosture }
  | { type: 'istio-not-installed'; clusters: string[]; posture: EntityPosture }
  | { type: 'not-in-mesh'; posture: EntityPosture }
  | { type: 'in-mesh'; posture: EntityPosture };

/**
 * Decides the state from what the API returned: 404 is "not found or not
 * allowed"; an entity whose workloads all run without a proxy is "not in the
 * mesh", or "Istio not installed" when its clusters lack Istio's kinds.
 */
export function entityMeshState(input: {
  annotated: boolean;
  loading: boolean;
  posture?: EntityPosture;
  error?: Error;
  clusters?: ClusterStatusView[];
}): EntityMeshState {
  if (!input.annotated) return { type: 'no-annotation' };
  if (input.error) {
    const error = input.error as Error & {
      statusCode?: number;
      response?: { status?: number };
    };
    const status = error.statusCode ?? error.response?.status;
    if (status === 404 || error.name === 'NotFoundError') {
      return { type: 'not-found' };
    }
    return { type: 'error', error: input.error };
  }
  const posture = input.posture;
  if (!posture) return { type: 'loading' };
  const workloads = posture.clusters.flatMap(c => c.workloads);
  // With kinds unreadable, "no workloads" or "not in the mesh" may be wrong.
  const partial = (posture.missingKinds ?? []).length > 0;
  const names = new Set(posture.clusters.map(c => c.cluster));
  const withoutIstio = (input.clusters ?? [])
    .filter(c => names.size === 0 || names.has(c.cluster))
    .filter(istioMissingIn)
    .map(c => c.cluster);
  if (!workloads.length) {
    if (withoutIstio.length) {
      return { type: 'istio-not-installed', clusters: withoutIstio, posture };
    }
    if (!posture.clusters.length && posture.pendingClusters?.length) {
      return { type: 'pending', clusters: posture.pendingClusters };
    }
    if (partial) return { type: 'partial', posture };
    return { type: 'no-workloads', posture };
  }
  if (workloads.every(w => w.dataplane === 'none')) {
    if (partial) return { type: 'partial', posture };
    return withoutIstio.length
      ? { type: 'istio-not-installed', clusters: withoutIstio, posture }
      : { type: 'not-in-mesh', posture };
  }
  return { type: 'in-mesh', posture };
}

/** Loads an entity's posture (and cluster status, to explain emptiness). */
export function useEntityMesh(entity: Entity): EntityMeshState & {
  retry: () => void;
} {
  const api = useApi(istioApiRef);
  const annotated = isIstioAvailable(entity);
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const result = useAsyncValue(async () => {
    if (!annotated) return undefined;
    const [posture, clusters] = await Promise.all([
      api.getEntityPosture({ kind, namespace, name }),
      // Cluster status only explains an empty result; never fail on it.
      api.getClusters().catch(() => [] as ClusterStatusView[]),
    ]);
    return { posture, clusters };
  }, [api, annotated, kind, namespace, name]);
  const state = entityMeshState({
    annotated,
    loading: result.loading,
    posture: result.loading ? undefined : result.value?.posture,
    error: result.loading ? undefined : result.error,
    clusters: result.value?.clusters,
  });
  return { ...state, retry: result.retry };
}
