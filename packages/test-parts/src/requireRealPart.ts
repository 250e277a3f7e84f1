/**
 * CI is where every real part must be present; scripts/test.sh sets
 * CI=true unless told otherwise.
 */
function inCi(): boolean {
  const ci = process.env.CI;
  return !!ci && ci !== 'false' && ci !== '0';
}

/**
 * The `describe` for a suite that needs a real part of the machine (kubectl,
 * PostgreSQL, Prometheus, Chromium, `../shared`).
 *
 * With the part present it is `describe`. With it missing it throws under CI,
 * naming the part, so the suite fails rather than passing with nothing run;
 * elsewhere it is `describe.skip`, and the reason is printed.
 *
 * @param name - The part, as someone would look for it, e.g. `kubectl (/usr/bin/kubectl)`.
 * @param available - Whether the part is present.
 * @param hint - How to get it.
 * @public
 */
export function requireRealPart(
  name: string,
  available: boolean,
  hint: string,
): jest.Describe {
  if (available) return describe;
  const reason = `${name} is missing: ${hint}`;
  if (inCi()) {
    throw new Error(
      `${reason}. With CI=true a suite that needs it fails instead of skipping.`,
    );
  }
  // Jest lists skipped tests without a reason; say it here.
  // eslint-disable-next-line no-console
  console.warn(`${reason}. Its tests are skipped.`);
  return describe.skip;
}
