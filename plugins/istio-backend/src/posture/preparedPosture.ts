import {
  EntityClusterPosture,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import type { ClusterReport } from './clusterReport';
import { EntityWorkloadMapping } from './entityMapping';

/** What may change between two views of one report: age, sync state, telemetry. */
export type LiveFields =
  | 'ageSeconds'
  | 'stale'
  | 'missingKinds'
  | 'telemetry'
  | 'readiness';

/**
 * The part of an entity's posture in one cluster that only the report
 * decides, computed once per report and entity mapping and kept serialized:
 * a page view then costs a lookup and a string, not a rebuild.
 */
export interface PreparedClusterPosture {
  fixed: Omit<EntityClusterPosture, LiveFields>;
  /** `fixed` as JSON. */
  json: string;
  /** Without links: what telemetry and readiness are assessed on. */
  workloads: WorkloadPosture[];
}

/** Answers kept per report: enough for every entity of a large catalog. */
const PREPARED_BYTES_PER_REPORT = 64 * 2 ** 20;

interface PreparedCache {
  /** Insertion order is recency: a hit moves its entry to the end. */
  entries: Map<string, PreparedClusterPosture | null>;
  bytes: number;
}

/** An entry's share of the budget; keys count, as misses are kept as null. */
const preparedSize = (key: string, entry: PreparedClusterPosture | null) =>
  key.length + (entry?.json.length ?? 0);

/** One cluster's share of an entity's posture, before it is rendered. */
export interface ClusterPart {
  live: Pick<EntityClusterPosture, LiveFields>;
  prepared: PreparedClusterPosture;
}

/**
 * The prepared postures of each report, per entity mapping, within a byte
 * budget. Keyed by the report object, so a new report starts with no
 * answers and a replaced one is dropped with it.
 */
export class PreparedPostures {
  private readonly caches = new WeakMap<ClusterReport, PreparedCache>();

  /** The entity's fixed posture in one report, from the cache or built now. */
  get(
    report: ClusterReport,
    mapping: EntityWorkloadMapping,
    build: () => Omit<PreparedClusterPosture, 'json'> | null,
  ): PreparedClusterPosture | null {
    let cache = this.caches.get(report);
    if (!cache) {
      cache = { entries: new Map(), bytes: 0 };
      this.caches.set(report, cache);
    }
    const key = `${mapping.namespace ?? ''}\u0000${
      mapping.labelSelector
    }\u0000${mapping.cluster ?? ''}`;
    const hit = cache.entries.get(key);
    if (hit !== undefined) {
      cache.entries.delete(key);
      cache.entries.set(key, hit);
      return hit;
    }
    const built = build();
    const prepared = built && {
      ...built,
      json: JSON.stringify(built.fixed),
    };
    cache.entries.set(key, prepared);
    cache.bytes += preparedSize(key, prepared);
    for (const [oldest, entry] of cache.entries) {
      if (cache.bytes <= PREPARED_BYTES_PER_REPORT) break;
      cache.entries.delete(oldest);
      cache.bytes -= preparedSize(oldest, entry);
    }
    return prepared;
  }
}
