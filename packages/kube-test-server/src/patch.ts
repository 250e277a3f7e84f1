/*
 * PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and
 * strategic merge patch approximated as a merge patch (lists are replaced,
 * not merged by key).
 */
import { StatusError, badRequest } from './status';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: objects merge recursively, `null` deletes, the rest replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer: ${path}`);
  return path.slice(1).split('/').map(unescape);
}

function parentOf(doc: any, tokens: string[]): any {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    cur = cur?.[Array.isArray(cur) ? Number(t) : t];
    if (cur === undefined || cur === null) {
      throw new StatusError(
        422,
        'Invalid',
        `JSON patch path not found: /${tokens.join('/')}`,
      );
    }
  }
  return cur;
}

function getAt(doc: any, path: string): any {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1];
  return parent[Array.isArray(parent) ? Number(last) : last];
}

function removeAt(doc: any, path: string): any {
  const tokens = parsePointer(path);
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const [removed] = parent.splice(Number(last), 1);
    return removed;
  }
  if (!(last in parent)) {
    throw new StatusError(422, 'Invalid', `JSON patch path not found: ${path}`);
  }
  const removed = parent[last];
  delete parent[last];
  return removed;
}

function addAt(doc: any, path: string, value: unknown, replace: boolean) {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    parent.splice(index, replace ? 1 : 0, structuredClone(value));
  } else {
    if (replace && !(last in parent)) {
      throw new StatusError(
        422,
        'Invalid',
        `JSON patch path not found: ${path}`,
      );
    }
    parent[last] = structuredClone(value);
  }
  return doc;
}

/** RFC 6902 operations applied in order to a copy of `target`. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('JSON patch must be an array');
  let doc: any = structuredClone(target);
  for (const op of ops) {
    switch (op?.op) {
      case 'add':
        doc = addAt(doc, op.path, op.value, false);
        break;
      case 'replace':
        doc = addAt(doc, op.path, op.value, true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move': {
        const value = removeAt(doc, op.from);
        doc = addAt(doc, op.path, value, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, getAt(doc, op.from), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) {
          throw new StatusError(
            422,
            'Invalid',
            `JSON patch test failed: ${op.path}`,
          );
        }
        break;
      default:
        throw badRequest(`unsupported JSON patch operation: ${op?.op}`);
    }
  }
  return doc;
}

/** Applies a PATCH body according to its Content-Type. */
export function applyPatch(
  target: unknown,
  contentType: string,
  body: unknown,
): unknown {
  const mediaType = contentType.split(';')[0].trim();
  switch (mediaType) {
    case 'application/json-patch+json':
      return jsonPatch(target, body);
    case 'application/merge-patch+json':
    case 'application/strategic-merge-patch+json':
    case 'application/apply-patch+yaml':
      return mergePatch(target, body);
    default:
      throw new StatusError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml`,
      );
  }
}
