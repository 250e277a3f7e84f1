import {
  AdoptionCounts,
  AdoptionReport,
  NamespaceAdoption,
} from '@meshportal/plugin-istio-common';
import {
  HistoryRow,
  historyRows,
  periodStart,
} from '@meshportal/plugin-istio-backend';

/*
 * Demo only. The Harbor Bank demo starts with an empty history table, so
 * its trend chart and 7- and 30-day changes would stay empty for weeks.
 * This backfills the days before the demo started from today's adoption
 * report, undoing the rollout waves of examples/mesh/harbor-bank one by one.
 */

const DAY_MS = 86_400_000;

/** When one namespace joined the mesh and went STRICT, in days before today. */
export interface RolloutWave {
  namespace: string;
  enrolledDaysAgo: number;
  strictDaysAgo?: number;
}

/**
 * The demo's waves (the `meshportal.io/wave` labels of the snapshot):
 * payments first and STRICT since, then ledger, then channels; core-banking
 * has not started, and istio-system is where the rollout began.
 */
export const HARBOR_BANK_WAVES: RolloutWave[] = [
  { namespace: 'payments', enrolledDaysAgo: 26, strictDaysAgo: 19 },
  { namespace: 'ledger', enrolledDaysAgo: 17 },
  { namespace: 'channels', enrolledDaysAgo: 5 },
];

function counts(c: Omit<AdoptionCounts, 'percent'>): AdoptionCounts {
  const pct = (n: number) =>
    c.workloads ? Math.round((n / c.workloads) * 1000) / 10 : 0;
  return {
    ...c,
    percent: {
      enrolled: pct(c.enrolled),
      strict: pct(c.strict),
      permissive: pct(c.permissive),
      disable: pct(c.disable),
      notInMesh: pct(c.notInMesh),
    },
  };
}

/** A namespace as it stood `daysAgo`, given its wave. */
function namespaceThen(
  now: NamespaceAdoption,
  wave: RolloutWave,
  daysAgo: number,
): NamespaceAdoption {
  const { workloads } = now.counts;
  if (daysAgo >= wave.enrolledDaysAgo) {
    // Before injection: every workload without a proxy, each one a blocker.
    return {
      ...now,
      stage: 'not-enrolled',
      counts: counts({
        workloads,
        enrolled: 0,
        strict: 0,
        permissive: 0,
        disable: 0,
        notInMesh: workloads,
      }),
      blockers: Array.from({ length: workloads }, (_, i) => ({
        type: 'pods-without-proxy' as const,
        namespace: now.namespace,
        workload: `workload-${i + 1}`,
        pods: 1,
      })),
    };
  }
  if (wave.strictDaysAgo !== undefined && daysAgo >= wave.strictDaysAgo) {
    const { enrolled, disable } = now.counts;
    return {
      ...now,
      stage: 'permissive',
      counts: counts({
        workloads,
        enrolled,
        strict: 0,
        permissive: enrolled - disable,
        disable,
        notInMesh: workloads - enrolled,
      }),
    };
  }
  return now;
}

/** Today's mesh totals moved by how much each namespace differed then. */
function totalsThen(
  now: AdoptionCounts,
  before: NamespaceAdoption[],
  after: NamespaceAdoption[],
): AdoptionCounts {
  const keys = [
    'workloads',
    'enrolled',
    'strict',
    'permissive',
    'disable',
    'notInMesh',
  ] as const;
  const moved = Object.fromEntries(
    keys.map(k => [
      k,
      Math.max(
        0,
        after.reduce(
          (n, ns, i) => n + ns.counts[k] - before[i].counts[k],
          now[k],
        ),
      ),
    ]),
  ) as Omit<AdoptionCounts, 'percent'>;
  return counts(moved);
}

/**
 * The history rows of one period a day for `days` days before `now`, each
 * today's report with the waves not yet reached undone. The current period
 * is left to the plugin's own recording. Entity rows are not backfilled.
 */
export function rolloutBackfill(
  report: AdoptionReport,
  waves: RolloutWave[],
  options: { now: Date; periodMs: number; days: number },
): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const today = report.byNamespace;
  for (let daysAgo = options.days; daysAgo >= 1; daysAgo--) {
    const then = today.map(ns => {
      const wave = waves.find(w => w.namespace === ns.namespace);
      return wave ? namespaceThen(ns, wave, daysAgo) : ns;
    });
    const period = periodStart(
      new Date(options.now.getTime() - daysAgo * DAY_MS),
      options.periodMs,
    );
    rows.push(
      ...historyRows(
        {
          ...report,
          totals: totalsThen(report.totals, today, then),
          byNamespace: then,
          entities: [],
        },
        period,
      ),
    );
  }
  return rows;
}
