import {
  ClusterSyncStatus,
  KubeObject,
  ResourceOrigin,
} from '@meshportal/plugin-istio-common';

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
