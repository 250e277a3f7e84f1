import { KubeObject, ResourceOrigin } from '@meshportal/plugin-istio-common';

/**
 * Where one kind of object stands in a cluster's cache.
 * - `pending`: the first list has not finished;
 * - `synced`: listed and being watched;
 * - `forbidden`: the API server answered 403 (RBAC);
 * - `absent`: 404, e.g. the Istio CRDs are not installed;
 * - `error`: anything else; the last good data (if any) is still served.
 * @public
 */
export type KindSyncState =
  | 'pending'
  | 'synced'
  | 'forbidden'
  | 'absent'
  | 'error';

/** @public */
export interface KindStatus {
  kind: string;
  state: KindSyncState;
  count: number;
  message?: string;
  /** ISO time of the last list or watch event received. */
  lastEventTime?: string;
}

/** @public */
export interface ClusterSyncStatus {
  cluster: string;
  source: 'kubernetes' | 'files';
  /** Every kind finished its first attempt (synced, forbidden, absent or error). */
  ready: boolean;
  /** A kind is in error or still pending: what is served may be out of date. */
  degraded: boolean;
  kinds: KindStatus[];
}

/** One object with where it came from. @public */
export interface SourcedObject {
  object: KubeObject;
  origin?: ResourceOrigin;
}

/**
 * A cluster's objects, kept current by the source (a watch or files).
 * @public
 */
export interface ClusterSource {
  readonly cluster: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The current objects; a consistent view, never a half-built list. */
  objects(): SourcedObject[];
  status(): ClusterSyncStatus;
  /** Called after the objects changed; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
}
