import { EntityPosture } from '@meshportal/plugin-istio-common';
import type { ClusterPart } from './preparedPosture';

/**
 * An entity's posture as the JSON the API sends, each cluster's fixed part
 * spliced in as it was serialized once per report: a view then serializes
 * only the summary and the live fields.
 */
export function entityPostureJson(
  summary: Omit<EntityPosture, 'clusters'>,
  parts: ClusterPart[],
): string {
  const clusters = parts.map(
    p => `${JSON.stringify(p.live).slice(0, -1)},${p.prepared.json.slice(1)}`,
  );
  return `${JSON.stringify(summary).slice(0, -1)},"clusters":[${clusters.join(
    ',',
  )}]}`;
}
