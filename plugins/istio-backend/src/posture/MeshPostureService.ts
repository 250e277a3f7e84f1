import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  AppliedObject,
  AuthorizationPolicyView,
  ClusterStatusView,
  ClusterSyncStatus,
  EntityClusterPosture,
  EntityPosture,
  InboundTraffic,
  MeshReport,
  MeshResource,
  MeshSnapshot,
  MissingKind,
  ServicePosture,
  SnapshotProblem,
  WorkloadPosture,
  analyzeSnapshot,
  assessReadiness,
  buildSnapshot,
  combineReadiness,
  selectorMatches,
  serviceHost,
} from '@meshportal/plugin-istio-common';
import { IstioClusterConfig } from '../clusters/config';
import { ClusterSource } from '../clusters/types';
import { observedKinds } from '../clusters/observedKinds';
import { LinkBuilder } from '../links/links';
import {
  TelemetryService,
  callersBySource,
} from '../telemetry/TelemetryService';
import { ClusterIndex, refKey } from './ClusterIndex';
import { EntityWorkloadMapping, entityWorkloadMapping } from './entityMapping';
import { objectsSelecting } from './entityObjects';
import { partialReason } from './readiness';
import { reportOrigin } from './reportOrigin';
import { policiesSelecting } from './serviceTraffic';
import { certificateReviewDelay, rootCertificatesOf } from './rootCertificates';

/** Istio kinds whose manifests the entity page shows (and lets people copy). */
const ISTIO_KINDS = new Set([
  'PeerAuthentication',
  'AuthorizationPolicy',
  'RequestAuthentication',
  'DestinationRule',
  'VirtualService',
  'Gateway',
  'Sidecar',
  'ServiceEntry',
]);

/**
 * The manifests of the Istio objects among `refs` (`Kind/namespace/name`),
 * as the cluster holds them: what a service owner copies into a fix.
 */
function appliedIstioObjects(
  snapshot: MeshSnapshot,
  refs: Set<string>,
): AppliedObject[] {
  const objects: AppliedObject[] = [];
  for (const ref of [...refs].sort()) {
    const [kind, namespace, name] = ref.split('/');
    if (!ISTIO_KINDS.has(kind)) continue;
    const resource = snapshot.get(
      kind as MeshResource['kind'],
      namespace,
      name,
    );
    if (!resource) continue;
    objects.push({
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      metadata: {
        name: resource.name,
        namespace: resource.namespace,
        ...(Object.keys(resource.labels).length
          ? { labels: resource.labels }
          : {}),
      },
      spec: resource.spec,
    });
  }
  return objects;
}

/** The engine's view of one cluster, recomputed when its objects change. @public */
export interface ClusterReport {
  cluster: string;
  snapshot: MeshSnapshot;
  report: Omit<MeshReport, 'problems'>;
  problems: SnapshotProblem[];
  computedAt: Date;
  /** Counts the cluster's reports from 1: which report an answer comes from. */
  generation: number;
  objectCount: number;
  /** Lookups over this report, built with it. */
  index: ClusterIndex;
}

const CONTROLLER_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** What may change between two views of one report: age, sync state, telemetry. */
type LiveFields =
  | 'ageSeconds'
  | 'stale'
  | 'missingKinds'
  | 'telemetry'
  | 'readiness';

/**
 * The part of an entity's posture in one cluster that only the report
 * decides, computed once per report and entity mapping and kept serialized:
 * a page view then costs a lookup and a string, not a rebuild.
 */
interface PreparedClusterPosture {
  fixed: Omit<EntityClusterPosture, LiveFields>;
  /** `fixed` as JSON. */
  json: string;
  /** Without links: what telemetry and readiness are assessed on. */
  workloads: WorkloadPosture[];
}

/** Answers kept per report: enough for every entity of a large catalog. */
const PREPARED_BYTES_PER_REPORT = 64 * 2 ** 20;

interface PreparedCache {
  /** Insertion order is recency: a hit moves its entry to the end. */
  entries: Map<string, PreparedClusterPosture | null>;
  bytes: number;
}

/** An entry's share of the budget; keys count, as misses are kept as null. */
const preparedSize = (key: string, entry: PreparedClusterPosture | null) =>
  key.length + (entry?.json.length ?? 0);

/** One cluster's share of an entity's posture, before it is rendered. */
interface ClusterPart {
  live: Pick<EntityClusterPosture, LiveFields>;
  prepared: PreparedClusterPosture;
}

/**
 * Keeps, per cluster, a snapshot and the engine's report, recomputed
 * (debounced) when the cluster's objects change, never per request; builds
 * the posture of catalog entities from them.
 * @public
 */
export class MeshPostureService {
  private readonly reports = new Map<string, ClusterReport>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Recomputations due when a root certificate finding changes with time. */
  private readonly certificateReviews = new Map<string, NodeJS.Timeout>();
  private readonly pendingSince = new Map<string, number>();
  private readonly unsubscribes: Array<() => void> = [];
  private readonly links = new Map<string, LinkBuilder>();
  private readonly configs = new Map<string, IstioClusterConfig>();
  private readonly reportListeners = new Set<(report: ClusterReport) => void>();
  // Keyed by the report object, so a new report starts with no answers.
  private readonly prepared = new WeakMap<ClusterReport, PreparedCache>();

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
  }

  private get now() {
    return this.options.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    for (const source of this.options.sources) {
      this.unsubscribes.push(source.subscribe(() => this.schedule(source)));
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
    this.timers.forEach(t => clearTimeout(t));
    this.certificateReviews.forEach(t => clearTimeout(t));
    await Promise.all(this.options.sources.map(s => s.stop()));
  }

  /**
   * Debounces changes; under constant churn the report is still rebuilt at
   * least every `maxWaitMs` so it never starves.
   */
  private schedule(source: ClusterSource) {
    const debounceMs = this.options.debounceMs ?? 2000;
    const maxWaitMs = this.options.maxWaitMs ?? 15_000;
    const now = Date.now();
    const first = this.pendingSince.get(source.cluster) ?? now;
    this.pendingSince.set(source.cluster, first);
    clearTimeout(this.timers.get(source.cluster));
    this.timers.set(
      source.cluster,
      setTimeout(
        () => this.recompute(source),
        Math.max(0, Math.min(debounceMs, first + maxWaitMs - now)),
      ),
    );
  }

  /** Rebuilds one cluster's report now (also used by tests). */
  recompute(source: ClusterSource): void {
    clearTimeout(this.timers.get(source.cluster));
    this.pendingSince.delete(source.cluster);
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
      this.scheduleCertificateReview(source, snapshot);
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

  /** Recomputes when the root certificate findings next change with time alone. */
  private scheduleCertificateReview(
    source: ClusterSource,
    snapshot: MeshSnapshot,
  ) {
    clearTimeout(this.certificateReviews.get(source.cluster));
    this.certificateReviews.delete(source.cluster);
    const delay = certificateReviewDelay(snapshot, this.now);
    if (delay === undefined) return;
    const timer = setTimeout(() => this.recompute(source), delay);
    timer.unref?.();
    this.certificateReviews.set(source.cluster, timer);
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
    const clusters = parts.map(
      p => `${JSON.stringify(p.live).slice(0, -1)},${p.prepared.json.slice(1)}`,
    );
    return `${JSON.stringify(summary).slice(0, -1)},"clusters":[${clusters.join(
      ',',
    )}]}`;
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
    const traffic = await this.workloadTraffic(
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
    let cache = this.prepared.get(report);
    if (!cache) {
      cache = { entries: new Map(), bytes: 0 };
      this.prepared.set(report, cache);
    }
    const key = `${mapping.namespace ?? ''}\u0000${
      mapping.labelSelector
    }\u0000${mapping.cluster ?? ''}`;
    const hit = cache.entries.get(key);
    if (hit !== undefined) {
      cache.entries.delete(key);
      cache.entries.set(key, hit);
      return hit;
    }
    const built = this.fixedPosture(report, mapping);
    const prepared = built && {
      ...built,
      json: JSON.stringify(built.fixed),
    };
    cache.entries.set(key, prepared);
    cache.bytes += preparedSize(key, prepared);
    for (const [oldest, entry] of cache.entries) {
      if (cache.bytes <= PREPARED_BYTES_PER_REPORT) break;
      cache.entries.delete(oldest);
      cache.bytes -= preparedSize(oldest, entry);
    }
    return prepared;
  }

  private fixedPosture(
    report: ClusterReport,
    mapping: EntityWorkloadMapping,
  ): Omit<PreparedClusterPosture, 'json'> | null {
    const { snapshot, index } = report;
    const workloads = this.workloadsOf(report, mapping);

    // Services: labelled for the entity, or selecting one of its workloads.
    const serviceKeys = new Set<string>();
    for (const w of workloads) {
      for (const s of w.services) serviceKeys.add(`${w.namespace}/${s}`);
    }
    for (const s of index.servicesOf(mapping)) {
      serviceKeys.add(`${s.namespace}/${s.name}`);
    }
    if (!workloads.length && !serviceKeys.size) return null;

    const links = this.linksFor(report.cluster);
    const services: ServicePosture[] = [...serviceKeys].sort().flatMap(key => {
      const [namespace, name] = key.split('/');
      const service = snapshot.get('Service', namespace, name);
      if (!service) return [];
      const fqdn = serviceHost(name, namespace, snapshot.clusterDomain);
      return [
        {
          namespace,
          name,
          ports: service.spec?.ports ?? [],
          selector: service.spec?.selector,
          ...index.traffic.forService(namespace, name),
          clientTls: index.clientTlsFor(fqdn),
          links: links.service(namespace, name),
        },
      ];
    });

    const policies = new Map<string, AuthorizationPolicyView>();
    for (const w of workloads) {
      for (const p of policiesSelecting(snapshot, w.namespace, w.labels)) {
        policies.set(`${p.namespace}/${p.name}`, p);
      }
    }

    const namespaces = [
      ...new Set([
        ...workloads.map(w => w.namespace),
        ...services.map(s => s.namespace),
      ]),
    ].sort();
    const touched = this.touchedRefs(
      snapshot,
      workloads,
      services,
      [...policies.values()],
      namespaces,
      index.configObjectsOf(mapping),
    );
    const findings = index.findingsAbout(touched, namespaces);
    const objects = appliedIstioObjects(snapshot, touched);

    return {
      workloads,
      fixed: {
        cluster: report.cluster,
        generatedAt: report.computedAt.toISOString(),
        reportGeneration: report.generation,
        workloads: workloads.map(w => ({
          ...w,
          links: links.workload(w.namespace, w.name),
        })),
        services,
        authorizationPolicies: [...policies.values()],
        findings,
        links: {
          namespaces: Object.fromEntries(
            namespaces.map(ns => [ns, links.namespace(ns)]),
          ),
          graph: links.graph(namespaces),
        },
        objects,
      },
    };
  }

  /** `Kind/namespace/name` of every object whose findings concern the entity. */
  private touchedRefs(
    snapshot: MeshSnapshot,
    workloads: WorkloadPosture[],
    services: ServicePosture[],
    policies: AuthorizationPolicyView[],
    namespaces: string[],
    labelled: MeshResource[],
  ): Set<string> {
    const refs = new Set<string>();
    const add = (kind: string, ns: string, name: string) =>
      refs.add(refKey(kind, ns, name));
    // Config labelled for the entity, and objects selecting its workloads
    // (Sidecars, Gateways...), whatever analyzer reports on them.
    labelled.forEach(o => add(o.kind, o.namespace, o.name));
    for (const w of workloads) {
      add(w.kind, w.namespace, w.name);
      for (const o of objectsSelecting(snapshot, w.namespace, w.labels)) {
        add(o.kind, o.namespace, o.name);
      }
      const own = snapshot.get(w.kind, w.namespace, w.name);
      const selector = CONTROLLER_KINDS.has(w.kind)
        ? own?.spec?.selector?.matchLabels
        : undefined;
      if (selector && Object.keys(selector).length) {
        for (const pod of snapshot.inNamespace('Pod', w.namespace)) {
          if (selectorMatches(selector, pod.labels))
            add('Pod', pod.namespace, pod.name);
        }
      }
      const policy = w.mtls.source.policy;
      if (policy?.includes('/')) {
        const [ns, name] = policy.split('/');
        add('PeerAuthentication', ns, name);
      }
    }
    for (const s of services) {
      add('Service', s.namespace, s.name);
      s.virtualServices.forEach(v =>
        add('VirtualService', v.namespace, v.name),
      );
      s.destinationRules.forEach(d =>
        add('DestinationRule', d.namespace, d.name),
      );
    }
    policies.forEach(p => add('AuthorizationPolicy', p.namespace, p.name));
    // Namespace-wide PeerAuthentications govern every workload of the namespace.
    for (const ns of namespaces) {
      for (const pa of snapshot.inNamespace('PeerAuthentication', ns)) {
        add('PeerAuthentication', pa.namespace, pa.name);
      }
    }
    return refs;
  }

  private async workloadTraffic(
    cluster: string,
    workloads: WorkloadPosture[],
  ): Promise<InboundTraffic> {
    const results = await Promise.all(
      workloads.map(w =>
        this.options.telemetry.inbound(cluster, {
          namespace: w.namespace,
          workload: w.name,
        }),
      ),
    );
    if (!results.length) return this.options.telemetry.none(cluster);
    const failed = results.find(r => !r.available);
    if (failed) return failed;
    const callers = results.flatMap(r => r.callers);
    return {
      available: true,
      window: results[0].window,
      windowSeconds: results[0].windowSeconds,
      // The oldest answer: what all of them cover.
      observedAt: results
        .map(r => r.observedAt)
        .reduce((a, b) => (a && b && b < a ? b : a)),
      callers,
      sources: callersBySource(callers),
      evidence: results.flatMap(r => r.evidence ?? []),
    };
  }
}
