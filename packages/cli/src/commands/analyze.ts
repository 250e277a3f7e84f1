import { X509Certificate } from 'node:crypto';
import {
  analyzeMesh,
  MeshConfig,
  meshConfigFrom,
  MeshNetworks,
  meshNetworksFrom,
  MeshReport,
  parseMeshConfig,
  parseMeshNetworks,
  readRootCertificates,
  ResourceOrigin,
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
 * Reads a mesh settings file (`--mesh-config`, `--mesh-networks`): the
 * document itself, or the `istio` ConfigMap whose `key` holds it as text.
 */
async function readMeshFile<T>(
  option: string,
  file: string,
  key: string,
  parse: (text: string) => T,
  from: (document: unknown) => T,
  io: CliIo,
): Promise<{ value: T; origin?: ResourceOrigin } | { error: string }> {
  const { objects, origins, errors } = await readManifests([file], io);
  if (errors.length) return { error: `${option} ${errors[0]}` };
  const [document] = objects;
  const [origin] = origins;
  if (document?.kind === 'ConfigMap') {
    const text = document.data?.[key];
    if (typeof text !== 'string') {
      return {
        error: `${option} ${origin.file}:${origin.line}: ConfigMap has no "${key}" key`,
      };
    }
    try {
      return { value: parse(text), origin };
    } catch (e) {
      const reason = String((e as Error)?.message ?? e).split('\n')[0];
      return { error: `${option} ${origin.file}: key "${key}": ${reason}` };
    }
  }
  return { value: from(document ?? {}), origin };
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
    const result = await readMeshFile(
      '--mesh-config',
      args.meshConfig,
      'mesh',
      parseMeshConfig,
      meshConfigFrom,
      io,
    );
    if ('error' in result) {
      io.stderr(`meshportal: ${result.error}\n`);
      return EXIT.usage;
    }
    meshConfig = result.value;
  }
  let meshNetworks:
    | { value: MeshNetworks; origin?: ResourceOrigin }
    | undefined;
  if (args.meshNetworks) {
    const result = await readMeshFile(
      '--mesh-networks',
      args.meshNetworks,
      'meshNetworks',
      parseMeshNetworks,
      meshNetworksFrom,
      io,
    );
    if ('error' in result) {
      io.stderr(`meshportal: ${result.error}\n`);
      return EXIT.usage;
    }
    meshNetworks = result;
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
      meshNetworks: meshNetworks?.value,
      meshNetworksOrigin: meshNetworks?.origin,
      clusterDomain: args.clusterDomain,
      originOf: (_object, index) => origins[index],
      // The engine does not parse certificates: istio-ca-root-cert is read here.
      now: new Date(),
      rootCertificates: readRootCertificates(
        objects,
        pem => new X509Certificate(pem),
      ),
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
      io.stdout(
        renderJson(report, {
          controlPlaneNamespace: meshConfig?.rootNamespace,
        }),
      );
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
