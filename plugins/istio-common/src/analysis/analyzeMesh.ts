import { KubeObject } from '../model/resources';
import { MeshConfig } from '../model/meshConfig';
import { FindingDefinition, SEVERITY_RANK } from '../model/findings';
import { SnapshotOptions, buildSnapshot, MeshSnapshot } from '../model/snapshot';
import { Analyzer, AnalysisContext, MeshPosture, MeshReport } from './types';
import { istioctlAnalyzers } from '../analyzers/istioctl';
import { meshAnalyzers } from '../analyzers/mesh';
import { computePosture } from '../posture/computePosture';

/** Every analyzer the engine runs by default. @public */
export const ALL_ANALYZERS: ReadonlyArray<Analyzer> = [...istioctlAnalyzers, ...meshAnalyzers];

/** Every finding the engine can report, from the analyzers themselves. @public */
export const FINDING_CATALOGUE: ReadonlyArray<FindingDefinition> = ALL_ANALYZERS.flatMap(
  a => a.definitions,
);

/** Options for {@link analyzeMesh}. @public */
export interface AnalyzeOptions extends Omit<SnapshotOptions, 'meshConfig'> {
  meshConfig?: MeshConfig;
  /** Run only these analyzers (by name); all by default. */
  analyzers?: string[];
}

/**
 * Runs analyzers over an already built snapshot. Analyzers declaring an
 * input the snapshot does not observe (a kind its source did not read) are
 * skipped, as istioctl skips analyzers whose inputs it lacks.
 * @public
 */
export function analyzeSnapshot(
  snapshot: MeshSnapshot,
  analyzerNames?: string[],
): Omit<MeshReport, 'problems'> {
  let posture: MeshPosture | undefined;
  const context: AnalysisContext = {
    snapshot,
    get posture() {
      return (posture ??= computePosture(snapshot));
    },
  };
  const selected = (
    analyzerNames
      ? ALL_ANALYZERS.filter(a => analyzerNames.includes(a.name))
      : ALL_ANALYZERS
  ).filter(a => (a.inputs ?? []).every(kind => snapshot.observes(kind)));
  const findings = selected.flatMap(a => a.analyze(context));
  findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.ref.namespace.localeCompare(b.ref.namespace) ||
      a.resource.localeCompare(b.resource) ||
      a.code.localeCompare(b.code),
  );
  const { workloads, clientTls } = context.posture;
  return { workloads, clientTls, findings };
}

/**
 * The engine's entry point: what Istio would do for every workload of these
 * objects, and what is wrong. Pure: no I/O, safe in the browser.
 * @public
 */
export function analyzeMesh(
  objects: ReadonlyArray<KubeObject>,
  options: AnalyzeOptions = {},
): MeshReport {
  const { snapshot, problems } = buildSnapshot(objects, options);
  return { ...analyzeSnapshot(snapshot, options.analyzers), problems };
}
