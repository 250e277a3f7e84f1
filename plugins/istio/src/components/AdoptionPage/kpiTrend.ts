import { AdoptionReport } from '@meshportal/plugin-istio-common';
import { AdoptionHistoryPoint } from '../../api/types';

const DAY_MS = 86_400_000;

/** One headline number and how it moved. */
export interface Kpi {
  value: number;
  /** Change since 7 and 30 days ago; undefined when no history goes back that far. */
  change7?: number;
  change30?: number;
}

/** The adoption page's headline numbers. */
export interface AdoptionKpis {
  /** Percent of workloads in the mesh. */
  inMesh: Kpi;
  /** Percent of workloads at STRICT. */
  strict: Kpi;
  /** Blockers across namespaces. */
  blockers: Kpi;
}

/** The latest recorded point at or before `at`. */
export function pointAt(
  history: AdoptionHistoryPoint[],
  at: number,
): AdoptionHistoryPoint | undefined {
  let found: AdoptionHistoryPoint | undefined;
  for (const p of history) {
    const t = Date.parse(p.time);
    if (Number.isNaN(t) || t > at) continue;
    if (!found || t >= Date.parse(found.time)) found = p;
  }
  return found;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Open blockers: every namespace's, as the waves board lists them. */
export function openBlockers(report: AdoptionReport): number {
  return report.byNamespace.reduce((n, ns) => n + ns.blockers.length, 0);
}

/**
 * Current KPIs from the adoption report, and their change against the
 * history point recorded 7 and 30 days before `now`.
 */
export function computeKpis(
  report: AdoptionReport,
  history: AdoptionHistoryPoint[],
  now: number,
): AdoptionKpis {
  const past7 = pointAt(history, now - 7 * DAY_MS);
  const past30 = pointAt(history, now - 30 * DAY_MS);
  const kpi = (
    value: number,
    of: (p: AdoptionHistoryPoint) => number | undefined,
  ): Kpi => {
    const then7 = past7 && of(past7);
    const then30 = past30 && of(past30);
    return {
      value,
      change7: then7 === undefined ? undefined : round1(value - then7),
      change30: then30 === undefined ? undefined : round1(value - then30),
    };
  };
  return {
    inMesh: kpi(report.totals.percent.enrolled, p => p.enrolled),
    strict: kpi(report.totals.percent.strict, p => p.strict),
    blockers: kpi(openBlockers(report), p => p.blockers),
  };
}
