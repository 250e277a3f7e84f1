/*
 * Label and field selectors in the query-string syntax the API server accepts.
 */

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists';
  values: string[];
}

/** A parsed selector: true when the object matches. */
export type ObjectFilter = (obj: any) => boolean;

/** Thrown for a selector the API server would reject with 400. */
export class SelectorError extends Error {}

// Splits on commas that are not inside an `in (...)` value list.
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
  }
  terms.push(selector.slice(start));
  return terms.map(t => t.trim()).filter(t => t.length > 0);
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

function checkKey(key: string, term: string): string {
  if (!KEY.test(key)) {
    throw new SelectorError(`unable to parse requirement: ${term}`);
  }
  return key;
}

function parseTerm(term: string): Requirement {
  let m = /^(.+?)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (m) {
    const values = m[3]
      .split(',')
      .map(v => v.trim())
      .filter(v => v.length > 0);
    return { key: checkKey(m[1].trim(), term), op: m[2] as 'in', values };
  }
  m = /^(.+?)\s*(==|!=|=)\s*(.*)$/.exec(term);
  if (m) {
    return {
      key: checkKey(m[1].trim(), term),
      op: m[2] === '!=' ? 'notin' : 'in',
      values: [m[3].trim()],
    };
  }
  if (term.startsWith('!')) {
    return {
      key: checkKey(term.slice(1).trim(), term),
      op: '!exists',
      values: [],
    };
  }
  return { key: checkKey(term, term), op: 'exists', values: [] };
}

function matches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case 'in':
      return has && req.values.includes(labels[req.key]);
    case 'notin':
      // As in Kubernetes, `key!=v` and `notin` match objects without the key.
      return !has || !req.values.includes(labels[req.key]);
    default:
      return false;
  }
}

/** Parses a `labelSelector` query value. */
export function parseLabelSelector(selector: string | undefined): ObjectFilter {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map(parseTerm);
  return obj => {
    const labels = obj?.metadata?.labels ?? {};
    return reqs.every(r => matches(r, labels));
  };
}

const FIELDS: Record<string, (obj: any) => string | undefined> = {
  'metadata.name': o => o?.metadata?.name,
  'metadata.namespace': o => o?.metadata?.namespace ?? '',
};

/**
 * Parses a `fieldSelector`; only `metadata.name` and `metadata.namespace`
 * are supported, like the minimum every resource supports.
 */
export function parseFieldSelector(selector: string | undefined): ObjectFilter {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map(term => {
    const m = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${selector}'`);
    const field = FIELDS[m[1].trim()];
    if (!field) {
      throw new SelectorError(
        `"${m[1].trim()}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    const value = m[3].trim();
    const negate = m[2] === '!=';
    return (obj: any) => (field(obj) === value) !== negate;
  });
  return obj => tests.every(t => t(obj));
}
