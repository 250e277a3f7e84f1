import {
  analyzeMesh,
  MeshConfig,
  meshConfigFrom,
  MeshReport,
  parseMeshConfig,
  SEVERITY_RANK,
} from '@meshportal/plugin-istio-common';
import type { AnalyzeArguments, FailOn } from '../cli';
import { readManifests } from '../manifests/readManifests';
import { renderJson } from '../output/json';
import { renderSarif } from '../output/sarif';
import { renderTable } from '../output/table';

/** Where a command writes and reads; the process's streams, or buffers in tests. @public */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input, for the `-` path. */
  stdin?: () => AsyncIterable<Buffer | string>;
  cwd: string;
  /** Colour the table (stdout is a terminal and NO_COLOR is unset). */
  color: boolean;
}

/** Exit codes of `meshportal`. @public */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

const FAIL_RANK: Record<FailOn, number> = {
  error: SEVERITY_RANK.Error,
  warning: SEVERITY_RANK.Warning,
  info: SEVERITY_RANK.Info,
  never: Infinity,
};

/**
 * Reads `--mesh-config`: a MeshConfig document, or the `istio` ConfigMap
 * whose `mesh` key holds one.
 */
async function readMeshConfig(
  file: string,
  io: CliIo,
): Promise<MeshConfig | { error: string }> {
  const { objects, origins, errors } = await readManifests([file], io);
  if (errors.length) return { error: `--mesh-config ${errors[0]}` };
  const [document] = objects;
  if (document?.kind === 'ConfigMap') {
    const mesh = document.data?.mesh;
    if (typeof mesh !== 'string') {
      return {
        error: `--mesh-config ${origins[0].file}:${origins[0].line}: ConfigMap has no "mesh" key`,
      };
    }
    try {
      return parseMeshConfig(mesh);
    } catch (e) {
      const reason = String((e as Error)?.message ?? e).split('\n')[0];
      return {
        error: `--mesh-config ${origins[0].file}: key "mesh": ${reason}`,
      };
    }
  }
  return meshConfigFrom(document ?? {});
}

function location(origin?: { file?: string; line?: number }): string {
  if (!origin?.file) return '';
  return `${origin.file}${origin.line ? `:${origin.line}` : ''}: `;
}

/**
 * `meshportal analyze`: reads manifests, runs the engine, prints the report
 * and returns the exit code. Unusable input is reported on stderr (one line
 * per problem) with exit code 2 and no report.
 * @public
 */
export async function analyzeCommand(
  args: AnalyzeArguments,
  io: CliIo,
  version: string,
): Promise<number> {
  let meshConfig: MeshConfig | undefined;
  if (args.meshConfig) {
    const result = await readMeshConfig(args.meshConfig, io);
    if ('error' in result) {
      io.stderr(`meshportal: ${result.error}\n`);
      return EXIT.usage;
    }
    meshConfig = result;
  }

  const { objects, origins, errors } = await readManifests(args.inputs, io);
  if (errors.length) {
    io.stderr(errors.map(e => `meshportal: ${e}\n`).join(''));
    return EXIT.usage;
  }
  if (objects.length === 0) {
    // A mistyped path or an empty directory must not pass CI as "clean".
    io.stderr('meshportal: no Kubernetes objects found in the input\n');
    return EXIT.usage;
  }

  let report: MeshReport;
  try {
    report = analyzeMesh(objects, {
      meshConfig,
      originOf: (_object, index) => origins[index],
    });
  } catch (e) {
    // The engine promises not to throw; if it does, say so without a stack trace.
    const reason = String((e as Error)?.message ?? e).split('\n')[0];
    io.stderr(`meshportal: internal error in the analysis engine: ${reason}\n`);
    return EXIT.usage;
  }
  if (report.problems.length) {
    io.stderr(
      report.problems
        .map(p => `meshportal: ${location(p.origin)}${p.message}\n`)
        .join(''),
    );
    return EXIT.usage;
  }

  switch (args.output) {
    case 'json':
      io.stdout(renderJson(report));
      break;
    case 'sarif':
      io.stdout(renderSarif(report, version));
      break;
    default:
      io.stdout(renderTable(report, { color: io.color }));
  }
  const threshold = FAIL_RANK[args.failOn];
  return report.findings.some(f => SEVERITY_RANK[f.severity] >= threshold)
    ? EXIT.findings
    : EXIT.ok;
}
