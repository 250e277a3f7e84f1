import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { CallersTarget, EntityName, IstioApi } from './IstioApi';
import {
  AdoptionFilters,
  AdoptionReport,
  ClusterStatusView,
  EntityPosture,
  NotifyCallerOwnersRequest,
  NotifyCallerOwnersResponse,
  Readiness,
  ResolvedCallersResponse,
} from '@meshportal/plugin-istio-common';
import { AdoptionHistoryPoint } from './types';

const seg = encodeURIComponent;

const entityPath = (entity: EntityName) =>
  `/v1/entities/${seg(entity.kind.toLocaleLowerCase('en-US'))}/${seg(
    entity.namespace,
  )}/${seg(entity.name)}`;

/** Stands in for a readiness the backend left out. */
const NO_READINESS: Readiness = {
  stage: 'not-enrolled',
  blockers: [],
  exceptions: [],
  telemetryUnknown: false,
};

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

/** Open blockers of a period: the sum over its namespaces, when recorded. */
function periodBlockers(point: any): number | undefined {
  const direct = num(point?.blockers) ?? num(point?.data?.blockers);
  if (direct !== undefined) return direct;
  if (!Array.isArray(point?.namespaces) || !point.namespaces.length) {
    return undefined;
  }
  let sum = 0;
  for (const ns of point.namespaces) {
    const n = num(ns?.data?.blockers) ?? num(ns?.blockers);
    if (n === undefined) return undefined;
    sum += n;
  }
  return sum;
}

/**
 * Turns one history point (`{periodStart, totals, namespaces}`) or stored
 * mesh row (`{periodStart, data}`) into a chart point. Shares are read from
 * the counts' `percent`, or computed from the counts when only those are
 * present; a period without mesh totals is skipped.
 */
function historyPoint(row: any): AdoptionHistoryPoint | undefined {
  const time = row?.periodStart ?? row?.time ?? row?.at;
  if (typeof time !== 'string') return undefined;
  const counts = row?.totals ?? row?.data?.totals ?? row?.data;
  if (!counts || typeof counts !== 'object') return undefined;
  const percent = counts?.percent ?? {};
  const share = (key: 'enrolled' | 'strict') => {
    const given = num(percent[key]);
    if (given !== undefined) return given;
    const total = num(counts?.workloads);
    const n = num(counts?.[key]);
    return total && n !== undefined ? Math.round((n / total) * 1000) / 10 : 0;
  };
  return {
    time,
    enrolled: share('enrolled'),
    strict: share('strict'),
    blockers: periodBlockers(row),
  };
}

/**
 * {@link IstioApi} over HTTP, using the app's discovery and fetch APIs
 * (so requests carry the user's credentials).
 * @public
 */
export class IstioClient implements IstioApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  private async get<T>(path: string): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('istio');
    const response = await this.fetchApi.fetch(`${base}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('istio');
    const response = await this.fetchApi.fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  async getEntityPosture(entity: EntityName): Promise<EntityPosture> {
    const posture = await this.get<EntityPosture>(entityPath(entity));
    return {
      ...posture,
      clusters: (posture.clusters ?? []).map(c => ({
        ...c,
        workloads: c.workloads ?? [],
        services: c.services ?? [],
        authorizationPolicies: c.authorizationPolicies ?? [],
        findings: c.findings ?? [],
        readiness: c.readiness ?? NO_READINESS,
      })),
      readiness: posture.readiness ?? NO_READINESS,
      pendingClusters: posture.pendingClusters ?? [],
    };
  }

  async getAdoption(filters: AdoptionFilters = {}): Promise<AdoptionReport> {
    const params = new URLSearchParams();
    for (const key of ['owner', 'system', 'cluster'] as const) {
      if (filters[key]) params.set(key, filters[key]!);
    }
    const query = params.toString();
    const report = await this.get<AdoptionReport>(
      `/v1/adoption${query ? `?${query}` : ''}`,
    );
    return {
      ...report,
      byOwner: report.byOwner ?? [],
      bySystem: report.bySystem ?? [],
      byNamespace: report.byNamespace ?? [],
      entities: report.entities ?? [],
      topFindings: report.topFindings ?? [],
    };
  }

  async getAdoptionHistory(range: {
    from: Date;
    to: Date;
  }): Promise<AdoptionHistoryPoint[]> {
    const params = new URLSearchParams({
      from: range.from.toISOString(),
      to: range.to.toISOString(),
    });
    const body = await this.get<any>(`/v1/adoption/history?${params}`);
    const rows: any[] = Array.isArray(body) ? body : body?.points ?? [];
    return rows
      .filter(r => !r?.scope || r.scope === 'mesh')
      .map(historyPoint)
      .filter((p): p is AdoptionHistoryPoint => p !== undefined)
      .sort((a, b) => a.time.localeCompare(b.time));
  }

  async getCallers(target: CallersTarget): Promise<ResolvedCallersResponse> {
    const body = await this.get<ResolvedCallersResponse>(
      'entity' in target
        ? `${entityPath(target.entity)}/callers`
        : `/v1/adoption/callers?${new URLSearchParams({
            cluster: target.cluster,
            namespace: target.namespace,
          })}`,
    );
    return {
      callers: (body.callers ?? []).map(c => ({
        ...c,
        entities: c.entities ?? [],
      })),
      telemetryUnavailable: body.telemetryUnavailable ?? [],
    };
  }

  async notifyCallerOwners(
    target: CallersTarget,
    request: NotifyCallerOwnersRequest,
  ): Promise<NotifyCallerOwnersResponse> {
    const body = await this.post<NotifyCallerOwnersResponse>(
      'entity' in target
        ? `${entityPath(target.entity)}/notify-callers`
        : '/v1/adoption/notify-callers',
      'entity' in target
        ? request
        : { ...request, cluster: target.cluster, namespace: target.namespace },
    );
    return {
      notified: body.notified ?? [],
      alreadyNotified: body.alreadyNotified ?? [],
      unclaimed: body.unclaimed ?? [],
    };
  }

  async getClusters(): Promise<ClusterStatusView[]> {
    const body = await this.get<any>('/v1/clusters');
    const list: any[] = Array.isArray(body) ? body : body?.clusters ?? [];
    return list.map(c => ({ ...c, kinds: c?.kinds ?? [] }));
  }
}
