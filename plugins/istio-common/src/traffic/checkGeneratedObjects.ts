import { analyzeMesh } from '../analysis/analyzeMesh';
import { Finding } from '../model/findings';
import { MeshConfig } from '../model/meshConfig';
import { KubeObject } from '../model/resources';
import { SnapshotProblem, toMeshResource } from '../model/snapshot';

/**
 * Findings that only say a referenced object (a Service, pods, a gateway's
 * pods) was not among the objects analysed. Without the cluster's objects
 * the reference may well exist, so these cannot block on their own.
 * @public
 */
export const REFERENCE_FINDING_CODES: ReadonlySet<string> = new Set([
  'IST0101',
  'IST0127',
  'IST0162',
  'IST0173',
  'IST0174',
]);

/** Options for {@link checkGeneratedObjects}. @public */
export interface GeneratedObjectsCheckOptions {
  /**
   * True when `context` holds everything the generated objects reference
   * (their Services, workloads, gateways): reference findings then block too.
   */
  contextComplete?: boolean;
  meshConfig?: MeshConfig;
}

/** What the engine says about generated objects. @public */
export interface GeneratedObjectsCheck {
  /**
   * Findings about the generated objects, and findings about context
   * objects that only appear once the generated objects are added.
   */
  findings: Finding[];
  /** Error findings that must stop the objects from being written. */
  blocking: Finding[];
  /** Error findings about references the context could not confirm. */
  unverified: Finding[];
  /** Generated objects the engine could not read. */
  problems: SnapshotProblem[];
}

/**
 * Runs the engine over generated objects, together with the objects they
 * will live next to, and keeps the findings the generated ones cause.
 * @public
 */
export function checkGeneratedObjects(
  objects: ReadonlyArray<KubeObject>,
  context: ReadonlyArray<KubeObject> = [],
  options: GeneratedObjectsCheckOptions = {},
): GeneratedObjectsCheck {
  const keyOf = (object: KubeObject) => {
    const resource = toMeshResource(object);
    return resource && !('problem' in resource)
      ? `${resource.kind}/${resource.namespace}/${resource.name}`
      : undefined;
  };
  const generated = new Set<string>();
  for (const object of objects) {
    const key = keyOf(object);
    if (key) generated.add(key);
  }
  // Generated objects replace same-named context objects, as applying them
  // would (a previous run's output, an older version of the same policy).
  const kept = context.filter(object => {
    const key = keyOf(object);
    return !key || !generated.has(key);
  });
  const report = analyzeMesh([...kept, ...objects], {
    meshConfig: options.meshConfig,
  });
  // A finding about a context object counts only when the generated
  // objects caused it: it is absent when the context is analysed alone.
  const findingKey = (f: Finding) => `${f.code}|${f.resource}`;
  const before = kept.length
    ? new Set(
        analyzeMesh(kept, { meshConfig: options.meshConfig }).findings.map(
          findingKey,
        ),
      )
    : new Set<string>();
  const findings = report.findings.filter(
    f =>
      generated.has(`${f.ref.kind}/${f.ref.namespace}/${f.ref.name}`) ||
      !before.has(findingKey(f)),
  );
  const blocking: Finding[] = [];
  const unverified: Finding[] = [];
  for (const f of findings) {
    if (f.severity !== 'Error') continue;
    if (!options.contextComplete && REFERENCE_FINDING_CODES.has(f.code))
      unverified.push(f);
    else blocking.push(f);
  }
  const problems = report.problems
    .filter(p => p.index >= kept.length)
    .map(p => ({ ...p, index: p.index - kept.length }));
  return { findings, blocking, unverified, problems };
}
