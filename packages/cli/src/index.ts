/**
 * `meshportal`: the MeshPortal posture engine on the command line, for CI.
 *
 * @packageDocumentation
 */

import fs from 'node:fs';
import path from 'node:path';
import { ANALYZE_HELP, MAIN_HELP, parseCommandLine } from './cli';
import { analyzeCommand, CliIo, EXIT } from './commands/analyze';

export type { CliIo } from './commands/analyze';
export { EXIT } from './commands/analyze';
export * from './cli';
export * from './manifests/readManifests';

/** This package's version, from the package.json next to src/ or dist/. */
function packageVersion(): string {
  try {
    // src/ (from source) and dist/ (published) both sit next to package.json.
    // eslint-disable-next-line no-restricted-syntax
    const file = path.resolve(__dirname, '..', 'package.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Runs `meshportal` with these arguments and returns the exit code.
 * Never throws: every failure becomes a message on `io.stderr` and exit 2.
 * @public
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseCommandLine(argv);
    switch (parsed.command) {
      case 'help':
        io.stdout(parsed.topic === 'analyze' ? ANALYZE_HELP : MAIN_HELP);
        return EXIT.ok;
      case 'version':
        io.stdout(`${packageVersion()}\n`);
        return EXIT.ok;
      case 'usage-error':
        io.stderr(
          `meshportal: ${parsed.message}\nRun "meshportal --help" for usage.\n`,
        );
        return EXIT.usage;
      default:
        return await analyzeCommand(parsed.args, io, packageVersion());
    }
  } catch (e) {
    const reason = String((e as Error)?.message ?? e).split('\n')[0];
    io.stderr(`meshportal: ${reason}\n`);
    if (process.env.MESHPORTAL_DEBUG) io.stderr(`${(e as Error)?.stack}\n`);
    return EXIT.usage;
  }
}

/**
 * Entry point of the `meshportal` bin: runs with the process's arguments and
 * streams, and sets the exit code (without cutting off buffered output).
 * @public
 */
export async function main(): Promise<void> {
  const noColor =
    process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  // `meshportal ... | head` closes stdout early; that is not an error.
  process.stdout.on('error', error => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE')
      process.exit(process.exitCode ?? 0);
  });
  const write = (stream: NodeJS.WriteStream) => (text: string) => {
    stream.write(text);
  };
  process.exitCode = await run(process.argv.slice(2), {
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    stdin: () => {
      if (process.stdin.isTTY) {
        process.stderr.write(
          'meshportal: reading manifests from the terminal; end with Ctrl-D\n',
        );
      }
      return process.stdin;
    },
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !noColor,
  });
}
