/*
 * Label and field selectors in the query-string syntax the API server accepts.
 */
import {
  LabelRequirement,
  LabelSelectorError,
  labelsMatch,
  parseLabelSelector as parseKubernetesLabelSelector,
} from '@meshportal/plugin-istio-common';

/** A parsed selector: true when the object matches. */
export type ObjectFilter = (obj: any) => boolean;

/** Thrown for a selector the API server would reject with 400. */
export class SelectorError extends Error {}

/** Parses a `labelSelector` query value. */
export function parseLabelSelector(selector: string | undefined): ObjectFilter {
  if (!selector) return () => true;
  let requirements: LabelRequirement[];
  try {
    requirements = parseKubernetesLabelSelector(selector);
  } catch (error) {
    // The API server answers 400 for a selector it cannot parse.
    if (error instanceof LabelSelectorError) {
      throw new SelectorError(error.message);
    }
    throw error;
  }
  return obj => labelsMatch(requirements, obj?.metadata?.labels);
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
  // Field selectors have no value sets, so every comma separates terms.
  const terms = selector
    .split(',')
    .map(t => t.trim())
    .filter(t => t.length > 0);
  const tests = terms.map(term => {
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
