/**
 * A manifest that cannot be read. The message is one line,
 * `file:line: reason` (or `file: reason` when no line applies), safe to
 * show to users as it is.
 * @public
 */
export class ManifestError extends Error {
  readonly name = 'ManifestError';

  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
  }
}

/**
 * The first line of a parser's message, with control characters from
 * hostile input made visible but harmless.
 */
export function firstLine(message: string): string {
  return (
    message
      .split('\n')[0]
      .trim()
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  );
}

/** The one-line reason of anything a parser threw. */
export function reasonOf(error: unknown): string {
  if (error instanceof RangeError) return 'nested too deeply';
  return firstLine(String((error as Error)?.message ?? error));
}
