/**
 * Readers for loosely typed spec fields: manifests are untrusted input, so
 * a field of the wrong shape reads as empty instead of throwing.
 */

/** The value if it is an array, else an empty one. */
export function list<T = any>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** The strings of an array field. */
export function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === 'string');
}

/** A label map (selector, labels) with values as strings; empty when malformed. */
export function labelMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}

/** A selector as Kubernetes prints it: `k=v` pairs sorted by key. */
export function selectorString(selector: Record<string, string>): string {
  return Object.keys(selector)
    .sort()
    .map(k => `${k}=${selector[k]}`)
    .join(',');
}
