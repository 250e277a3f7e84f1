import { InputError } from '@backstage/errors';

/** The longest `from`–`to` span one history request may ask for. @public */
export const MAX_HISTORY_RANGE_DAYS = 400;

/** The most periods one history request may span. @public */
export const MAX_HISTORY_POINTS = 3000;

const DAY_MS = 24 * 3600 * 1000;

/**
 * Where a history request without `from` starts: 30 days before `to`, or
 * {@link MAX_HISTORY_POINTS} periods before it when periods are so short
 * that 30 days would be more, so the default range is always accepted.
 * @public
 */
export function defaultHistoryFrom(
  to: string,
  periodMs: number | undefined,
): Date {
  const spanMs = Math.min(
    30 * DAY_MS,
    periodMs ? MAX_HISTORY_POINTS * periodMs : Infinity,
  );
  return new Date(Date.parse(to) - spanMs);
}

/**
 * Checks a history request's range: `from` not after `to`, at most
 * {@link MAX_HISTORY_RANGE_DAYS} days, and at most
 * {@link MAX_HISTORY_POINTS} recording periods, so one request cannot make
 * the store read (and the API send) years of hourly namespace rows.
 * Throws one InputError listing every problem.
 * @public
 */
export function checkHistoryRange(
  from: string,
  to: string,
  periodMs: number | undefined,
): void {
  const spanMs = Date.parse(to) - Date.parse(from);
  const problems: string[] = [];
  if (spanMs < 0) problems.push('"from" is after "to"');
  if (spanMs > MAX_HISTORY_RANGE_DAYS * DAY_MS) {
    problems.push(
      `the range spans ${Math.ceil(
        spanMs / DAY_MS,
      )} days; at most ${MAX_HISTORY_RANGE_DAYS} days may be asked for at once`,
    );
  }
  const points = periodMs ? Math.ceil(spanMs / periodMs) : 0;
  if (points > MAX_HISTORY_POINTS) {
    problems.push(
      `the range spans ${points} recording periods of ${
        periodMs! / 60_000
      } minutes; at most ${MAX_HISTORY_POINTS} points may be asked for at once (narrow "from"–"to")`,
    );
  }
  if (problems.length) {
    throw new InputError(`invalid history range: ${problems.join('; ')}`);
  }
}
