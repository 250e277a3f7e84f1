import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  checkManifestSize,
  decodeManifestBytes,
  KubeObject,
  MANIFEST_EXTENSIONS,
  MAX_MANIFEST_BYTES,
  ManifestError,
  parseManifestText,
  ResourceOrigin,
} from '@meshportal/plugin-istio-common';

/**
 * Files larger than this are refused before they are read (the engine's
 * manifest limit).
 * @public
 */
export const MAX_FILE_BYTES = MAX_MANIFEST_BYTES;

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

/** Relative to the working directory when inside it (as SARIF wants), else absolute. */
function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`);
  if (!relative || outside || path.isAbsolute(relative)) {
    return file;
  }
  return relative.split(path.sep).join('/');
}

async function readStdin(
  stdin: ReadManifestsOptions['stdin'],
  limit: number,
): Promise<Buffer> {
  if (!stdin) throw new ManifestError(STDIN_NAME, 'standard input unavailable');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin()) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) checkManifestSize(STDIN_NAME, undefined, limit);
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
      return String((error as Error)?.message ?? error).split('\n')[0];
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
        checkManifestSize(name, (await fs.stat(file)).size, limit);
        bytes = await fs.readFile(file);
        checkManifestSize(name, bytes.length, limit);
      }
      const parsed = parseManifestText(decodeManifestBytes(bytes, name), name);
      // A loop, not push(...): a spread of 100k arguments overflows the stack.
      for (let i = 0; i < parsed.objects.length; i++) {
        result.objects.push(parsed.objects[i]);
        result.origins.push(parsed.origins[i]);
      }
    } catch (e) {
      result.errors.push(
        e instanceof ManifestError ? e.message : `${name}: ${systemMessage(e)}`,
      );
    }
  }
  return result;
}
