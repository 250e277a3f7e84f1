import { LoggerService } from '@backstage/backend-plugin-api';
import { FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import {
  checkManifestSize,
  ClusterSyncStatus,
  decodeManifestBytes,
  KindStatus,
  MANIFEST_EXTENSIONS,
  ManifestError,
  parseManifestText,
} from '@meshportal/plugin-istio-common';
import { ClusterSource, SourcedObject } from './types';

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter(
        e =>
          e.isDirectory() ||
          MANIFEST_EXTENSIONS.includes(extname(e.name).toLowerCase()),
      )
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(e => filesUnder(join(path, e.name))),
  );
  return nested.flat();
}

/** Kinds dropped as files are read: the backend never holds Secrets. @public */
export const FILE_SOURCE_DROPPED_KINDS: ReadonlySet<string> = new Set([
  'Secret',
]);

/**
 * The objects of one manifest text (the engine's reader: multi-document
 * YAML or JSON, `kind: List` expanded, each object with its line). Secrets
 * in a dump are dropped at once: the engine never needs them. Throws a
 * ManifestError for text that is not a manifest.
 */
export function parseManifests(text: string, file: string): SourcedObject[] {
  const { objects, origins } = parseManifestText(text, file);
  const sourced: SourcedObject[] = [];
  objects.forEach((object, i) => {
    if (!FILE_SOURCE_DROPPED_KINDS.has(String(object.kind))) {
      sourced.push({ object, origin: origins[i] });
    }
  });
  return sourced;
}

/** One file's objects, under the engine's size limit. */
async function readManifestFile(file: string): Promise<SourcedObject[]> {
  checkManifestSize(file, (await stat(file)).size);
  return parseManifests(decodeManifestBytes(await readFile(file), file), file);
}

/**
 * A cluster given as files: kubectl `-o yaml` dumps or manifests. The files
 * are read again, debounced, when they change.
 * @public
 */
export class SnapshotFileSource implements ClusterSource {
  private current: SourcedObject[] = [];
  private errors: string[] = [];
  private loadedAt?: string;
  private loaded = false;
  private watchers: FSWatcher[] = [];
  private timer?: NodeJS.Timeout;
  private listeners = new Set<() => void>();
  private loading: Promise<void> = Promise.resolve();

  constructor(
    readonly cluster: string,
    private readonly paths: string[],
    private readonly logger: LoggerService,
    private readonly debounceMs = 500,
  ) {}

  /** Reads every file; the new view replaces the old one in a single step. */
  async reload(): Promise<void> {
    const next = this.loading.then(async () => {
      const objects: SourcedObject[] = [];
      const errors: string[] = [];
      for (const path of this.paths) {
        let files: string[];
        try {
          files = await filesUnder(path);
        } catch (error) {
          errors.push(`${path}: ${(error as Error).message}`);
          continue;
        }
        for (const file of files) {
          try {
            // A loop, not push(...): a dump can hold 100k objects.
            for (const sourced of await readManifestFile(file)) {
              objects.push(sourced);
            }
          } catch (error) {
            errors.push(
              error instanceof ManifestError
                ? error.message
                : `${file}: ${(error as Error).message}`,
            );
          }
        }
      }
      this.current = objects;
      this.errors = errors;
      this.loaded = true;
      this.loadedAt = new Date().toISOString();
      for (const e of errors)
        this.logger.warn(`istio: cluster ${this.cluster}: ${e}`);
      this.listeners.forEach(listener => listener());
    });
    this.loading = next.catch(() => undefined);
    return next;
  }

  async start(): Promise<void> {
    await this.reload();
    const schedule = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.reload().catch(e => this.logger.error(`istio: ${e}`));
      }, this.debounceMs);
    };
    for (const path of this.paths) {
      try {
        this.watchers.push(watch(path, { recursive: true }, schedule));
      } catch (error) {
        this.logger.warn(
          `istio: cannot watch ${path} for changes: ${
            (error as Error).message
          }`,
        );
      }
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.watchers.forEach(w => w.close());
    this.watchers = [];
    await this.loading;
  }

  objects(): SourcedObject[] {
    return this.current;
  }

  status(): ClusterSyncStatus {
    const counts = new Map<string, number>();
    for (const { object } of this.current) {
      const kind = typeof object?.kind === 'string' ? object.kind : '(no kind)';
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    const kinds: KindStatus[] = [...counts].sort().map(([kind, count]) => ({
      kind,
      state: 'synced',
      count,
      lastEventTime: this.loadedAt,
    }));
    if (this.errors.length) {
      kinds.push({
        kind: '*',
        state: 'error',
        count: 0,
        reason: 'invalid-snapshot',
        message: this.errors.slice(0, 5).join('; '),
        lastEventTime: this.loadedAt,
      });
    }
    return {
      cluster: this.cluster,
      source: 'files',
      ready: this.loaded,
      degraded: this.errors.length > 0,
      // A refused file's objects are missing, whatever kinds they were.
      missingKinds: this.errors.length
        ? [{ kind: '*', state: 'error', reason: 'invalid-snapshot' }]
        : [],
      kinds,
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
