/* Test-only: runs one analyzer through the engine, as users get it. */
import { analyzeMesh, AnalyzeOptions } from '../../../analysis/analyzeMesh';
import { Analyzer } from '../../../analysis/types';
import { Finding } from '../../../model/findings';
import { KubeObject } from '../../../model/resources';

/** The findings one analyzer reports for these objects. */
export function findingsOf(
  analyzer: Analyzer,
  objects: KubeObject[],
  options: Omit<AnalyzeOptions, 'analyzers'> = {},
): Finding[] {
  return analyzeMesh(objects, { ...options, analyzers: [analyzer.name] })
    .findings;
}

/** `code resource` of each finding, sorted, for compact expectations. */
export function codesOf(findings: Finding[]): string[] {
  return findings.map(f => `${f.code} ${f.resource}`).sort();
}

/** A Namespace object with these labels. */
export function namespace(
  name: string,
  labels: Record<string, string> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}
