import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  InboundTraffic,
  ResolvedCaller,
  ResolvedCallersResponse,
  WorkloadPosture,
} from '@meshportal/plugin-istio-common';
import { AdoptionService, relationTarget } from '../adoption/AdoptionService';
import {
  ClusterReport,
  MeshPostureService,
} from '../posture/MeshPostureService';
import {
  TelemetryService,
  isOutsideMesh,
  isPlaintext,
} from '../telemetry/TelemetryService';
import { EntityReverseIndex } from './EntityReverseIndex';

/** One cluster's traffic into the workloads being looked at. */
interface ClusterTraffic {
  cluster: string;
  traffic: InboundTraffic;
}

/**
 * The callers STRICT would refuse (plaintext callers and callers from
 * outside the mesh) of an entity or a namespace, each mapped back to the
 * catalog entities that claim its workload and their owners. The catalog
 * is read with the reader's credentials: an entity they may not see is
 * never named, so such a caller reads as having no visible owner.
 * @public
 */
export class CallerResolver {
  private readonly workloadsByReport = new WeakMap<
    ClusterReport,
    Map<string, Record<string, string>[]>
  >();

  constructor(
    private readonly options: {
      posture: MeshPostureService;
      adoption: AdoptionService;
      telemetry: TelemetryService;
    },
  ) {}

  /** Callers of the entity's workloads, in every cluster it runs in. */
  async forEntity(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<ResolvedCallersResponse> {
    const posture = await this.options.posture.entityPosture(entity);
    return this.resolve(
      posture.clusters.map(c => ({ cluster: c.cluster, traffic: c.telemetry })),
      credentials,
    );
  }

  /** Callers of every workload of one namespace. */
  async forNamespace(
    cluster: string,
    namespace: string,
    credentials: BackstageCredentials,
  ): Promise<ResolvedCallersResponse> {
    const traffic = await this.options.telemetry.inbound(cluster, {
      namespace,
    });
    return this.resolve([{ cluster, traffic }], credentials);
  }

  private async resolve(
    parts: ClusterTraffic[],
    credentials: BackstageCredentials,
  ): Promise<ResolvedCallersResponse> {
    const telemetryUnavailable = parts
      .filter(p => !p.traffic.available)
      .map(p => p.cluster);
    const callers = new Map<string, ResolvedCaller>();
    for (const { cluster, traffic } of parts) {
      for (const c of traffic.callers) {
        const outside = isOutsideMesh(c);
        if (!outside && !isPlaintext(c)) continue;
        const caller: ResolvedCaller = {
          cluster,
          destination: `${c.destinationNamespace}/${c.destinationWorkload}`,
          kind: outside ? 'outside-mesh' : 'plaintext',
          sourceNamespace: c.sourceNamespace,
          sourceWorkload: c.sourceWorkload,
          count: 0,
          entities: [],
        };
        const key = [
          cluster,
          caller.destination,
          caller.kind,
          caller.sourceNamespace,
          caller.sourceWorkload,
        ].join('\u0000');
        const entry = callers.get(key) ?? caller;
        entry.count += c.requests + c.tcpConnections;
        callers.set(key, entry);
      }
    }
    if (!callers.size) return { callers: [], telemetryUnavailable };

    const index = new EntityReverseIndex(
      (await this.options.adoption.annotatedEntities(credentials)).map(
        entity => ({
          entity,
          owner: relationTarget(
            entity,
            RELATION_OWNED_BY,
            entity.spec?.owner,
            'group',
          ),
        }),
      ),
    );
    for (const caller of callers.values()) {
      // A caller without a proxy is unidentified: no workload to look up.
      if (caller.sourceWorkload === 'unknown') continue;
      const labelSets = this.labelSetsOf(
        caller.cluster,
        caller.sourceNamespace,
        caller.sourceWorkload,
      );
      caller.entities = labelSets
        ? index.claimants(caller.cluster, caller.sourceNamespace, labelSets)
        : [];
    }
    return {
      callers: [...callers.values()].sort(
        (a, b) =>
          b.count - a.count ||
          a.destination.localeCompare(b.destination) ||
          `${a.sourceNamespace}/${a.sourceWorkload}`.localeCompare(
            `${b.sourceNamespace}/${b.sourceWorkload}`,
          ),
      ),
      telemetryUnavailable,
    };
  }

  /**
   * The labels a workload is selected by, as the entity mapping reads them
   * (pod template and controller); undefined when the cluster does not
   * hold it (yet, or any more).
   */
  private labelSetsOf(
    cluster: string,
    namespace: string,
    name: string,
  ): Record<string, string>[] | undefined {
    const report = this.options.posture.clusterReport(cluster);
    if (!report) return undefined;
    let workloads = this.workloadsByReport.get(report);
    if (!workloads) {
      workloads = new Map();
      for (const w of report.report.workloads) {
        workloads.set(`${w.namespace}/${w.name}`, workloadLabelSets(report, w));
      }
      this.workloadsByReport.set(report, workloads);
    }
    return workloads.get(`${namespace}/${name}`);
  }
}

function workloadLabelSets(
  report: ClusterReport,
  w: WorkloadPosture,
): Record<string, string>[] {
  const own = report.snapshot.get(w.kind, w.namespace, w.name);
  return own ? [w.labels, own.labels ?? {}] : [w.labels];
}
