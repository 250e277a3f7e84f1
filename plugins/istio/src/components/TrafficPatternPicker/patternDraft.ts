import { parseEntityRef } from '@backstage/catalog-model';
import {
  TrafficPattern,
  WeightedDestination,
} from '@meshportal/plugin-istio-common';
import { rebalanceWeights } from './weights';

/** The pattern names and how the picker shows them. */
export const PATTERN_LABELS: Record<TrafficPattern['type'], string> = {
  canary: 'Canary (weighted shifting)',
  'blue-green': 'Blue-green cutover',
  'header-routing': 'Header routing (dark launch)',
  mirror: 'Traffic mirroring',
  'tcp-shift': 'TCP weighted shifting',
};

/** What the template's other fields tell the picker about the service. */
export interface PatternTarget {
  service?: string;
  namespace?: string;
  port?: number;
  versionLabel?: string;
  versions: string[];
  resilience?: Record<string, unknown>;
  exposure?: Record<string, unknown>;
}

const text = (value: unknown) =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;
const record = (value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

function entityName(ref: unknown): string | undefined {
  const value = text(ref);
  if (!value) return undefined;
  try {
    return parseEntityRef(value).name;
  } catch {
    return undefined;
  }
}

/**
 * Reads the service, namespace and versions from the form's other fields,
 * named as in the istio-traffic-pattern template: `versions`, or
 * `stableVersion` and `newVersion`; `service`, or the name of `entity`.
 */
export function patternTarget(formData: unknown): PatternTarget {
  const data = record(formData) ?? {};
  const listed = Array.isArray(data.versions)
    ? data.versions.map(text)
    : [text(data.stableVersion), text(data.newVersion)];
  const versions = [...new Set(listed.filter((v): v is string => !!v))];
  return {
    service: text(data.service) ?? entityName(data.entity),
    namespace: text(data.namespace),
    port: typeof data.port === 'number' ? data.port : undefined,
    versionLabel: text(data.versionLabel),
    versions,
    resilience: record(data.resilience),
    exposure: record(data.exposure),
  };
}

/** A pattern of the given type that sends 90% (or everything) to the first version. */
export function defaultPattern(
  type: TrafficPattern['type'],
  versions: string[],
): TrafficPattern {
  const stable = versions[0] ?? 'v1';
  const next = versions[1] ?? (versions[0] ? `${versions[0]}-next` : 'v2');
  const all = versions.length >= 2 ? versions : [stable, next];
  const weights = rebalanceWeights(
    all.map((_, i) => (i === 0 ? 100 : 0)),
    all.length - 1,
    10,
  );
  const routes = all.map((subset, i) => ({ subset, weight: weights[i] }));
  switch (type) {
    case 'blue-green':
      return { type, active: next, idle: stable };
    case 'header-routing':
      return {
        type,
        rules: [
          {
            name: 'dark-launch',
            headers: [{ name: 'x-canary', match: 'exact', value: 'true' }],
            subset: next,
          },
        ],
        defaultSubset: stable,
      };
    case 'mirror':
      return { type, subset: stable, mirrorSubset: next, percentage: 100 };
    case 'tcp-shift':
      return { type, routes };
    default:
      return { type: 'canary', steps: [routes] };
  }
}

/** The weighted routes the sliders edit, for canary and TCP shifting. */
export function weightedRoutes(
  pattern: TrafficPattern,
): WeightedDestination[] | undefined {
  if (pattern.type === 'canary')
    return pattern.steps[pattern.step ?? 0] ?? pattern.steps[0];
  if (pattern.type === 'tcp-shift') return pattern.routes;
  return undefined;
}

/** The pattern with new weighted routes (the canary's current step). */
export function withRoutes(
  pattern: TrafficPattern,
  routes: WeightedDestination[],
): TrafficPattern {
  if (pattern.type === 'tcp-shift') return { ...pattern, routes };
  if (pattern.type === 'canary') {
    const at = pattern.step ?? 0;
    return {
      ...pattern,
      steps: pattern.steps.map((s, i) => (i === at ? routes : s)),
    };
  }
  return pattern;
}

function subsetsOf(pattern: TrafficPattern): string[] {
  switch (pattern.type) {
    case 'canary':
      return pattern.steps.flat().map(r => r.subset);
    case 'tcp-shift':
      return pattern.routes.map(r => r.subset);
    case 'blue-green':
      return [pattern.active, pattern.idle];
    case 'header-routing':
      return [pattern.defaultSubset, ...pattern.rules.map(r => r.subset)];
    default:
      return [pattern.subset, pattern.mirrorSubset];
  }
}

/**
 * Whether a saved pattern still names exactly the form's versions; when the
 * versions change, the picker starts over from the default of the same type.
 */
export function fitsVersions(
  pattern: TrafficPattern,
  versions: string[],
): boolean {
  const used = subsetsOf(pattern);
  if (!used.every(s => versions.includes(s))) return false;
  const routes = weightedRoutes(pattern);
  return !routes || routes.length === versions.length;
}

/** Whether a form value is a pattern the picker can edit. */
export function isPattern(value: unknown): value is TrafficPattern {
  const type = record(value)?.type;
  return typeof type === 'string' && type in PATTERN_LABELS;
}

/** The `istio:traffic:generate` input the preview is generated from. */
export function previewInput(target: PatternTarget, pattern: TrafficPattern) {
  return {
    service: target.service,
    namespace: target.namespace,
    port: target.port,
    versionLabel: target.versionLabel,
    versions: target.versions,
    pattern,
    resilience: target.resilience,
    // The template does not pass exposure to TCP shifting.
    exposure: pattern.type === 'tcp-shift' ? undefined : target.exposure,
  };
}
