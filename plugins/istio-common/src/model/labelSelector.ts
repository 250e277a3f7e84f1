/*
 * Kubernetes label selectors in their string form (`a=b,c in (x,y),!d`), as
 * the API server's `labelSelector` parameter and Backstage's
 * `backstage.io/kubernetes-label-selector` annotation hold them.
 */

/** A selector Kubernetes would reject. @public */
export class LabelSelectorError extends Error {
  name = 'LabelSelectorError';
}

/** One requirement of a Kubernetes label selector. @public */
export type LabelRequirement =
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | 'doesnotexist' };

// A qualified label key: optional DNS prefix, then a name of up to 63 chars.
const KEY =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(|[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** An annotation may be huge: messages quote at most its first 100 characters. */
function shown(text: string): string {
  return text.length > 100
    ? `${text.slice(0, 100)}… (${text.length} characters)`
    : text;
}

function checkKey(key: string, selector: string) {
  if (!KEY.test(key)) {
    throw new LabelSelectorError(
      `invalid label key "${shown(key)}" in selector "${shown(selector)}"`,
    );
  }
}

function checkValue(value: string, selector: string) {
  if (!VALUE.test(value)) {
    throw new LabelSelectorError(
      `invalid label value "${shown(value)}" in selector "${shown(selector)}"`,
    );
  }
}

/** Splits on commas that are not inside a `( ... )` value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
    if (depth < 0 || depth > 1) {
      throw new LabelSelectorError(
        `unbalanced parentheses in selector "${shown(selector)}"`,
      );
    }
  }
  if (depth !== 0) {
    throw new LabelSelectorError(
      `unbalanced parentheses in selector "${shown(selector)}"`,
    );
  }
  terms.push(selector.slice(start));
  return terms.map(t => t.trim());
}

/**
 * Parses the string form of a Kubernetes label selector, as the
 * `backstage.io/kubernetes-label-selector` annotation holds it:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, joined by commas.
 * Throws LabelSelectorError on anything else.
 * @public
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (!selector.trim()) return [];
  return splitTerms(selector).map(term => {
    if (!term)
      throw new LabelSelectorError(
        `empty term in selector "${shown(selector)}"`,
      );
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
    if (set) {
      const [, key, operator, list] = set;
      checkKey(key, selector);
      const values = list.split(',').map(v => v.trim());
      values.forEach(v => checkValue(v, selector));
      return { key, operator: operator as 'in' | 'notin', values };
    }
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (eq) {
      const [, key, op, value] = eq;
      checkKey(key, selector);
      checkValue(value, selector);
      return { key, operator: op === '!=' ? 'notin' : 'in', values: [value] };
    }
    if (term.startsWith('!')) {
      const key = term.slice(1).trim();
      checkKey(key, selector);
      return { key, operator: 'doesnotexist' };
    }
    checkKey(term, selector);
    return { key: term, operator: 'exists' };
  });
}

/**
 * Refuses a selector that names no label value to look for: one made only
 * of negations (`!a`, `a!=b`, `a notin (x)`) or bare keys (`a`) matches
 * nearly every object of a cluster, so an entity annotated with it would
 * claim (and show the manifests of) workloads that are not its own. At
 * least one equality (`a=b`, `a==b`) or set (`a in (x,y)`) requirement is
 * needed. Kept apart from {@link parseLabelSelector}, which follows the
 * API server's grammar and accepts such selectors.
 * Throws LabelSelectorError when no requirement selects by value.
 * @public
 */
export function assertSelectsByValue(
  requirements: LabelRequirement[],
  selector: string,
): void {
  if (requirements.some(r => r.operator === 'in')) return;
  throw new LabelSelectorError(
    `selector "${shown(
      selector,
    )}" has no equality (a=b) or set (a in (x,y)) requirement; it would select nearly every workload of a cluster`,
  );
}

/** True when the labels satisfy every requirement (Kubernetes semantics). @public */
export function labelsMatch(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      default:
        return false;
    }
  });
}

/**
 * A Kubernetes `LabelSelector` object as written in manifests
 * (`matchLabels` and `matchExpressions`).
 * @public
 */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key?: string;
    operator?: string;
    values?: string[];
  }>;
}

/**
 * Whether the labels satisfy a `LabelSelector` object, as the API server
 * judges webhook selectors: a missing selector matches everything, and so
 * does an empty one; an invalid one (unknown operator, `In` without
 * values...) matches nothing.
 * @public
 */
export function labelSelectorMatches(
  selector: LabelSelectorObject | null | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector || typeof selector !== 'object') return true;
  const matchLabels =
    selector.matchLabels && typeof selector.matchLabels === 'object'
      ? selector.matchLabels
      : {};
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== String(value)) return false;
  }
  const expressions = Array.isArray(selector.matchExpressions)
    ? selector.matchExpressions
    : [];
  for (const expression of expressions) {
    const key = String(expression?.key ?? '');
    const values = Array.isArray(expression?.values)
      ? expression.values.map(String)
      : [];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expression?.operator) {
      case 'In':
        if (values.length === 0 || !has || !values.includes(labels[key])) {
          return false;
        }
        break;
      case 'NotIn':
        if (values.length === 0) return false;
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (values.length > 0 || !has) return false;
        break;
      case 'DoesNotExist':
        if (values.length > 0 || has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
