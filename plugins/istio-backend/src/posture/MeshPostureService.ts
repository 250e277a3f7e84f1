import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ClusterStatusView,
  ClusterSyncStatus,
  EntityPosture,
  MissingKind,
  WorkloadPosture,
  analyzeSnapshot,
  assessReadiness,
  buildSnapshot,
  combineReadiness,
} from '@meshportal/plugin-istio-common';
import { IstioClusterConfig } from '../clusters/config';
import { ClusterSource } from '../clusters/types';
import { observedKinds } from '../clusters/observedKinds';
import { LinkBuilder } from '../links/links';
import { TelemetryService } from '../telemetry/TelemetryService';
import { ClusterIndex } from './ClusterIndex';
import type { ClusterReport } from './clusterReport';
import { EntityWorkloadMapping, entityWorkloadMapping } from './entityMapping';
import { entityTraffic } from './entityTraffic';
import { fixedPosture } from './fixedPosture';
import { entityPostureJson } from './postureJson';
import {
  ClusterPart,
  PreparedClusterPosture,
  PreparedPostures,
} from './preparedPosture';
import { partialReason } from './readiness';
import { ReportSchedule } from './reportSchedule';
import { reportOrigin } from './reportOrigin';
import { certificateReviewDelay, rootCertificatesOf } from './rootCertificates';

export type { ClusterReport } from './clusterReport';

/**
 * Keeps, per cluster, a snapshot and the engine's report, recomputed
 * (debounced) when the cluster's objects change, never per request; builds
 * the posture of catalog entities from them.
 * @public
 */
export class MeshPostureService {
  private readonly reports = new Map<string, ClusterReport>();
  private readonly schedule: ReportSchedule;
  private readonly unsubscribes: Array<() => void> = [];
  private readonly links = new Map<string, LinkBuilder>();
  private readonly configs = new Map<string, IstioClusterConfig>();
  private readonly reportListeners = new Set<(report: ClusterReport) => void>();
  private readonly prepared = new PreparedPostures();

  constructor(
    private readonly options: {
      clusters: IstioClusterConfig[];
      sources: ClusterSource[];
      telemetry: TelemetryService;
      logger: LoggerService;
      /** Quiet time after a change before recomputing (default 2 s). */
      debounceMs?: number;
      /** Longest delay of a recomputation under constant changes (default 15 s). */
      maxWaitMs?: number;
      now?: () => number;
    },
  ) {
    for (const c of options.clusters) {
      this.configs.set(c.name, c);
      this.links.set(c.name, new LinkBuilder(c));
    }
    this.schedule = new ReportSchedule({
      debounceMs: options.debounceMs ?? 2000,
      maxWaitMs: options.maxWaitMs ?? 15_000,
    });
  }

  private get now() {
    return this.options.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    for (const source of this.options.sources) {
      this.unsubscribes.push(
        source.subscribe(() =>
          this.schedule.changed(source.cluster, () => this.recompute(source)),
        ),
      );
    }
    await Promise.all(
      this.options.sources.map(async source => {
        await source.start();
        this.recompute(source);
      }),
    );
  }

  async stop(): Promise<void> {
    this.unsubscribes.forEach(u => u());
    this.schedule.stop();
    await Promise.all(this.options.sources.map(s => s.stop()));
  }

  /** Rebuilds one cluster's report now (also used by tests). */
  recompute(source: ClusterSource): void {
    this.schedule.rebuilding(source.cluster);
    if (!source.status().ready) return;
    const config = this.configs.get(source.cluster);
    const entries = source.objects();
    try {
      const objects = entries.map(e => e.object);
      const { snapshot, problems } = buildSnapshot(objects, {
        istioNamespace: config?.meshRootNamespace,
        clusterDomain: config?.clusterDomain,
        originOf: (_o, i) => entries[i].origin,
        observedKinds: observedKinds(source.status()),
        now: new Date(this.now),
        rootCertificates: rootCertificatesOf(objects),
        proxyRestartThreshold: config?.proxyRestartThreshold,
      });
      const report = analyzeSnapshot(snapshot);
      this.schedule.reviewAfter(
        source.cluster,
        certificateReviewDelay(snapshot, this.now),
        () => this.recompute(source),
      );
      this.reports.set(source.cluster, {
        cluster: source.cluster,
        snapshot,
        report,
        index: new ClusterIndex(snapshot, report),
        problems,
        computedAt: new Date(this.now),
        generation: (this.reports.get(source.cluster)?.generation ?? 0) + 1,
        objectCount: entries.length,
      });
    } catch (error) {
      // The engine should never throw; if it does, keep serving the last report.
      this.options.logger.error(
        `istio: analysis of cluster ${source.cluster} failed: ${error}`,
      );
      return;
    }
    const served = this.reports.get(source.cluster)!;
    for (const listener of this.reportListeners) {
      try {
        listener(served);
      } catch (error) {
        this.options.logger.error(
          `istio: preparing for the new report of cluster ${source.cluster} failed: ${error}`,
        );
      }
    }
  }

  /**
   * Calls the listener with each new report, once it is served: what is
   * derived from a report can be prepared before the first request needs it.
   */
  onReport(listener: (report: ClusterReport) => void): () => void {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  }

  /** The latest report of each cluster that has one. */
  clusterReports(): ClusterReport[] {
    return [...this.reports.values()];
  }

  clusterReport(cluster: string): ClusterReport | undefined {
    return this.reports.get(cluster);
  }

  /**
   * Why the current reports do not show the whole mesh, one sentence per
   * cluster in reason words (no host or server text); empty when every
   * cluster has a current, complete, non-empty report. What is recorded
   * for a whole period (the adoption history) waits for none.
   */
  reportGaps(): string[] {
    return this.options.sources.flatMap(source => {
      const status = source.status();
      const report = this.reports.get(source.cluster);
      const named = (
        kinds: Array<Omit<MissingKind, 'state'> & { state: string }>,
      ) => kinds.map(k => `${k.kind} ${k.state} (${k.reason ?? k.state})`);
      const failing = status.kinds.filter(
        k => k.state === 'error' || k.state === 'pending',
      );
      let gap: string | undefined;
      if (!report || !status.ready) gap = 'not synced yet';
      else if (status.missingKinds.length)
        gap = `missing ${named(status.missingKinds).join(', ')}`;
      else if (failing.length)
        gap = `out of date: ${named(failing).join(', ')}`;
      else if (report.objectCount === 0) gap = 'empty report';
      return gap ? [`cluster ${source.cluster}: ${gap}`] : [];
    });
  }

  sourceStatus(cluster: string): ClusterSyncStatus | undefined {
    return this.options.sources.find(s => s.cluster === cluster)?.status();
  }

  linksFor(cluster: string): LinkBuilder {
    return (
      this.links.get(cluster) ?? new LinkBuilder({ grafanaDashboards: {} })
    );
  }

  clusterStatuses(): ClusterStatusView[] {
    return this.options.sources.map(source => {
      const report = this.reports.get(source.cluster);
      return {
        ...source.status(),
        computedAt: report?.computedAt.toISOString(),
        reportGeneration: report?.generation,
        objectCount: report?.objectCount ?? 0,
        workloadCount: report?.report.workloads.length ?? 0,
        findingCount: report?.report.findings.length ?? 0,
        problemCount: report?.problems.length ?? 0,
        telemetryConfigured: Boolean(
          this.configs.get(source.cluster)?.prometheusUrl,
        ),
      };
    });
  }

  /**
   * The workloads of one cluster that belong to an entity: the controller
   * (or bare pod) itself, or its pod template, carries matching labels,
   * as either would show in the Kubernetes plugin.
   */
  workloadsOf(
    report: ClusterReport,
    mapping: EntityWorkloadMapping,
  ): WorkloadPosture[] {
    return report.index.workloadsOf(mapping);
  }

  /** Builds the posture of one entity; InputError for a bad selector annotation. */
  async entityPosture(entity: Entity): Promise<EntityPosture> {
    const { summary, parts } = await this.assemble(entity);
    return {
      ...summary,
      clusters: parts.map(p => ({ ...p.live, ...p.prepared.fixed })),
    };
  }

  /**
   * The same posture as {@link MeshPostureService.entityPosture}, as the
   * JSON the API sends: each cluster's fixed part is spliced in as it was
   * serialized when first asked for in this report.
   */
  async entityPostureJson(entity: Entity): Promise<string> {
    const { summary, parts } = await this.assemble(entity);
    return entityPostureJson(summary, parts);
  }

  private async assemble(entity: Entity): Promise<{
    summary: Omit<EntityPosture, 'clusters'>;
    parts: ClusterPart[];
  }> {
    const mapping = entityWorkloadMapping(entity);
    const pendingClusters: string[] = [];
    const parts: ClusterPart[] = [];
    // Every cluster the entity may have objects in, found there or not: a
    // kind the cluster hides may be where they are.
    const missingKinds: Array<MissingKind & { cluster: string }> = [];
    for (const source of this.options.sources) {
      if (mapping.cluster && mapping.cluster !== source.cluster) continue;
      const status = source.status();
      for (const kind of status.missingKinds) {
        missingKinds.push({ cluster: source.cluster, ...kind });
      }
      const report = this.reports.get(source.cluster);
      if (!report) {
        pendingClusters.push(source.cluster);
        continue;
      }
      const prepared = this.preparedPosture(report, mapping);
      if (!prepared) continue;
      parts.push({
        prepared,
        live: await this.liveFields(report, prepared, status),
      });
    }
    const degraded = pendingClusters.length > 0 || missingKinds.length > 0;
    const oldest = parts.reduce<string | undefined>(
      (min, p) =>
        !min || p.prepared.fixed.generatedAt < min
          ? p.prepared.fixed.generatedAt
          : min,
      undefined,
    );
    const generatedAt = oldest ?? new Date(this.now).toISOString();
    const clusters = parts.map(p => p.live);
    return {
      summary: {
        entityRef: stringifyEntityRef(entity),
        selector: {
          labelSelector: mapping.labelSelector,
          namespace: mapping.namespace,
          cluster: mapping.cluster,
        },
        generatedAt,
        ageSeconds: Math.max(
          0,
          Math.round((this.now - Date.parse(generatedAt)) / 1000),
        ),
        stale: clusters.some(c => c.stale) || pendingClusters.length > 0,
        // Each found cluster's readiness already says what it could not
        // read; the rest is what no found cluster accounts for.
        readiness: combineReadiness(
          clusters.map(c => c.readiness),
          {
            partial: partialReason(
              missingKinds.filter(
                k => !parts.some(p => p.prepared.fixed.cluster === k.cluster),
              ),
              pendingClusters,
            ),
          },
        ),
        pendingClusters,
        degraded,
        missingKinds,
      },
      parts,
    };
  }

  private async liveFields(
    report: ClusterReport,
    prepared: PreparedClusterPosture,
    status: ClusterSyncStatus,
  ): Promise<ClusterPart['live']> {
    const traffic = await entityTraffic(
      this.options.telemetry,
      report.cluster,
      prepared.workloads,
    );
    return {
      ageSeconds: reportOrigin(report, this.now).ageSeconds,
      // Out of date: a kind failing (its last objects served) or syncing.
      stale: status.kinds.some(
        k => k.state === 'error' || k.state === 'pending',
      ),
      missingKinds: status.missingKinds,
      telemetry: traffic,
      readiness: assessReadiness({
        workloads: prepared.workloads,
        findings: prepared.fixed.findings,
        traffic,
        observationWindowSeconds: this.options.telemetry.windowSeconds,
        controlPlaneNamespace: report.snapshot.istioNamespace,
        partial: partialReason(status.missingKinds),
      }),
    };
  }

  /** The entity's fixed posture in one report, from the cache or built now. */
  private preparedPosture(
    report: ClusterReport,
    mapping: EntityWorkloadMapping,
  ): PreparedClusterPosture | null {
    return this.prepared.get(report, mapping, () =>
      fixedPosture(report, mapping, this.linksFor(report.cluster)),
    );
  }
}
