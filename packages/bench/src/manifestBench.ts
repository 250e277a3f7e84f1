import {
  MAX_ALIAS_COUNT,
  parseManifestText,
} from '@meshportal/plugin-istio-common';
import {
  isMap,
  isSeq,
  LineCounter,
  Node as YamlNode,
  parseAllDocuments,
  stringify,
} from 'yaml';
import { generateMesh, sideBySideSize } from './mesh';
import { seededRandom } from './seededRandom';

/** The size of the dump issue 16 measured: a 9 MB `kubectl get -o yaml`. */
export const ISSUE_16_DUMP_BYTES = 9 * 1024 * 1024;

const hex = (random: () => number, length: number) =>
  Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');

/**
 * A `kubectl get -A -o yaml` dump of the generated mesh: one `kind: List`
 * whose items carry the server's metadata (uid, resourceVersion, quoted
 * timestamps) and are written the way kubectl writes them. The mesh is
 * sized so the text is at least `targetBytes`, and at most 5% more.
 * @public
 */
export function kubectlDump(
  targetBytes: number,
  seed = 16,
): { text: string; objects: number } {
  // Sized from a small dump's bytes per pod, then corrected until close.
  let pods = 200;
  for (let attempt = 0; ; attempt++) {
    const random = seededRandom(seed);
    const { objects } = generateMesh(sideBySideSize(pods), seed);
    const items = objects.map(object => ({
      ...object,
      metadata: {
        ...object.metadata,
        uid: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(
          random,
          12,
        )}`,
        resourceVersion: String(Math.floor(random() * 1e8)),
        creationTimestamp: '2026-11-02T09:00:00Z',
      },
    }));
    const text = stringify(
      {
        apiVersion: 'v1',
        items,
        kind: 'List',
        metadata: { resourceVersion: '' },
      },
      // As kubectl writes: lists flush with their key, long lines unfolded,
      // no anchors for repeated values.
      { indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false },
    );
    const ratio = text.length / targetBytes;
    if (ratio >= 0.98 && (ratio <= 1.05 || attempt > 4)) {
      return { text, objects: items.length };
    }
    pods = Math.max(10, Math.round((pods / ratio) * 1.01));
  }
}

/**
 * The reader's YAML path before issue 16: the `yaml` package's Document API
 * with a LineCounter, every document converted with the alias limit, item
 * lines read from the nodes. Returns the line of each item.
 * @public
 */
export function readWithDocumentApi(text: string): number[] {
  const counter = new LineCounter();
  const lines: number[] = [];
  for (const document of parseAllDocuments(text, { lineCounter: counter })) {
    if (document.errors.length) throw document.errors[0];
    document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    const items = isMap(document.contents)
      ? document.contents.get('items', true)
      : undefined;
    if (!isSeq(items)) continue;
    for (const item of items.items) {
      lines.push(counter.linePos((item as YamlNode).range![0]).line);
    }
  }
  return lines;
}

/** One reader's figures. @public */
export interface ReaderFigures {
  /** Median of the timed rounds. */
  ms: number;
  mbPerSecond: number;
}

/** The side-by-side measurement. @public */
export interface ManifestBenchResult {
  bytes: number;
  objects: number;
  rounds: number;
  before: ReaderFigures;
  after: ReaderFigures;
  speedup: number;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Reads one dump with both readers in the same process: a warm-up each,
 * then `rounds` interleaved rounds (before, after), so both meet the same
 * machine load. Fails when the readers disagree on any item's line.
 * @public
 */
export function measureManifestReaders(
  targetBytes = ISSUE_16_DUMP_BYTES,
  rounds = 3,
  seed = 16,
): ManifestBenchResult {
  const { text, objects } = kubectlDump(targetBytes, seed);
  const bytes = Buffer.byteLength(text);
  const before: number[] = [];
  const after: number[] = [];
  const expected = readWithDocumentApi(text);
  const actual = parseManifestText(text, 'dump.yaml').origins.map(o => o.line);
  if (
    expected.length !== objects ||
    actual.some((line, i) => line !== expected[i])
  ) {
    throw new Error('the readers disagree on the lines of the dump');
  }
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    readWithDocumentApi(text);
    before.push(performance.now() - started);
    started = performance.now();
    parseManifestText(text, 'dump.yaml');
    after.push(performance.now() - started);
  }
  const figures = (times: number[]): ReaderFigures => {
    const ms = median(times);
    return {
      ms: Math.round(ms * 10) / 10,
      mbPerSecond: Math.round((bytes / 1024 / 1024 / (ms / 1000)) * 10) / 10,
    };
  };
  return {
    bytes,
    objects,
    rounds,
    before: figures(before),
    after: figures(after),
    speedup: Math.round((median(before) / median(after)) * 10) / 10,
  };
}

/**
 * The markdown report of {@link measureManifestReaders}.
 * @public
 */
export function renderManifestBench(result: ManifestBenchResult): string {
  const mb = (result.bytes / 1024 / 1024).toFixed(1);
  return [
    `| reader | ms (median of ${result.rounds}) | MB/s |`,
    '|---|--:|--:|',
    `| before: yaml Document API + LineCounter | ${result.before.ms} | ${result.before.mbPerSecond} |`,
    `| after: parseManifestText (js-yaml + node listener) | ${result.after.ms} | ${result.after.mbPerSecond} |`,
    '',
    `Dump: ${mb} MB, ${result.objects} objects in one kind: List. Speed-up: ×${result.speedup}; both readers give every item the same line.`,
    '',
  ].join('\n');
}

/**
 * `yarn bench:manifests [--mb 9] [--rounds 3] [--seed 16]`.
 * @public
 */
export function runManifestBench(argv: string[]): void {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const megabytes = Number(option('--mb') ?? 9);
  const result = measureManifestReaders(
    megabytes * 1024 * 1024,
    Number(option('--rounds') ?? 3),
    Number(option('--seed') ?? 16),
  );
  process.stdout.write(
    `## Manifest reader benchmark (node ${
      process.version
    })\n\n${renderManifestBench(result)}`,
  );
}
