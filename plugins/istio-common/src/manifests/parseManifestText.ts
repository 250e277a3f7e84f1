import type { KubeObject, ResourceOrigin } from '../model/resources';
import { MAX_NESTING_DEPTH } from './manifestLimits';
import { ManifestError, reasonOf } from './ManifestError';
import { yamlDocuments } from './yamlDocuments';

/**
 * The objects of one manifest text, each with the file and line it came
 * from (`origins[i]` belongs to `objects[i]`).
 * @public
 */
export interface ManifestObjects {
  objects: KubeObject[];
  origins: ResourceOrigin[];
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; ) {
    line++;
    i = text.indexOf('\n', i + 1);
  }
  return line;
}

/** Depth of a parsed value, walked iteratively so hostile input cannot overflow the stack. */
function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (!current || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(current as object)) {
      if (child && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/**
 * `PodList` and friends from the API omit kind and apiVersion on items;
 * `kubectl get -o yaml` writes `kind: List` with complete items.
 */
function isList(value: unknown): value is KubeObject & { items: unknown[] } {
  const object = value as KubeObject;
  return (
    !!object &&
    typeof object === 'object' &&
    typeof object.kind === 'string' &&
    object.kind.endsWith('List') &&
    Array.isArray(object.items)
  );
}

function listItem(list: KubeObject, item: unknown): unknown {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
  const typed = item as KubeObject;
  if (typed.kind !== undefined || list.kind === 'List') return item;
  return {
    ...typed,
    kind: (list.kind as string).slice(0, -'List'.length),
    apiVersion: typed.apiVersion ?? list.apiVersion,
  };
}

interface ParsedDocument {
  value: unknown;
  line: number;
  itemLine(index: number): number | undefined;
  /** False when the parser has already enforced the depth limit. */
  checkDepth: boolean;
}

/**
 * Accepts one parsed document: objects, lists of objects, or nothing (an
 * empty document). Anything else is refused.
 */
function collect(document: ParsedDocument, file: string, out: ManifestObjects) {
  const { value, line, itemLine } = document;
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ManifestError(
      file,
      `expected a Kubernetes object, found ${describe(value)}`,
      line,
    );
  }
  if (document.checkDepth && exceedsDepth(value, MAX_NESTING_DEPTH)) {
    throw new ManifestError(
      file,
      `nested deeper than ${MAX_NESTING_DEPTH} levels`,
      line,
    );
  }
  if (!isList(value)) {
    out.objects.push(value as KubeObject);
    out.origins.push({ file, line });
    return;
  }
  value.items.forEach((item, index) => {
    const object = listItem(value, item);
    const at = itemLine(index) ?? line;
    if (!object || typeof object !== 'object' || Array.isArray(object)) {
      throw new ManifestError(
        file,
        `expected a Kubernetes object in items, found ${describe(object)}`,
        at,
      );
    }
    out.objects.push(object as KubeObject);
    out.origins.push({ file, line: at });
  });
}

/**
 * Line of each object element of the root's `items` array (or of the root
 * array itself), found by a single scan because JSON.parse keeps no positions.
 */
function jsonItemLines(text: string): number[] {
  const lines: number[] = [];
  const stack: string[] = [];
  let line = 1;
  let itemsDepth = -1;
  let lastString = '';
  let pendingKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 34) {
      const start = i + 1;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92) i++;
      }
      if (stack.length === 1) lastString = text.slice(start, i);
    } else if (c === 58 && stack.length === 1) pendingKey = lastString;
    else if (c === 123 || c === 91) {
      if (
        c === 123 &&
        stack.length === itemsDepth &&
        stack[stack.length - 1] === '['
      ) {
        lines.push(line);
      }
      if (c === 91 && stack.length === 0) itemsDepth = 1;
      if (c === 91 && stack.length === 1 && pendingKey === 'items') {
        itemsDepth = 2;
      }
      stack.push(c === 123 ? '{' : '[');
    } else if (c === 125 || c === 93) {
      stack.pop();
      if (stack.length === 1) pendingKey = '';
    }
  }
  return lines;
}

/** The JSON document, or undefined when the text is not JSON after all. */
function jsonDocument(text: string): ParsedDocument | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  let lines: number[] | undefined;
  return {
    // A bare JSON array of objects is read like a List.
    value: Array.isArray(value) ? { kind: 'List', items: value } : value,
    line: lineOf(text, text.search(/\S/)),
    itemLine: index => (lines ??= jsonItemLines(text))[index],
    checkDepth: true,
  };
}

function parsedDocuments(text: string, file: string): ParsedDocument[] {
  const trimmed = text.trimStart();
  const looksLikeJson =
    trimmed.startsWith('{') ||
    (trimmed.startsWith('[') && file.toLowerCase().endsWith('.json'));
  const json = looksLikeJson ? jsonDocument(text) : undefined;
  if (json) return [json];
  // YAML is a superset of JSON, and its errors carry line numbers.
  return yamlDocuments(text, file).map(document => ({
    value: document.value,
    line: document.line,
    itemLine: index => document.itemLines?.[index],
    checkDepth: document.aliased,
  }));
}

/**
 * Reads the text of one manifest: multi-document YAML or JSON, with `List`
 * objects (`kubectl get -o yaml|json` output) expanded into their items.
 * Every object carries its file and line. Aliases and nesting are limited
 * ({@link MAX_ALIAS_COUNT}, {@link MAX_NESTING_DEPTH}); callers check the
 * size ({@link checkManifestSize}) before reading.
 *
 * Throws a {@link ManifestError} (one line, `file:line: reason`) for text
 * that is not a manifest; nothing of a refused text is returned.
 * @public
 */
export function parseManifestText(text: string, file: string): ManifestObjects {
  const out: ManifestObjects = { objects: [], origins: [] };
  try {
    const documents = parsedDocuments(text, file);
    for (const document of documents) {
      collect(document, file, out);
    }
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    // The parser itself failed (for example the stack ran out): still one line.
    throw new ManifestError(file, reasonOf(e));
  }
  return out;
}
