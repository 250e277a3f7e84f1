import { Analyzer, AnalysisContext } from '../../analysis/types';
import { Finding, findingAbout } from '../../model/findings';
import {
  HttpRoute,
  MeshResource,
  VirtualServiceSpec,
} from '../../model/resources';
import { MeshSnapshot } from '../../model/snapshot';
import { namespaceOfHost, resolveHost } from '../../posture/meshIndex';
import {
  TRAFFIC_PATTERN_ANALYZER,
  TRAFFIC_PATTERN_DEFINITIONS as DEFS,
} from './definitions';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A protobuf/Go duration (`1.5s`, `300ms`, `1m30s`) in milliseconds, or
 * undefined when it is not one.
 * @public
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let total = 0;
  let rest = value;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
    rest = rest.slice(match[0].length);
  }
  return total;
}

const isPercent = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100;

function vsPatch(vs: MeshResource, ops: object[]): string {
  return `kubectl -n ${vs.namespace} patch virtualservice ${
    vs.name
  } --type=json -p '${JSON.stringify(ops)}'`;
}

/** Weights summing to 100, proportional to the current ones (equal when none are usable). */
function balancedWeights(weights: Array<number | undefined>): number[] {
  const usable = weights.map(w =>
    typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : 0,
  );
  const sum = usable.reduce((a, b) => a + b, 0);
  const shares =
    sum > 0
      ? usable.map(w => (w * 100) / sum)
      : usable.map(() => 100 / usable.length);
  const floors = shares.map(Math.floor);
  let left = 100 - floors.reduce((a, b) => a + b, 0);
  const order = shares
    .map((s, i) => [s - floors[i], i])
    .sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    floors[i]++;
  }
  return floors;
}

type RouteSection = 'http' | 'tcp' | 'tls';

/** MESH101: canary weights. */
function checkWeights(vs: MeshResource<VirtualServiceSpec>): Finding[] {
  const findings: Finding[] = [];
  for (const section of ['http', 'tcp', 'tls'] as RouteSection[]) {
    const rules = vs.spec?.[section];
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, i) => {
      const route = rule?.route;
      if (!Array.isArray(route) || route.length === 0) return;
      const weights = route.map(d => d?.weight);
      const numeric = (w: unknown): w is number =>
        typeof w === 'number' && Number.isFinite(w);
      const rejected = weights.filter(
        w => w !== undefined && (!numeric(w) || w < 0),
      );
      const unusual = weights.filter(
        w => numeric(w) && w >= 0 && (w > 100 || !Number.isInteger(w)),
      );
      const total = weights.reduce<number>(
        (sum, w) => sum + (numeric(w) && w > 0 ? w : 0),
        0,
      );
      const several = route.length > 1;
      const problems: string[] = [];
      if (rejected.length > 0) {
        problems.push(
          `weight ${rejected
            .map(w => JSON.stringify(w))
            .join(
              ', ',
            )} is not a non-negative number: Istio rejects the VirtualService`,
        );
      }
      if (several && total === 0) {
        problems.push(
          'no destination has a weight: Istio rejects the VirtualService (total destination weight = 0)',
        );
      } else if (several && total !== 100) {
        // Istio passes weights on as relative shares.
        const shares = weights.map(w =>
          numeric(w) && w > 0
            ? `${Math.round((w * 1000) / total) / 10}%`
            : '0%',
        );
        problems.push(
          `the weights sum to ${total}, not 100; Istio treats them as relative, so the destinations get ${shares.join(
            ', ',
          )} of the traffic`,
        );
      }
      if (unusual.length > 0) {
        problems.push(
          `weight ${unusual.join(', ')} is not an integer from 0 to 100`,
        );
      }
      if (problems.length === 0) return;
      const fixed = balancedWeights(weights);
      findings.push(
        findingAbout(
          DEFS.MESH101,
          vs,
          `VirtualService ${vs.namespace}/${
            vs.name
          } ${section}[${i}]: ${problems.join('; ')}.`,
          `Set weights that sum to 100, for example:\n${vsPatch(
            vs,
            route.map((_, j) => ({
              op: 'add',
              path: `/spec/${section}/${i}/route/${j}/weight`,
              value: fixed[j],
            })),
          )}`,
        ),
      );
    });
  }
  return findings;
}

function productionNamespaces(snapshot: MeshSnapshot): Set<string> {
  const production = new Set<string>();
  for (const ns of snapshot.all('Namespace')) {
    if (
      ns.labels['meshportal.io/environment'] === 'production' ||
      ns.labels.environment === 'production'
    ) {
      production.add(ns.name);
    }
  }
  return production;
}

function httpRoutes(vs: MeshResource<VirtualServiceSpec>): HttpRoute[] {
  return Array.isArray(vs.spec?.http)
    ? vs.spec.http.filter(r => r && typeof r === 'object')
    : [];
}

/** MESH102: fault injection toward production. */
function checkFaults(
  vs: MeshResource<VirtualServiceSpec>,
  production: Set<string>,
  clusterDomain: string,
): Finding[] {
  if (production.size === 0) return [];
  const faulty: number[] = [];
  const touched = new Set<string>();
  (Array.isArray(vs.spec?.http) ? vs.spec.http : []).forEach((route, i) => {
    const fault = route?.fault;
    if (!fault || typeof fault !== 'object' || (!fault.delay && !fault.abort))
      return;
    const namespaces = new Set([vs.namespace]);
    for (const d of Array.isArray(route.route) ? route.route : []) {
      const host =
        typeof d?.destination?.host === 'string' ? d.destination.host : '';
      const ns = namespaceOfHost(
        resolveHost(host, vs.namespace, clusterDomain),
        clusterDomain,
      );
      if (ns) namespaces.add(ns);
    }
    const hit = [...namespaces].filter(ns => production.has(ns));
    if (hit.length === 0) return;
    faulty.push(i);
    hit.forEach(ns => touched.add(ns));
  });
  if (faulty.length === 0) return [];
  return [
    findingAbout(
      DEFS.MESH102,
      vs,
      `VirtualService ${vs.namespace}/${
        vs.name
      } injects faults (http[${faulty.join(
        '], http[',
      )}]) into traffic of production namespace ${[...touched].join(', ')}.`,
      `Remove the fault injection (keep it in test namespaces):\n${vsPatch(
        vs,
        faulty.map(i => ({ op: 'remove', path: `/spec/http/${i}/fault` })),
      )}`,
    ),
  ];
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0
    ? `${ms / 1000}s`
    : `${Math.max(1, Math.round(ms))}ms`;
}

/** MESH103: retries that cannot help. */
function checkRetries(vs: MeshResource<VirtualServiceSpec>): Finding[] {
  const findings: Finding[] = [];
  httpRoutes(vs).forEach((route, i) => {
    const retries = route.retries;
    if (!retries || typeof retries !== 'object') return;
    const attempts =
      typeof retries.attempts === 'number' ? retries.attempts : undefined;
    if (attempts !== undefined && attempts <= 0) return;
    const timeout = parseDuration(route.timeout);
    let problem: string | undefined;
    if (retries.perTryTimeout === undefined) {
      problem =
        'retries have no perTryTimeout, so one hung attempt uses the whole request timeout';
    } else {
      const perTry = parseDuration(retries.perTryTimeout);
      if (perTry === undefined) {
        problem = `perTryTimeout ${JSON.stringify(
          retries.perTryTimeout,
        )} is not a duration`;
      } else if (timeout !== undefined && timeout > 0 && perTry >= timeout) {
        problem = `perTryTimeout ${retries.perTryTimeout} is not shorter than the route timeout ${route.timeout}, so no retry fits in the budget`;
      }
    }
    if (!problem) return;
    const tries = (attempts ?? 2) + 1;
    const suggested =
      timeout !== undefined && timeout > 0 ? formatMs(timeout / tries) : '2s';
    findings.push(
      findingAbout(
        DEFS.MESH103,
        vs,
        `VirtualService ${vs.namespace}/${vs.name} http[${i}]: ${problem}.`,
        `Give each attempt its own timeout:\n${vsPatch(vs, [
          {
            op: 'add',
            path: `/spec/http/${i}/retries/perTryTimeout`,
            value: suggested,
          },
        ])}`,
      ),
    );
  });
  return findings;
}

/** MESH104: mirror percentages that do not mean what they say. */
function checkMirrors(vs: MeshResource<VirtualServiceSpec>): Finding[] {
  const findings: Finding[] = [];
  httpRoutes(vs).forEach((route, i) => {
    const problems: string[] = [];
    const ops: object[] = [];
    const mirrors = Array.isArray(route.mirrors) ? route.mirrors : [];
    const percentage = route.mirrorPercentage;
    if (percentage !== undefined) {
      if (!route.mirror && mirrors.length === 0) {
        problems.push(
          'mirrorPercentage is set but there is no mirror destination',
        );
        ops.push({ op: 'remove', path: `/spec/http/${i}/mirrorPercentage` });
      } else if (!isPercent(percentage?.value)) {
        problems.push(
          `mirrorPercentage ${JSON.stringify(
            percentage?.value,
          )} is not from 0 to 100`,
        );
        ops.push({
          op: 'add',
          path: `/spec/http/${i}/mirrorPercentage`,
          value: { value: 10 },
        });
      }
    }
    mirrors.forEach((mirror, j) => {
      const value = mirror?.percentage?.value;
      if (mirror?.percentage !== undefined && !isPercent(value)) {
        problems.push(
          `mirrors[${j}].percentage ${JSON.stringify(
            value,
          )} is not from 0 to 100`,
        );
        ops.push({
          op: 'add',
          path: `/spec/http/${i}/mirrors/${j}/percentage`,
          value: { value: 10 },
        });
      }
    });
    if (problems.length === 0) return;
    findings.push(
      findingAbout(
        DEFS.MESH104,
        vs,
        `VirtualService ${vs.namespace}/${vs.name} http[${i}]: ${problems.join(
          '; ',
        )}.`,
        `Mirror a share from 0 to 100 percent (10 below as an example) to an existing destination:\n${vsPatch(
          vs,
          ops,
        )}`,
      ),
    );
  });
  return findings;
}

/**
 * `traffic.PatternAnalyzer`: canary weights, fault injection in production,
 * retries without per-try timeouts, mirror percentages.
 * @public
 */
export const trafficPatternAnalyzer: Analyzer = {
  name: TRAFFIC_PATTERN_ANALYZER,
  definitions: Object.values(DEFS),
  analyze(context: AnalysisContext): Finding[] {
    const { snapshot } = context;
    const production = productionNamespaces(snapshot);
    return (
      snapshot.all('VirtualService') as MeshResource<VirtualServiceSpec>[]
    ).flatMap(vs => [
      ...checkWeights(vs),
      ...checkFaults(vs, production, snapshot.clusterDomain),
      ...checkRetries(vs),
      ...checkMirrors(vs),
    ]);
  },
};
