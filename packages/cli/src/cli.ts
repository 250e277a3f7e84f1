/**
 * Command-line parsing for `meshportal`. Small on purpose: one command, a
 * few options, and exact error messages for exit code 2.
 */
import { clusterDomainProblem } from '@meshportal/plugin-istio-common';

/** Output formats of `meshportal analyze`. @public */
export type OutputFormat = 'table' | 'json' | 'sarif';

/** The lowest severity that makes `analyze` exit 1, or `never`. @public */
export type FailOn = 'error' | 'warning' | 'info' | 'never';

/** Parsed `meshportal analyze` arguments. @public */
export interface AnalyzeArguments {
  inputs: string[];
  meshConfig?: string;
  /** A MeshNetworks file (or the istio ConfigMap holding `meshNetworks`). */
  meshNetworks?: string;
  /** The cluster's DNS domain; the engine's default (`cluster.local`) when unset. */
  clusterDomain?: string;
  output: OutputFormat;
  failOn: FailOn;
}

/** What the command line asks for. @public */
export type ParsedCommandLine =
  | { command: 'help'; topic?: 'analyze' }
  | { command: 'version' }
  | { command: 'analyze'; args: AnalyzeArguments }
  | { command: 'usage-error'; message: string };

const OUTPUT_FORMATS: ReadonlyArray<OutputFormat> = ['table', 'json', 'sarif'];
const FAIL_ON: ReadonlyArray<FailOn> = ['error', 'warning', 'info', 'never'];

/** Top-level help text. @public */
export const MAIN_HELP = `Usage: meshportal <command> [options]

Checks Kubernetes and Istio manifests the way Istio would read them.

Commands:
  analyze [PATHS...]   analyze manifest files and directories
  help [command]       show help

Options:
  -h, --help           show help
  -V, --version        show the version
`;

/** Help text of `meshportal analyze`. @public */
export const ANALYZE_HELP = `Usage: meshportal analyze [PATHS...] [options]

Reads Kubernetes and Istio objects from YAML or JSON files, directories
(*.yaml, *.yml, *.json, recursively) or standard input ("-"), and reports
each workload's sidecar injection and mTLS posture and what is wrong.

Options:
  --mesh-config FILE     MeshConfig YAML (or the istio ConfigMap); default:
                         the istio ConfigMap in istio-system among the
                         inputs, else Istio's defaults
  --mesh-networks FILE   MeshNetworks YAML (or the istio ConfigMap); default:
                         the meshNetworks key of the istio ConfigMap among
                         the inputs, else none
  --cluster-domain NAME  the cluster's DNS domain (istiod's --domain):
                         short hosts resolve to <name>.<ns>.svc.NAME;
                         default cluster.local
  -o, --output FORMAT    table (default), json or sarif
  --fail-on SEVERITY     exit 1 when a finding is at least this severe:
                         error (default), warning, info or never
  -h, --help             show this help

Exit codes: 0 no failing findings, 1 findings at or above --fail-on,
2 bad usage or unreadable input.
`;

function choice<T extends string>(
  option: string,
  value: string,
  allowed: ReadonlyArray<T>,
): T | { message: string } {
  const lower = value.toLowerCase() as T;
  return allowed.includes(lower)
    ? lower
    : {
        message: `${option} must be one of ${allowed.join(
          ', ',
        )}, got "${value}"`,
      };
}

function parseAnalyze(argv: string[]): ParsedCommandLine {
  const args: AnalyzeArguments = {
    inputs: [],
    output: 'table',
    failOn: 'error',
  };
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      args.inputs.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (arg === '-h' || arg === '--help')
      return { command: 'help', topic: 'analyze' };

    // Accept `--name value`, `--name=value` and `-ovalue`.
    let name = arg;
    let value: string | undefined;
    const equals = arg.indexOf('=');
    if (arg.startsWith('--') && equals > 0) {
      name = arg.slice(0, equals);
      value = arg.slice(equals + 1);
    } else if (
      arg.startsWith('-o') &&
      arg.length > 2 &&
      !arg.startsWith('--')
    ) {
      name = '-o';
      value = arg.slice(2);
    }
    if (
      ![
        '-o',
        '--output',
        '--mesh-config',
        '--mesh-networks',
        '--cluster-domain',
        '--fail-on',
      ].includes(name)
    ) {
      return { command: 'usage-error', message: `unknown option ${name}` };
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        return { command: 'usage-error', message: `${name} needs a value` };
      }
      value = argv[++i];
    }
    if (name === '--mesh-config' || name === '--mesh-networks') {
      if (!value)
        return { command: 'usage-error', message: `${name} needs a value` };
      if (name === '--mesh-config') args.meshConfig = value;
      else args.meshNetworks = value;
    } else if (name === '--cluster-domain') {
      const problem = clusterDomainProblem(value);
      if (problem)
        return { command: 'usage-error', message: `${name} ${problem}` };
      args.clusterDomain = value;
    } else if (name === '--fail-on') {
      const failOn = choice(name, value, FAIL_ON);
      if (typeof failOn !== 'string')
        return { command: 'usage-error', ...failOn };
      args.failOn = failOn;
    } else {
      const output = choice(name, value, OUTPUT_FORMATS);
      if (typeof output !== 'string')
        return { command: 'usage-error', ...output };
      args.output = output;
    }
  }
  if (args.inputs.length === 0) {
    return {
      command: 'usage-error',
      message: 'no input: name files or directories, or "-" for standard input',
    };
  }
  const stdinReaders =
    (args.inputs.includes('-') ? 1 : 0) +
    (args.meshConfig === '-' ? 1 : 0) +
    (args.meshNetworks === '-' ? 1 : 0);
  if (stdinReaders > 1) {
    return {
      command: 'usage-error',
      message: 'standard input can be read only once: "-" given twice',
    };
  }
  return { command: 'analyze', args };
}

/**
 * Parses `meshportal`'s arguments (without the node and script paths).
 * @public
 */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return { command: 'usage-error', message: 'no command given' };
    case '-h':
    case '--help':
      return { command: 'help' };
    case 'help':
      return rest[0] === 'analyze'
        ? { command: 'help', topic: 'analyze' }
        : { command: 'help' };
    case '-V':
    case '--version':
    case 'version':
      return { command: 'version' };
    case 'analyze':
      return parseAnalyze(rest);
    default:
      return {
        command: 'usage-error',
        message: command.startsWith('-')
          ? `unknown option ${command}`
          : `unknown command "${command}"`,
      };
  }
}
