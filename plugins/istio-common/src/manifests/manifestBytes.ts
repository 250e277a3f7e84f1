import { MAX_MANIFEST_BYTES } from './manifestLimits';
import { ManifestError } from './ManifestError';

function size(n: number): string {
  return n < 1024 * 1024
    ? `${n} bytes`
    : `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
}

/**
 * Throws a {@link ManifestError} when a manifest of `bytes` bytes (undefined:
 * unknown, but already over) exceeds the limit. Readers call it with the
 * file's size before reading it, so a huge file costs nothing.
 * @public
 */
export function checkManifestSize(
  file: string,
  bytes: number | undefined,
  limit: number = MAX_MANIFEST_BYTES,
): void {
  if (bytes !== undefined && bytes <= limit) return;
  throw new ManifestError(
    file,
    `${
      bytes === undefined ? 'more than' : `${size(bytes)}, more than`
    } the ${size(limit)} limit; split it into smaller files`,
  );
}

/**
 * The text of a manifest's bytes: UTF-8, with binary and other encodings
 * refused by a {@link ManifestError}.
 * @public
 */
export function decodeManifestBytes(bytes: Uint8Array, file: string): string {
  if (bytes.includes(0)) {
    throw new ManifestError(file, 'not a text file (contains NUL bytes)');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ManifestError(file, 'not a UTF-8 text file');
  }
}
