import { InputError } from '@backstage/errors';

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
    throw new InputError(
      `invalid label key "${shown(key)}" in selector "${shown(selector)}"`,
    );
  }
}

function checkValue(value: string, selector: string) {
  if (!VALUE.test(value)) {
    throw new InputError(
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
      throw new InputError(
        `unbalanced parentheses in selector "${shown(selector)}"`,
      );
    }
  }
  if (depth !== 0) {
    throw new InputError(
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
 * Throws InputError on anything else.
 * @public
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (!selector.trim()) return [];
  return splitTerms(selector).map(term => {
    if (!term)
      throw new InputError(`empty term in selector "${shown(selector)}"`);
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

/**
 * Items (workloads, Services) indexed by their labels, so a selector with
 * an equality or `in` term looks at the few items carrying one of its
 * values instead of every item of the cluster. An item may be indexed
 * under several label sets (a controller's own labels and its pod
 * template's): it matches when any of them satisfies the selector.
 * @public
 */
export class LabelIndex<T> {
  private readonly items: Array<{
    item: T;
    labelSets: Record<string, string>[];
  }> = [];
  private readonly byLabel = new Map<string, number[]>();

  add(item: T, labelSets: Record<string, string>[]): void {
    const position = this.items.length;
    this.items.push({ item, labelSets });
    const keys = new Set<string>();
    for (const labels of labelSets) {
      for (const [key, value] of Object.entries(labels)) {
        keys.add(`${key}=${value}`);
      }
    }
    for (const key of keys) {
      const list = this.byLabel.get(key);
      if (list) list.push(position);
      else this.byLabel.set(key, [position]);
    }
  }

  /** The items one of whose label sets satisfies every requirement, in insertion order. */
  select(
    requirements: LabelRequirement[],
    accept: (item: T) => boolean = () => true,
  ): T[] {
    const narrowing = requirements.find(r => r.operator === 'in') as
      | { key: string; values: string[] }
      | undefined;
    let positions: Iterable<number>;
    if (narrowing) {
      const found = new Set<number>();
      for (const value of narrowing.values) {
        for (const p of this.byLabel.get(`${narrowing.key}=${value}`) ?? []) {
          found.add(p);
        }
      }
      positions = [...found].sort((a, b) => a - b);
    } else {
      positions = this.items.keys();
    }
    const selected: T[] = [];
    for (const p of positions) {
      const { item, labelSets } = this.items[p];
      if (
        accept(item) &&
        labelSets.some(labels => labelsMatch(requirements, labels))
      ) {
        selected.push(item);
      }
    }
    return selected;
  }
}
