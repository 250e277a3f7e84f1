import { MeshResource } from './resources';
import { resourceName } from './snapshot';

/** @public */
export type Severity = 'Error' | 'Warning' | 'Info';

/** Severity order for sorting and `--fail-on`. @public */
export const SEVERITY_RANK: Record<Severity, number> = {
  Error: 3,
  Warning: 2,
  Info: 1,
};

/**
 * One thing that is wrong, in istioctl analyze's vocabulary.
 * @public
 */
export interface Finding {
  /** `IST0xxx` for istioctl-compatible checks, `MESHxxx` for this project's own. */
  code: string;
  /** Upstream message name, e.g. `PodMissingProxy`. */
  name: string;
  /** The analyzer that produced it, e.g. `injection.Analyzer`. */
  analyzer: string;
  severity: Severity;
  /** `<Kind> <namespace>/<name>` or `<Kind> <name>`, as istioctl prints it. */
  resource: string;
  message: string;
  /** What to change: a command or a YAML snippet. */
  remediation: string;
  /** The object the finding is about, for grouping by namespace and entity. */
  ref: { kind: string; namespace: string; name: string };
  /** File and line (or cluster) the object came from. */
  origin?: { file?: string; line?: number; cluster?: string };
}

/**
 * One entry of the finding catalogue: everything about a code that does not
 * depend on the objects, so docs and UIs read the same source as the engine.
 * @public
 */
export interface FindingDefinition {
  code: string;
  name: string;
  analyzer: string;
  severity: Severity;
  /** Why it matters, in a sentence or two. */
  description: string;
}

/**
 * A finding about one object: the catalogue entry's identity, the istioctl
 * resource string, and where the object came from.
 * @public
 */
export function findingAbout(
  definition: FindingDefinition,
  resource: MeshResource,
  message: string,
  remediation: string,
): Finding {
  return {
    code: definition.code,
    name: definition.name,
    analyzer: definition.analyzer,
    severity: definition.severity,
    resource: resourceName(resource),
    message,
    remediation,
    ref: {
      kind: resource.kind,
      namespace: resource.namespace,
      name: resource.name,
    },
    ...(resource.origin ? { origin: resource.origin } : {}),
  };
}
