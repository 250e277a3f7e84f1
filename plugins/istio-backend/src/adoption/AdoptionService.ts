import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import {
  CATALOG_FILTER_EXISTS,
  EntityFilterQuery,
} from '@backstage/catalog-client';
import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AdoptionCounts,
  AdoptionFilters,
  AdoptionReport,
  EntityAdoption,
  Finding,
  InboundCaller,
  InboundTraffic,
  NamespaceAdoption,
  Readiness,
  Severity,
  WorkloadPosture,
  assessReadiness,
  combineReadiness,
  isConflictFinding,
} from '@meshportal/plugin-istio-common';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  EntityWorkloadMapping,
  entityWorkloadMapping,
  hasKubernetesAnnotations,
} from '../posture/entityMapping';
import {
  ClusterReport,
  MeshPostureService,
} from '../posture/MeshPostureService';
import { reportOrigin } from '../posture/reportOrigin';
import { partialReason } from '../posture/readiness';
import { TelemetryService } from '../telemetry/TelemetryService';

/** Stands in for the owner or system of workloads no entity claims. @public */
export const UNMAPPED = '(no catalog entity)';

function pct(n: number, total: number): number {
  return total ? Math.round((n / total) * 1000) / 10 : 0;
}

/** Counts workloads by enrollment and by their workload-level mTLS mode. @public */
export function countAdoption(workloads: WorkloadPosture[]): AdoptionCounts {
  let enrolled = 0;
  let strict = 0;
  let permissive = 0;
  let disable = 0;
  for (const w of workloads) {
    if (w.dataplane === 'none') continue;
    enrolled++;
    if (w.mtls.mode === 'STRICT') strict++;
    else if (w.mtls.mode === 'DISABLE') disable++;
    else permissive++;
  }
  const total = workloads.length;
  const notInMesh = total - enrolled;
  return {
    workloads: total,
    enrolled,
    strict,
    permissive,
    disable,
    notInMesh,
    percent: {
      enrolled: pct(enrolled, total),
      strict: pct(strict, total),
      permissive: pct(permissive, total),
      disable: pct(disable, total),
      notInMesh: pct(notInMesh, total),
    },
  };
}

/** The target of an entity's relation, else its spec field as a full ref. @public */
export function relationTarget(
  entity: Entity,
  type: string,
  fallback: unknown,
  defaultKind: string,
) {
  const relation = entity.relations?.find(r => r.type === type);
  if (relation) return relation.targetRef;
  if (typeof fallback !== 'string' || !fallback) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(fallback, {
        defaultKind,
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

function normalizeRef(ref: string | undefined, defaultKind: string) {
  if (!ref) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch {
    return ref;
  }
}

function append<K, T>(map: Map<K, T[]>, key: K, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Keeps at most `limit` entries, dropping the least recently stored. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): V {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
  return value;
}

/** An annotated catalog entity, as the summary groups it. */
interface MappedEntity {
  ref: string;
  owner?: string;
  system?: string;
  mapping: EntityWorkloadMapping;
}

/** One catalog answer, mapped once; `key` fingerprints what the summary reads of it. */
interface CatalogView {
  key: string;
  mapped: MappedEntity[];
  unmapped: AdoptionReport['unmappedEntities'];
}

/** Which entities claim each workload of one cluster report. */
interface ReportClaims {
  owners: Map<WorkloadPosture, Set<string>>;
  systems: Map<WorkloadPosture, Set<string>>;
  workloadsOf: Map<string, WorkloadPosture[]>;
}

/**
 * A summary already built, valid while its reports and traffic stay the
 * same. Reports are held weakly: a replaced report must not stay in memory
 * for the sake of a cache entry that can no longer match.
 */
interface CachedSummary {
  reports: Array<WeakRef<ClusterReport>>;
  /** The clusters of `reports` and their traffic, in the same order. */
  clusters: string[];
  traffic: InboundTraffic[];
  body: Omit<AdoptionReport, 'generatedAt' | 'filters'>;
  /** What it was built from, to build it again for a new report. */
  view: CatalogView;
  ownerFilter?: string;
  systemFilter?: string;
  cluster?: string;
}

/** Entities carrying either annotation that maps them to workloads. */
const ANNOTATED_FILTER: EntityFilterQuery = [
  {
    [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: CATALOG_FILTER_EXISTS,
  },
  {
    [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]:
      CATALOG_FILTER_EXISTS,
  },
];

/** Everything the mapping and the grouping read of an entity; the catalog sends nothing else. */
const ENTITY_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  ...[
    KUBERNETES_ID_ANNOTATION,
    KUBERNETES_LABEL_SELECTOR_ANNOTATION,
    KUBERNETES_NAMESPACE_ANNOTATION,
    KUBERNETES_CLUSTER_ANNOTATION,
  ].map(annotation => `metadata.annotations.${annotation}`),
  'spec.owner',
  'spec.system',
  'relations',
];

/** Entities per catalog page. */
const CATALOG_PAGE_SIZE = 500;

/** Catalog answers, and summaries per catalog answer and filters, kept. */
const CATALOG_VIEWS = 8;
const SUMMARIES = 64;
/** Summaries rebuilt with each new report: the most recently asked for. */
const PREPARED = 2;

/**
 * Readiness only reads whether traffic is known and its callers: two reads
 * of a cluster with no caller at all (no Prometheus, or no traffic) agree.
 */
function sameTraffic(a: InboundTraffic, b: InboundTraffic): boolean {
  return (
    a === b ||
    (a.available === b.available &&
      a.callers.length === 0 &&
      b.callers.length === 0 &&
      !a.evidence?.length &&
      !b.evidence?.length)
  );
}

/**
 * The order of `localeCompare`, with one collator instead of one per
 * comparison (sorting 5k entity refs otherwise dominates the summary).
 */
const byText = new Intl.Collator().compare;

const destinationKey = (namespace: string, workload: string) =>
  `${namespace}/${workload}`;

/**
 * Mesh adoption across the catalog: how many workloads are enrolled and at
 * which mTLS mode, grouped by owner, system and namespace, with each
 * namespace's wave stage.
 *
 * The catalog is read with the caller's credentials on every request; what
 * is derived from its answer (entity to workload claims, readiness rows) is
 * kept per cluster report and per fingerprint of that answer, so a summary
 * is recomputed only when a report is recomputed, the telemetry changes or
 * the catalog answers differently.
 * @public
 */
export class AdoptionService {
  private readonly catalogViews = new Map<string, CatalogView>();
  private readonly claims = new WeakMap<
    ClusterReport,
    Map<string, ReportClaims>
  >();
  private readonly conflicts = new WeakMap<
    ClusterReport,
    Map<string, Finding[]>
  >();
  private readonly callersTo = new WeakMap<
    InboundTraffic,
    {
      byWorkload: Map<string, InboundCaller[]>;
      byNamespace: Map<string, InboundCaller[]>;
    }
  >();
  private readonly summaries = new Map<string, CachedSummary>();

  constructor(
    private readonly posture: MeshPostureService,
    private readonly catalog: CatalogService,
    private readonly telemetry: TelemetryService,
  ) {
    posture.onReport(report => this.prepare(report));
  }

  /**
   * Builds, with a new report, the claims of the catalog answers seen lately
   * and the summaries asked for most recently (with the traffic they were
   * built with), so the first summary after a change finds them ready. No
   * catalog read here: a request still reads the catalog with its caller's
   * credentials, and any difference in the answer or the traffic rebuilds.
   */
  private prepare(report: ClusterReport) {
    for (const view of this.catalogViews.values()) {
      this.claimsOf(report, view);
    }
    for (const [key, summary] of [...this.summaries].slice(-PREPARED)) {
      if (summary.cluster && summary.cluster !== report.cluster) continue;
      const reports = this.posture
        .clusterReports()
        .filter(r => !summary.cluster || r.cluster === summary.cluster);
      const traffic = reports.map(
        r => summary.traffic[summary.clusters.indexOf(r.cluster)],
      );
      // A cluster new to this summary: its traffic is not known yet.
      if (traffic.some(t => !t)) continue;
      this.summaries.set(key, {
        ...summary,
        reports: reports.map(r => new WeakRef(r)),
        clusters: reports.map(r => r.cluster),
        traffic,
        body: this.summarize(
          summary.view,
          reports,
          traffic,
          summary.ownerFilter,
          summary.systemFilter,
        ),
      });
    }
  }

  /**
   * The annotated entities the caller may see, page by page through the
   * catalog's cursor, with only the fields the mapping and grouping read.
   */
  async annotatedEntities(
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const entities: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.catalog.queryEntities(
        cursor
          ? { cursor, limit: CATALOG_PAGE_SIZE, fields: ENTITY_FIELDS }
          : {
              filter: ANNOTATED_FILTER,
              limit: CATALOG_PAGE_SIZE,
              fields: ENTITY_FIELDS,
            },
        { credentials },
      );
      entities.push(...page.items);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return entities.filter(hasKubernetesAnnotations);
  }

  /** Maps the catalog's answer, or reuses the mapping of an identical answer. */
  private catalogView(entities: Entity[]): CatalogView {
    const hash = createHash('sha256');
    const refs: string[] = [];
    const owners: Array<string | undefined> = [];
    const systems: Array<string | undefined> = [];
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const owner = relationTarget(
        entity,
        RELATION_OWNED_BY,
        entity.spec?.owner,
        'group',
      );
      const system = relationTarget(
        entity,
        RELATION_PART_OF,
        entity.spec?.system,
        'system',
      );
      const annotations = entity.metadata.annotations ?? {};
      refs.push(ref);
      owners.push(owner);
      systems.push(system);
      // Everything the mapping and the grouping read of the entity.
      hash.update(
        [
          ref,
          entity.metadata.name,
          owner,
          system,
          annotations[KUBERNETES_ID_ANNOTATION],
          annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
          annotations[KUBERNETES_NAMESPACE_ANNOTATION],
          annotations[KUBERNETES_CLUSTER_ANNOTATION],
        ]
          .map(field => (field === undefined ? '\u0001' : field))
          .join('\u0000')
          .concat('\u0002'),
      );
    }
    const key = hash.digest('hex');
    const known = this.catalogViews.get(key);
    if (known) return remember(this.catalogViews, key, known, CATALOG_VIEWS);

    const view: CatalogView = { key, mapped: [], unmapped: [] };
    entities.forEach((entity, i) => {
      try {
        view.mapped.push({
          ref: refs[i],
          owner: owners[i],
          system: systems[i],
          mapping: entityWorkloadMapping(entity),
        });
      } catch (error) {
        view.unmapped.push({
          entityRef: refs[i],
          error: (error as Error).message,
        });
      }
    });
    return remember(this.catalogViews, key, view, CATALOG_VIEWS);
  }

  /** The entities claiming each workload of a report, once per report and catalog answer. */
  private claimsOf(report: ClusterReport, view: CatalogView): ReportClaims {
    let perView = this.claims.get(report);
    if (!perView) {
      perView = new Map();
      this.claims.set(report, perView);
    }
    const known = perView.get(view.key);
    if (known) return known;
    const claims: ReportClaims = {
      owners: new Map(),
      systems: new Map(),
      workloadsOf: new Map(),
    };
    for (const m of view.mapped) {
      if (m.mapping.cluster && m.mapping.cluster !== report.cluster) continue;
      for (const w of this.posture.workloadsOf(report, m.mapping)) {
        let owners = claims.owners.get(w);
        if (!owners) claims.owners.set(w, (owners = new Set()));
        let systems = claims.systems.get(w);
        if (!systems) claims.systems.set(w, (systems = new Set()));
        owners.add(m.owner ?? UNMAPPED);
        systems.add(m.system ?? UNMAPPED);
        append(claims.workloadsOf, m.ref, w);
      }
    }
    return remember(perView, view.key, claims, CATALOG_VIEWS);
  }

  /**
   * A namespace's findings that block STRICT: the only ones readiness
   * reads, filtered once per report rather than per entity.
   */
  private conflictsIn(report: ClusterReport, namespace: string): Finding[] {
    let perNamespace = this.conflicts.get(report);
    if (!perNamespace) {
      perNamespace = new Map();
      this.conflicts.set(report, perNamespace);
    }
    let found = perNamespace.get(namespace);
    if (!found) {
      found = report.index.findingsIn(namespace).filter(isConflictFinding);
      perNamespace.set(namespace, found);
    }
    return found;
  }

  /**
   * Callers by destination workload and namespace: readiness only reads a
   * workload's own callers, so each group gets only those instead of the
   * whole cluster's.
   */
  private callersOf(traffic: InboundTraffic) {
    let grouped = this.callersTo.get(traffic);
    if (!grouped) {
      grouped = { byWorkload: new Map(), byNamespace: new Map() };
      for (const c of traffic.callers) {
        append(
          grouped.byWorkload,
          destinationKey(c.destinationNamespace, c.destinationWorkload),
          c,
        );
        append(grouped.byNamespace, c.destinationNamespace, c);
      }
      this.callersTo.set(traffic, grouped);
    }
    return grouped;
  }

  /**
   * istio-common's verdict for workloads of one report, with the mTLS
   * conflicts of their namespaces and what the cluster could not read.
   */
  private readinessIn(
    report: ClusterReport,
    workloads: WorkloadPosture[],
    traffic: InboundTraffic,
  ): Readiness {
    const findings = new Set<Finding>();
    for (const namespace of new Set(workloads.map(w => w.namespace))) {
      this.conflictsIn(report, namespace).forEach(f => findings.add(f));
    }
    return assessReadiness({
      workloads,
      findings: [...findings],
      traffic,
      observationWindowSeconds: this.telemetry.windowSeconds,
      controlPlaneNamespace: report.snapshot.istioNamespace,
      partial: partialReason(
        this.posture.sourceStatus(report.cluster)?.missingKinds ?? [],
      ),
    });
  }

  async adoption(
    filters: AdoptionFilters,
    credentials: BackstageCredentials,
  ): Promise<AdoptionReport> {
    const ownerFilter = normalizeRef(filters.owner, 'group');
    const systemFilter = normalizeRef(filters.system, 'system');
    const view = this.catalogView(await this.annotatedEntities(credentials));
    const reports = this.posture
      .clusterReports()
      .filter(r => !filters.cluster || r.cluster === filters.cluster);
    const traffic = await Promise.all(
      reports.map(r => this.telemetry.inbound(r.cluster)),
    );

    const key = JSON.stringify([
      view.key,
      ownerFilter,
      systemFilter,
      filters.cluster,
      // A kind that becomes readable again changes verdicts, not reports.
      reports.map(r => this.posture.sourceStatus(r.cluster)?.missingKinds),
    ]);
    const cached = this.summaries.get(key);
    if (
      cached &&
      cached.reports.length === reports.length &&
      cached.reports.every((r, i) => r.deref() === reports[i]) &&
      cached.traffic.every((t, i) => sameTraffic(t, traffic[i]))
    ) {
      return {
        generatedAt: new Date().toISOString(),
        filters,
        ...remember(this.summaries, key, cached, SUMMARIES).body,
        reports: reports.map(r => reportOrigin(r, Date.now())),
      };
    }
    const body = this.summarize(
      view,
      reports,
      traffic,
      ownerFilter,
      systemFilter,
    );
    remember(
      this.summaries,
      key,
      {
        reports: reports.map(r => new WeakRef(r)),
        clusters: reports.map(r => r.cluster),
        traffic,
        body,
        view,
        ownerFilter,
        systemFilter,
        cluster: filters.cluster,
      },
      SUMMARIES,
    );
    return {
      generatedAt: new Date().toISOString(),
      filters,
      ...body,
      reports: reports.map(r => reportOrigin(r, Date.now())),
    };
  }

  private summarize(
    view: CatalogView,
    reports: ClusterReport[],
    trafficOf: InboundTraffic[],
    ownerFilter: string | undefined,
    systemFilter: string | undefined,
  ): CachedSummary['body'] {
    const claims = reports.map(r => this.claimsOf(r, view));
    const traffic = new Map<string, InboundTraffic>();
    const telemetryUnavailable: string[] = [];
    reports.forEach((report, i) => {
      traffic.set(report.cluster, trafficOf[i]);
      if (!trafficOf[i].available) telemetryUnavailable.push(report.cluster);
    });

    const all: WorkloadPosture[] = [];
    const byOwner = new Map<string, WorkloadPosture[]>();
    const bySystem = new Map<string, WorkloadPosture[]>();
    const byNamespace = new Map<
      string,
      { report: ClusterReport; workloads: WorkloadPosture[] }
    >();
    reports.forEach((report, i) => {
      const { owners, systems } = claims[i];
      for (const w of report.report.workloads) {
        const ownersOfW = owners.get(w);
        const systemsOfW = systems.get(w);
        if (ownerFilter && !ownersOfW?.has(ownerFilter)) continue;
        if (systemFilter && !systemsOfW?.has(systemFilter)) continue;
        all.push(w);
        for (const owner of ownersOfW ?? [UNMAPPED]) {
          if (ownerFilter && owner !== ownerFilter) continue;
          append(byOwner, owner, w);
        }
        for (const system of systemsOfW ?? [UNMAPPED]) {
          if (systemFilter && system !== systemFilter) continue;
          append(bySystem, system, w);
        }
        const nsKey = `${report.cluster}/${w.namespace}`;
        const entry = byNamespace.get(nsKey) ?? { report, workloads: [] };
        entry.workloads.push(w);
        byNamespace.set(nsKey, entry);
      }
    });

    const namespaces: NamespaceAdoption[] = [...byNamespace.values()]
      .map(({ report, workloads }) => {
        const namespace = workloads[0].namespace;
        const inbound = traffic.get(report.cluster)!;
        const readiness = this.readinessIn(report, workloads, {
          ...inbound,
          callers: this.callersOf(inbound).byNamespace.get(namespace) ?? [],
        });
        const controlPlane = namespace === report.snapshot.istioNamespace;
        return {
          cluster: report.cluster,
          namespace,
          counts: countAdoption(workloads),
          stage: readiness.stage,
          blockers: readiness.blockers,
          exceptions: readiness.exceptions,
          telemetryUnknown: readiness.telemetryUnknown,
          unverifiedReasons: readiness.unverifiedReasons,
          ...(controlPlane ? { controlPlane } : {}),
          links: this.posture.linksFor(report.cluster).namespace(namespace),
        };
      })
      .sort(
        (a, b) =>
          byText(a.cluster, b.cluster) || byText(a.namespace, b.namespace),
      );

    const entityRows: EntityAdoption[] = view.mapped
      .filter(
        m =>
          (!ownerFilter || m.owner === ownerFilter) &&
          (!systemFilter || m.system === systemFilter),
      )
      .map(m => {
        // One verdict per cluster the entity has workloads in, combined.
        const workloads: WorkloadPosture[] = [];
        const perCluster: Readiness[] = [];
        for (let i = 0; i < reports.length; i++) {
          const found = claims[i].workloadsOf.get(m.ref);
          if (!found?.length) continue;
          workloads.push(...found);
          // The callers readiness reads: those toward one of its workloads.
          const inbound = traffic.get(reports[i].cluster)!;
          const callers: InboundCaller[] = [];
          if (inbound.callers.length) {
            const { byWorkload } = this.callersOf(inbound);
            const destinations = new Set(
              found.map(w => destinationKey(w.namespace, w.name)),
            );
            for (const d of destinations) {
              callers.push(...(byWorkload.get(d) ?? []));
            }
          }
          perCluster.push(
            this.readinessIn(reports[i], found, { ...inbound, callers }),
          );
        }
        const readiness = combineReadiness(perCluster);
        return {
          entityRef: m.ref,
          owner: m.owner,
          system: m.system,
          stage: readiness.stage,
          unverifiedReasons: readiness.unverifiedReasons,
          counts: countAdoption(workloads),
        };
      })
      .sort((a, b) => byText(a.entityRef, b.entityRef));

    const namespaceSet = new Set(
      namespaces.map(n => `${n.cluster}/${n.namespace}`),
    );
    const findingCounts = new Map<
      string,
      { code: string; name: string; severity: Severity; count: number }
    >();
    for (const report of reports) {
      for (const f of report.report.findings) {
        const ns = f.ref.kind === 'Namespace' ? f.ref.name : f.ref.namespace;
        if (
          (ownerFilter || systemFilter) &&
          !namespaceSet.has(`${report.cluster}/${ns}`)
        )
          continue;
        const entry = findingCounts.get(f.code) ?? {
          code: f.code,
          name: f.name,
          severity: f.severity,
          count: 0,
        };
        entry.count++;
        findingCounts.set(f.code, entry);
      }
    }

    const grouped = <K extends string>(
      map: Map<string, WorkloadPosture[]>,
      key: K,
    ) =>
      [...map]
        .sort(([a], [b]) => byText(a, b))
        .map(
          ([name, workloads]) =>
            ({ [key]: name, counts: countAdoption(workloads) } as {
              [P in K]: string;
            } & { counts: AdoptionCounts }),
        );

    return {
      totals: countAdoption(all),
      byOwner: grouped(byOwner, 'owner'),
      bySystem: grouped(bySystem, 'system'),
      byNamespace: namespaces,
      entities: entityRows,
      topFindings: [...findingCounts.values()]
        .sort((a, b) => b.count - a.count || byText(a.code, b.code))
        .slice(0, 10),
      unmappedEntities: view.unmapped,
      telemetryUnavailable,
    };
  }
}
