/* Test-only: runs one analyzer through the engine's entry point. */
import { AnalyzeOptions, analyzeMesh } from '../../../analysis/analyzeMesh';
import { Finding } from '../../../model/findings';
import { KubeObject } from '../../../model/resources';

/** The findings `analyzer` reports for these objects, in the engine's order. */
export function findingsOf(
  analyzer: string,
  objects: KubeObject[],
  options: AnalyzeOptions = {},
): Finding[] {
  return analyzeMesh(objects, {
    ...options,
    analyzers: [analyzer],
  }).findings.filter(f => f.analyzer === analyzer);
}

/** `[code, resource]` of each finding, sorted: what most assertions compare. */
export function codesAndResources(findings: Finding[]): string[][] {
  return findings.map(f => [f.code, f.resource]).sort();
}
