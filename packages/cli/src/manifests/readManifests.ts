import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  Document,
  isMap,
  isSeq,
  LineCounter,
  Node as YamlNode,
  parseAllDocuments,
} from 'yaml';
import type {
  KubeObject,
  ResourceOrigin,
} from '@meshportal/plugin-istio-common';

/**
 * Files larger than this are refused before they are read: the YAML parser
 * needs about a second per megabyte, so bigger inputs would look like a hang.
 * @public
 */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * Alias expansions allowed per document. Kubernetes manifests rarely use
 * aliases at all; a low limit stops "billion laughs" documents early.
 * @public
 */
export const MAX_ALIAS_COUNT = 50;

/**
 * Deepest nesting accepted in one object. Real manifests (CRD schemas
 * included) stay far below it; deeper input is treated as hostile.
 * @public
 */
export const MAX_NESTING_DEPTH = 100;

/** Extensions read when a directory is given. @public */
export const MANIFEST_EXTENSIONS: ReadonlyArray<string> = [
  '.yaml',
  '.yml',
  '.json',
];

/** Label used for standard input in messages and origins. @public */
export const STDIN_NAME = '<stdin>';

/**
 * Objects read from manifests, each with the file and line it came from
 * (`origins[i]` belongs to `objects[i]`), and one message per input that
 * could not be read.
 * @public
 */
export interface ManifestSet {
  objects: KubeObject[];
  origins: ResourceOrigin[];
  /** One line each, naming the file (and line when known). */
  errors: string[];
}

/** Options for {@link readManifests}. @public */
export interface ReadManifestsOptions {
  /** Paths in messages and origins are relative to this directory. */
  cwd: string;
  /** Reads standard input when `-` is given. */
  stdin?: () => AsyncIterable<Buffer | string>;
  maxFileBytes?: number;
}

class InputError extends Error {}

/** Relative to the working directory when inside it (as SARIF wants), else absolute. */
function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`);
  if (!relative || outside || path.isAbsolute(relative)) {
    return file;
  }
  return relative.split(path.sep).join('/');
}

/** The first line of a message, with control characters from hostile input made visible but harmless. */
function firstLine(message: string): string {
  return (
    message
      .split('\n')[0]
      .trim()
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  );
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

/**
 * Accepts one parsed document: objects, lists of objects, or nothing (an
 * empty document). Anything else is an error for the caller to report.
 */
function collect(
  value: unknown,
  file: string,
  line: number,
  itemLine: (index: number) => number | undefined,
  out: ManifestSet,
) {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      `${file}:${line}: expected a Kubernetes object, found ${describe(value)}`,
    );
  }
  if (exceedsDepth(value, MAX_NESTING_DEPTH)) {
    throw new InputError(
      `${file}:${line}: nested deeper than ${MAX_NESTING_DEPTH} levels`,
    );
  }
  if (!isList(value)) {
    out.objects.push(value as KubeObject);
    out.origins.push({ file, line });
    return;
  }
  value.items.forEach((item, index) => {
    const object = listItem(value, item);
    if (!object || typeof object !== 'object' || Array.isArray(object)) {
      throw new InputError(
        `${file}:${
          itemLine(index) ?? line
        }: expected a Kubernetes object in items, found ${describe(object)}`,
      );
    }
    out.objects.push(object as KubeObject);
    out.origins.push({ file, line: itemLine(index) ?? line });
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

function parseJson(text: string, file: string, out: ManifestSet): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  const start = lineOf(text, text.search(/\S/));
  let lines: number[] | undefined;
  const itemLine = (index: number) => (lines ??= jsonItemLines(text))[index];
  if (Array.isArray(value)) {
    // A bare JSON array of objects is read like a List.
    collect({ kind: 'List', items: value }, file, start, itemLine, out);
  } else {
    collect(value, file, start, itemLine, out);
  }
  return true;
}

function nodeLine(
  node: unknown,
  counter: LineCounter,
  fallback: number,
): number {
  const range = (node as YamlNode | undefined)?.range;
  return range ? counter.linePos(range[0]).line : fallback;
}

function parseYamlText(text: string, file: string, out: ManifestSet) {
  const counter = new LineCounter();
  const parsed = parseAllDocuments(text, {
    lineCounter: counter,
    prettyErrors: false,
  });
  const documents: Document[] = Array.isArray(parsed)
    ? parsed
    : [parsed as unknown as Document];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const line = counter.linePos(error.pos[0]).line;
      throw new InputError(`${file}:${line}: ${firstLine(error.message)}`);
    }
  }
  for (const document of documents) {
    const contents = document.contents;
    const line = nodeLine(contents, counter, 1);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      let reason = firstLine(String((e as Error)?.message ?? e));
      if (e instanceof RangeError) reason = 'nested too deeply';
      else if (/alias/i.test(reason)) {
        reason = `aliases expand to too many nodes (limit ${MAX_ALIAS_COUNT})`;
      }
      throw new InputError(`${file}:${line}: ${reason}`);
    }
    const items = isMap(contents) ? contents.get('items', true) : undefined;
    const itemLine = (index: number) =>
      isSeq(items) ? nodeLine(items.items[index], counter, line) : undefined;
    collect(value, file, line, itemLine, out);
  }
}

/**
 * Parses the text of one manifest file: multi-document YAML, JSON, `List`
 * objects (`kubectl get -o yaml|json` output). Throws an Error whose message
 * is one line naming the file and line.
 * @public
 */
export function parseManifestText(text: string, file: string): ManifestSet {
  const out: ManifestSet = { objects: [], origins: [], errors: [] };
  try {
    const trimmed = text.trimStart();
    const looksLikeJson =
      trimmed.startsWith('{') ||
      (trimmed.startsWith('[') && file.toLowerCase().endsWith('.json'));
    if (!looksLikeJson || !parseJson(text, file, out)) {
      // YAML is a superset of JSON, and its errors carry line numbers.
      out.objects.length = 0;
      out.origins.length = 0;
      parseYamlText(text, file, out);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    // The parser itself failed (for example the stack ran out): still one line.
    const reason =
      e instanceof RangeError
        ? 'nested too deeply'
        : firstLine(String((e as Error)?.message ?? e));
    throw new InputError(`${file}: ${reason}`);
  }
  return out;
}

function decodeText(bytes: Buffer, file: string): string {
  if (bytes.includes(0)) {
    throw new InputError(`${file}: not a text file (contains NUL bytes)`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${file}: not a UTF-8 text file`);
  }
}

function tooLarge(file: string, size: number | undefined, limit: number) {
  const mb = (n: number) =>
    n < 1024 * 1024
      ? `${n} bytes`
      : `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  return new InputError(
    `${file}: ${
      size === undefined ? 'more than' : `${mb(size)}, more than`
    } the ${mb(limit)} limit; split it into smaller files`,
  );
}

async function readStdin(
  stdin: ReadManifestsOptions['stdin'],
  limit: number,
): Promise<Buffer> {
  if (!stdin) throw new InputError(`${STDIN_NAME}: standard input unavailable`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin()) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw tooLarge(STDIN_NAME, undefined, limit);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function systemMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return firstLine(String((error as Error)?.message ?? error));
  }
}

/**
 * Expands the command line's paths into files: directories are walked
 * recursively for manifest extensions (hidden directories and node_modules
 * skipped), named files are taken whatever their extension.
 */
async function discoverFiles(
  inputs: string[],
  cwd: string,
  errors: string[],
): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();

  async function walk(directory: string) {
    const real = await fs.realpath(directory);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = (await fs.readdir(directory)).sort();
    for (const name of entries) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const full = path.join(directory, name);
      let stat;
      try {
        stat = await fs.stat(full);
      } catch {
        continue; // A dangling symlink in a directory is not worth failing for.
      }
      if (stat.isDirectory()) await walk(full);
      else if (
        stat.isFile() &&
        MANIFEST_EXTENSIONS.includes(path.extname(name).toLowerCase())
      ) {
        await addFile(full);
      }
    }
  }

  async function addFile(file: string) {
    const real = await fs.realpath(file);
    if (seen.has(real)) return;
    seen.add(real);
    files.push(file);
  }

  for (const input of inputs) {
    if (input === '-') {
      if (!seen.has(STDIN_NAME)) files.push(STDIN_NAME);
      seen.add(STDIN_NAME);
      continue;
    }
    const full = path.resolve(cwd, input);
    try {
      const stat = await fs.stat(full);
      if (stat.isDirectory()) await walk(full);
      else await addFile(full);
    } catch (e) {
      errors.push(`${input}: ${systemMessage(e)}`);
    }
  }
  return files;
}

/**
 * Reads every manifest named on the command line (files, directories, `-`)
 * and returns the objects with their origins. Never throws for bad input:
 * each unreadable file becomes one line in `errors`.
 * @public
 */
export async function readManifests(
  inputs: string[],
  options: ReadManifestsOptions,
): Promise<ManifestSet> {
  const limit = options.maxFileBytes ?? MAX_FILE_BYTES;
  const result: ManifestSet = { objects: [], origins: [], errors: [] };
  const files = await discoverFiles(inputs, options.cwd, result.errors);
  for (const file of files) {
    const name =
      file === STDIN_NAME ? STDIN_NAME : displayPath(file, options.cwd);
    try {
      let bytes: Buffer;
      if (file === STDIN_NAME) {
        bytes = await readStdin(options.stdin, limit);
      } else {
        // Checked before reading so a huge file costs nothing.
        const { size } = await fs.stat(file);
        if (size > limit) throw tooLarge(name, size, limit);
        bytes = await fs.readFile(file);
        if (bytes.length > limit) throw tooLarge(name, bytes.length, limit);
      }
      const parsed = parseManifestText(decodeText(bytes, name), name);
      // A loop, not push(...): a spread of 100k arguments overflows the stack.
      for (let i = 0; i < parsed.objects.length; i++) {
        result.objects.push(parsed.objects[i]);
        result.origins.push(parsed.origins[i]);
      }
    } catch (e) {
      result.errors.push(
        e instanceof InputError ? e.message : `${name}: ${systemMessage(e)}`,
      );
    }
  }
  return result;
}
