import {
  InboundTraffic,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import {
  TelemetryService,
  callersBySource,
} from '../telemetry/TelemetryService';

/** The traffic of an entity's workloads in one cluster, as one answer. */
export async function entityTraffic(
  telemetry: TelemetryService,
  cluster: string,
  workloads: WorkloadPosture[],
): Promise<InboundTraffic> {
  const results = await Promise.all(
    workloads.map(w =>
      telemetry.inbound(cluster, {
        namespace: w.namespace,
        workload: w.name,
      }),
    ),
  );
  if (!results.length) return telemetry.none(cluster);
  const failed = results.find(r => !r.available);
  if (failed) return failed;
  const callers = results.flatMap(r => r.callers);
  return {
    available: true,
    window: results[0].window,
    windowSeconds: results[0].windowSeconds,
    // The oldest answer: what all of them cover.
    observedAt: results
      .map(r => r.observedAt)
      .reduce((a, b) => (a && b && b < a ? b : a)),
    callers,
    sources: callersBySource(callers),
    evidence: results.flatMap(r => r.evidence ?? []),
  };
}
