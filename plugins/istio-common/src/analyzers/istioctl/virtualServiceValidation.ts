import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { list } from './specFields';

/**
 * One unused rule or match, in the terms Istio's validation uses: rules and
 * matches are `"name"` or `#index`.
 * @public
 */
export type RuleProblem =
  | { kind: 'unreachable'; rule: string; reason: string }
  /** The match repeats one of an earlier rule. */
  | { kind: 'duplicate'; rule: string; match: string; earlierRule: string }
  /** An earlier match's URI prefix (and conditions) covers this one's. */
  | {
      kind: 'covered';
      rule: string;
      match: string;
      prefix: string;
      earlierRule: string;
      earlierMatch: string;
      earlierPrefix: string;
    };

type RouteKind = 'http' | 'tcp' | 'tls';

/**
 * A match written the way Istio compares them: keys sorted, unset values
 * (false, 0, "", empty lists) dropped, and for HTTP the match's `name`
 * left out, since it does not change which requests match.
 */
function matchKey(match: unknown, kind: RouteKind): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value))
      return value.length > 0 ? value.map(canonical) : undefined;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        const v = canonical((value as Record<string, unknown>)[key]);
        if (v === undefined) continue;
        out[key] = v;
      }
      return out;
    }
    if (value === null || value === false || value === 0 || value === '')
      return undefined;
    return value;
  };
  let value = match;
  if (kind === 'http' && match && typeof match === 'object') {
    const { name: _name, ...rest } = match as Record<string, unknown>;
    value = rest;
  }
  return JSON.stringify(canonical(value) ?? null);
}

/** `"name"` for named HTTP rules and matches, else `#index` (Istio's wording). */
function label(item: any, index: number, kind: RouteKind): string {
  return kind === 'http' && typeof item?.name === 'string' && item.name !== ''
    ? JSON.stringify(item.name)
    : `#${index}`;
}

/** What Istio's prefix-overlap check reads of an HTTP match with a URI prefix. */
interface PrefixMatch {
  rule: string;
  match: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Record<string, string>;
  queryParams: Record<string, string>;
  withoutHeaders: Record<string, string>;
}

function stringMatch(value: any): string {
  if (typeof value?.exact === 'string' && value.exact !== '')
    return `exact:${value.exact}`;
  if (typeof value?.prefix === 'string' && value.prefix !== '')
    return `prefix:${value.prefix}`;
  return '';
}

function stringMatches(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [key, v] of Object.entries(value)) out[key] = stringMatch(v);
  return out;
}

function prefixMatch(
  match: any,
  rule: string,
  matchLabel: string,
): PrefixMatch | undefined {
  const prefix = match?.uri?.prefix;
  if (typeof prefix !== 'string' || prefix === '') return undefined;
  return {
    rule,
    match: matchLabel,
    prefix,
    port: Number(match.port ?? 0),
    // A match without a method is compared as a GET (as Istio does).
    method: stringMatch(match.method) || 'exact:GET',
    authority: stringMatch(match.authority),
    headers: stringMatches(match.headers),
    queryParams: stringMatches(match.queryParams),
    withoutHeaders: stringMatches(match.withoutHeaders),
  };
}

/** Istio's comparison of two conditions maps: same keys, values equal or `a`'s extending `b`'s. */
function conditionsCovered(
  a: Record<string, string>,
  b: Record<string, string>,
): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(k => k in b && (a[k] === b[k] || a[k].startsWith(b[k])));
}

/**
 * Whether the earlier prefix match `a` takes every request of the later
 * `b`, following Istio's `coveredValidation`, including its direction of
 * the method, authority and header comparisons.
 */
function prefixCovers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority))
    return false;
  return (
    conditionsCovered(a.headers, b.headers) &&
    conditionsCovered(a.queryParams, b.queryParams) &&
    conditionsCovered(a.withoutHeaders, b.withoutHeaders)
  );
}

/**
 * The rules and matches of one route list (`http`, `tcp` or `tls`) that can
 * never be used, as Istio's VirtualService validation finds them: rules after
 * a rule without matches, rules whose matches all repeat earlier ones,
 * repeated matches, and (HTTP) URI prefix matches an earlier one covers.
 * @public
 */
export function unusedRouteRules(
  routes: ReadonlyArray<unknown>,
  kind: RouteKind,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Map<string, number>();
  const prefixMatches: PrefixMatch[] = [];
  let catchAll = -1;
  routes.forEach((route: any, index) => {
    if (!route || typeof route !== 'object') return;
    const rule = label(route, index, kind);
    const matches = list(route.match);
    if (matches.length === 0) {
      if (catchAll >= 0) {
        problems.push({
          kind: 'unreachable',
          rule,
          reason: 'only the last rule can have no matches',
        });
      }
      catchAll = index;
      return;
    }
    let repeated = 0;
    matches.forEach((match, matchIndex) => {
      if (catchAll >= 0) {
        problems.push({
          kind: 'unreachable',
          rule,
          reason: 'route without matches defined before',
        });
        return;
      }
      const key = matchKey(match, kind);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problems.push({
          kind: 'duplicate',
          rule,
          match: label(match, matchIndex, kind),
          earlierRule: label(routes[earlier], earlier, kind),
        });
        repeated++;
        return;
      }
      seen.set(key, index);
      if (kind === 'http') {
        const prefix = prefixMatch(match, rule, label(match, matchIndex, kind));
        if (prefix) prefixMatches.push(prefix);
      }
    });
    if (repeated === matches.length) {
      problems.push({
        kind: 'unreachable',
        rule,
        reason: 'all matches used by prior rules',
      });
    }
  });
  prefixMatches.forEach((a, i) => {
    for (const b of prefixMatches.slice(i + 1)) {
      if (b.prefix === a.prefix) continue; // equal prefixes were compared above
      if (!prefixCovers(a, b)) continue;
      problems.push({
        kind: 'covered',
        rule: b.rule,
        match: b.match,
        prefix: b.prefix,
        earlierRule: a.rule,
        earlierMatch: a.match,
        earlierPrefix: a.prefix,
      });
    }
  });
  return problems;
}

const defs = definitionsFor('schema.ValidationAnalyzer.VirtualService', [
  'IST0130',
  'IST0131',
]);

function findingFor(vs: MeshResource, kind: RouteKind, problem: RuleProblem) {
  const where = `VirtualService ${vs.namespace}/${vs.name}`;
  const edit = `kubectl edit virtualservice ${vs.name}${kubectlNamespace(vs)}`;
  if (problem.kind === 'unreachable') {
    return report(
      defs,
      'IST0130',
      vs,
      `${kind} rule ${problem.rule} of ${where} is never used (${problem.reason}).`,
      `Remove the rule, merge it into the earlier one, or give it matches that no earlier rule has; a rule without matches belongs last:\n${edit}`,
    );
  }
  if (problem.kind === 'duplicate') {
    return report(
      defs,
      'IST0131',
      vs,
      `Match ${problem.match} of ${kind} rule ${problem.rule} of ${where} is never used: earlier rule ${problem.earlierRule} has the same match and takes those requests first.`,
      `Remove the repeated match, or merge the two rules:\n${edit}`,
    );
  }
  return report(
    defs,
    'IST0131',
    vs,
    `Match ${problem.match} (URI prefix ${problem.prefix}) of ${kind} rule ${problem.rule} of ${where} is never used: match ${problem.earlierMatch} (URI prefix ${problem.earlierPrefix}) of rule ${problem.earlierRule} comes first and takes all of its requests.`,
    `Put the more specific match in a rule before the broader one, or remove it:\n${edit}`,
  );
}

/**
 * `schema.ValidationAnalyzer.VirtualService`, the part of Istio's
 * VirtualService validation that istioctl reports as messages of their own:
 * unreachable rules (IST0130) and ineffective matches (IST0131). Schema
 * errors and warnings (IST0106, IST0133) are not reproduced.
 * @public
 */
export const virtualServiceValidationAnalyzer: Analyzer = {
  name: 'schema.ValidationAnalyzer.VirtualService',
  definitions: defs,
  inputs: ['VirtualService'],
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    for (const vs of snapshot.all('VirtualService')) {
      const messages = new Set<string>();
      for (const kind of ['http', 'tcp', 'tls'] as const) {
        for (const problem of unusedRouteRules(list(vs.spec[kind]), kind)) {
          const finding = findingFor(vs, kind, problem);
          // One rule with several matches after a catch-all gives the same
          // message per match; istioctl prints it once.
          if (messages.has(finding.message)) continue;
          messages.add(finding.message);
          findings.push(finding);
        }
      }
    }
    return findings;
  },
};
