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
