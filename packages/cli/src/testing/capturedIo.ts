import type { CliIo } from '../commands/analyze';

/**
 * A {@link CliIo} that records what a command writes, for tests.
 * @internal
 */
export function capturedIo(
  cwd: string,
  options: { stdin?: string | Buffer; color?: boolean } = {},
) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd,
    color: options.color ?? false,
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
    stdin:
      options.stdin === undefined
        ? undefined
        : async function* stdin() {
            yield options.stdin!;
          },
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}
