import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Finding,
  Severity,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  EntityWorkloadMapping,
  entityWorkloadMapping,
  hasKubernetesAnnotations,
} from '../posture/entityMapping';
import {
  ClusterReport,
  MeshPostureService,
} from '../posture/MeshPostureService';
import {
  Blocker,
  ReadinessException,
  ReadinessStage,
  assessReadiness,
} from '../posture/readiness';
import { ToolLinks } from '../links/links';
import {
  InboundTraffic,
  TelemetryService,
} from '../telemetry/TelemetryService';

/** @public */
export interface AdoptionFilters {
  owner?: string;
  system?: string;
  cluster?: string;
}

/** Workload counts and their shares (percent, one decimal). @public */
export interface AdoptionCounts {
  workloads: number;
  enrolled: number;
  strict: number;
  permissive: number;
  disable: number;
  notInMesh: number;
  percent: {
    enrolled: number;
    strict: number;
    permissive: number;
    disable: number;
    notInMesh: number;
  };
}

/** @public */
export interface NamespaceAdoption {
  cluster: string;
  namespace: string;
  counts: AdoptionCounts;
  /** The namespace's wave stage toward STRICT. */
  stage: ReadinessStage;
  /**
   * What breaks, or stays unprotected, if the namespace moves to STRICT now:
   * pods without a proxy, plaintext and out-of-mesh callers per workload,
   * and mTLS conflict findings.
   */
  blockers: Blocker[];
  /** Workloads or ports kept plaintext on purpose (they stay so under STRICT). */
  exceptions: ReadinessException[];
  /** Plaintext callers could not be read: "no blocker" means none known. */
  telemetryUnknown: boolean;
  links: ToolLinks;
}

/** @public */
export interface EntityAdoption {
  entityRef: string;
  owner?: string;
  system?: string;
  stage: ReadinessStage;
  counts: AdoptionCounts;
}

/** @public */
export interface AdoptionReport {
  generatedAt: string;
  filters: AdoptionFilters;
  totals: AdoptionCounts;
  byOwner: Array<{ owner: string; counts: AdoptionCounts }>;
  bySystem: Array<{ system: string; counts: AdoptionCounts }>;
  byNamespace: NamespaceAdoption[];
  entities: EntityAdoption[];
  topFindings: Array<{
    code: string;
    name: string;
    severity: Severity;
    count: number;
  }>;
  /** Entities whose selector annotation cannot be parsed. */
  unmappedEntities: Array<{ entityRef: string; error: string }>;
  /** Clusters whose traffic could not be read (plaintext callers unknown). */
  telemetryUnavailable: string[];
}

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

function relationTarget(
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

function append<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const workloadKey = (cluster: string, w: WorkloadPosture) =>
  `${cluster}/${w.namespace}/${w.kind}/${w.name}`;

/**
 * Mesh adoption across the catalog: how many workloads are enrolled and at
 * which mTLS mode, grouped by owner, system and namespace, with each
 * namespace's wave stage.
 * @public
 */
export class AdoptionService {
  constructor(
    private readonly posture: MeshPostureService,
    private readonly catalog: CatalogService,
    private readonly telemetry: TelemetryService,
  ) {}

  private async annotatedEntities(
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const { items } = await this.catalog.getEntities(
      {
        filter: [
          {
            [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
      },
      { credentials },
    );
    return items.filter(hasKubernetesAnnotations);
  }

  async adoption(
    filters: AdoptionFilters,
    credentials: BackstageCredentials,
  ): Promise<AdoptionReport> {
    const ownerFilter = normalizeRef(filters.owner, 'group');
    const systemFilter = normalizeRef(filters.system, 'system');
    const entities = await this.annotatedEntities(credentials);
    const mappings: Array<{
      entity: Entity;
      ref: string;
      owner?: string;
      system?: string;
      mapping: EntityWorkloadMapping;
    }> = [];
    const unmappedEntities: AdoptionReport['unmappedEntities'] = [];
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      try {
        mappings.push({
          entity,
          ref,
          owner: relationTarget(
            entity,
            RELATION_OWNED_BY,
            entity.spec?.owner,
            'group',
          ),
          system: relationTarget(
            entity,
            RELATION_PART_OF,
            entity.spec?.system,
            'system',
          ),
          mapping: entityWorkloadMapping(entity),
        });
      } catch (error) {
        unmappedEntities.push({
          entityRef: ref,
          error: (error as Error).message,
        });
      }
    }

    const reports = this.posture
      .clusterReports()
      .filter(r => !filters.cluster || r.cluster === filters.cluster);

    const ownersOf = new Map<string, Set<string>>();
    const systemsOf = new Map<string, Set<string>>();
    const entityWorkloads = new Map<
      string,
      Array<{ report: ClusterReport; w: WorkloadPosture }>
    >();
    for (const report of reports) {
      for (const m of mappings) {
        if (m.mapping.cluster && m.mapping.cluster !== report.cluster) continue;
        for (const w of this.posture.workloadsOf(report, m.mapping)) {
          const key = workloadKey(report.cluster, w);
          if (!ownersOf.has(key)) ownersOf.set(key, new Set());
          if (!systemsOf.has(key)) systemsOf.set(key, new Set());
          ownersOf.get(key)!.add(m.owner ?? UNMAPPED);
          systemsOf.get(key)!.add(m.system ?? UNMAPPED);
          append(entityWorkloads, m.ref, { report, w });
        }
      }
    }

    const included = (key: string) =>
      (!ownerFilter || ownersOf.get(key)?.has(ownerFilter)) &&
      (!systemFilter || systemsOf.get(key)?.has(systemFilter));

    const all: WorkloadPosture[] = [];
    const byOwner = new Map<string, WorkloadPosture[]>();
    const bySystem = new Map<string, WorkloadPosture[]>();
    const byNamespace = new Map<
      string,
      { report: ClusterReport; workloads: WorkloadPosture[] }
    >();
    const traffic = new Map<string, InboundTraffic>();
    const telemetryUnavailable: string[] = [];
    for (const report of reports) {
      const inbound = await this.telemetry.inbound(report.cluster);
      traffic.set(report.cluster, inbound);
      if (!inbound.available) telemetryUnavailable.push(report.cluster);
      for (const w of report.report.workloads) {
        const key = workloadKey(report.cluster, w);
        if (!included(key)) continue;
        all.push(w);
        for (const owner of ownersOf.get(key) ?? [UNMAPPED]) {
          if (ownerFilter && owner !== ownerFilter) continue;
          append(byOwner, owner, w);
        }
        for (const system of systemsOf.get(key) ?? [UNMAPPED]) {
          if (systemFilter && system !== systemFilter) continue;
          append(bySystem, system, w);
        }
        const nsKey = `${report.cluster}/${w.namespace}`;
        const entry = byNamespace.get(nsKey) ?? { report, workloads: [] };
        entry.workloads.push(w);
        byNamespace.set(nsKey, entry);
      }
    }

    const findingsIn = (report: ClusterReport, namespace: string): Finding[] =>
      report.index.findingsIn(namespace);

    const namespaces: NamespaceAdoption[] = [...byNamespace.values()]
      .map(({ report, workloads }) => {
        const namespace = workloads[0].namespace;
        const readiness = assessReadiness(
          workloads,
          findingsIn(report, namespace),
          traffic.get(report.cluster),
          { controlPlaneNamespace: report.snapshot.istioNamespace },
        );
        return {
          cluster: report.cluster,
          namespace,
          counts: countAdoption(workloads),
          stage: readiness.stage,
          blockers: readiness.blockers,
          exceptions: readiness.exceptions,
          telemetryUnknown: readiness.telemetryUnknown,
          links: this.posture.linksFor(report.cluster).namespace(namespace),
        };
      })
      .sort(
        (a, b) =>
          a.cluster.localeCompare(b.cluster) ||
          a.namespace.localeCompare(b.namespace),
      );

    const entityRows: EntityAdoption[] = mappings
      .filter(
        m =>
          (!ownerFilter || m.owner === ownerFilter) &&
          (!systemFilter || m.system === systemFilter),
      )
      .map(m => {
        const found = entityWorkloads.get(m.ref) ?? [];
        const workloads = found.map(f => f.w);
        // Each namespace's findings and each cluster's callers once, however
        // many of the entity's workloads share them.
        const findings = [
          ...new Set(found.flatMap(f => findingsIn(f.report, f.w.namespace))),
        ];
        const callers = [...new Set(found.map(f => f.report.cluster))].flatMap(
          cluster => traffic.get(cluster)?.callers ?? [],
        );
        const available = found.every(
          f => traffic.get(f.report.cluster)?.available,
        );
        const readiness = assessReadiness(
          workloads,
          findings,
          { available, window: '', callers, sources: [] },
          { controlPlaneNamespace: found[0]?.report.snapshot.istioNamespace },
        );
        return {
          entityRef: m.ref,
          owner: m.owner,
          system: m.system,
          stage: readiness.stage,
          counts: countAdoption(workloads),
        };
      })
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));

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
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([name, workloads]) =>
            ({ [key]: name, counts: countAdoption(workloads) } as {
              [P in K]: string;
            } & { counts: AdoptionCounts }),
        );

    return {
      generatedAt: new Date().toISOString(),
      filters,
      totals: countAdoption(all),
      byOwner: grouped(byOwner, 'owner'),
      bySystem: grouped(bySystem, 'system'),
      byNamespace: namespaces,
      entities: entityRows,
      topFindings: [...findingCounts.values()]
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
        .slice(0, 10),
      unmappedEntities,
      telemetryUnavailable,
    };
  }
}
