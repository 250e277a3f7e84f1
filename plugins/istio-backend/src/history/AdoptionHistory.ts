import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  AdoptionHistoryPeriod,
  AdoptionReport,
} from '@meshportal/plugin-istio-common';
import { AdoptionService } from '../adoption/AdoptionService';
import { HistoryRow, HistoryStore, periodStart } from './HistoryStore';

/** Turns an adoption report into the rows of one period. @public */
export function historyRows(
  report: AdoptionReport,
  period: string,
): HistoryRow[] {
  return [
    { periodStart: period, scope: 'mesh', subject: '', data: report.totals },
    ...report.byNamespace.map(n => ({
      periodStart: period,
      scope: 'namespace' as const,
      subject: `${n.cluster}/${n.namespace}`,
      stage: n.stage,
      data: { counts: n.counts, blockers: n.blockers.length },
    })),
    ...report.entities.map(e => ({
      periodStart: period,
      scope: 'entity' as const,
      subject: e.entityRef,
      stage: e.stage,
      data: { counts: e.counts },
    })),
  ];
}

/**
 * Records one adoption snapshot per period and serves the series back.
 * @public
 */
export class AdoptionHistory {
  constructor(
    private readonly options: {
      store: HistoryStore;
      adoption: AdoptionService;
      /** True once every cluster has a report: an early snapshot would be wrong for the whole period. */
      ready: () => boolean;
      /**
       * Why the reports are partial, out of date or empty (one entry per
       * cluster); a period is recorded only when there is none.
       */
      gaps?: () => string[];
      periodMs: number;
      retentionMs: number;
      logger: LoggerService;
    },
  ) {}

  get periodMs() {
    return this.options.periodMs;
  }

  /** Records the current period unless already recorded; prunes old periods. */
  async recordNow(
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<'recorded' | 'already-recorded' | 'not-ready' | 'partial'> {
    const { store, adoption, periodMs, retentionMs, logger } = this.options;
    if (!this.options.ready()) {
      logger.info(
        'istio: clusters not synced yet, adoption history not recorded',
      );
      return 'not-ready';
    }
    const gaps = this.options.gaps?.() ?? [];
    if (gaps.length) {
      // A period computed from part of the mesh would read as a change in it.
      logger.warn(
        `istio: adoption history not recorded for this period, the reports are incomplete: ${gaps.join(
          '; ',
        )}`,
      );
      return 'partial';
    }
    const period = periodStart(now, periodMs);
    let outcome: 'recorded' | 'already-recorded' = 'already-recorded';
    if (!(await store.hasPeriod(period))) {
      const report = await adoption.adoption({}, credentials);
      // Another instance may have written the period meanwhile: its rows win.
      await store.record(historyRows(report, period));
      outcome = 'recorded';
    }
    await store.prune(new Date(now.getTime() - retentionMs).toISOString());
    return outcome;
  }

  /** Mesh totals and namespace stages per period in [from, to); or one entity's series. */
  async series(
    from: string,
    to: string,
    entityRef?: string,
  ): Promise<AdoptionHistoryPeriod[]> {
    const { store } = this.options;
    const rows = entityRef
      ? await store.read({ from, to, scope: 'entity', subject: entityRef })
      : [
          ...(await store.read({ from, to, scope: 'mesh' })),
          ...(await store.read({ from, to, scope: 'namespace' })),
        ];
    const points = new Map<string, AdoptionHistoryPeriod>();
    for (const row of rows) {
      const point = points.get(row.periodStart) ?? {
        periodStart: row.periodStart,
        namespaces: [],
      };
      if (row.scope === 'mesh') point.totals = row.data;
      else if (row.scope === 'entity')
        point.totals = { stage: row.stage, ...(row.data as object) };
      else
        point.namespaces.push({
          subject: row.subject,
          stage: row.stage,
          data: row.data,
        });
      points.set(row.periodStart, point);
    }
    return [...points.values()].sort((a, b) =>
      a.periodStart.localeCompare(b.periodStart),
    );
  }
}
