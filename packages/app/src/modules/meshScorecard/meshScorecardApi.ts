import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** The fact retriever of `@meshportal/plugin-tech-insights-backend-module-istio`. */
export const MESH_FACTS_ID = 'istio-mesh-facts';

/** The checks the demo configures under `techInsights.factChecker.checks`. */
export const MESH_CHECK_IDS = [
  'istio-in-mesh',
  'istio-mtls-strict',
  'istio-no-error-findings',
];

/** The entity a scorecard is about, as Tech Insights stores it. */
export interface ScorecardEntity {
  kind: string;
  namespace: string;
  name: string;
}

/** One check run by the JSON rules engine fact checker. */
export interface MeshCheckResult {
  check: { id: string; name: string; description: string };
  result: boolean;
  facts: Record<string, { value: unknown; type?: string }>;
}

/** What the card shows: nothing yet, or the checks and when facts were taken. */
export type MeshScorecard =
  | { state: 'no-facts' }
  | {
      state: 'checked';
      /** ISO time of the latest facts; undefined when the store gave none. */
      collectedAt?: string;
      results: MeshCheckResult[];
    };

async function readJson<T>(response: Response): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return (await response.json()) as T;
}

/**
 * Reads the entity's latest mesh facts and, when there are any, runs the mesh
 * checks on them. Facts come first: the checks of an entity without facts
 * would only fail for lack of data, which is not what the service is like.
 */
export async function loadMeshScorecard(
  apis: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  entity: ScorecardEntity,
  checkIds: string[] = MESH_CHECK_IDS,
): Promise<MeshScorecard> {
  const baseUrl = await apis.discoveryApi.getBaseUrl('tech-insights');
  // Tech Insights keys facts by the lower-case entity ref.
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const namespace = entity.namespace.toLocaleLowerCase('en-US');
  const entityRef = `${kind}:${namespace}/${entity.name}`;

  const latest = await readJson<
    Record<string, { timestamp?: string | null } | undefined>
  >(
    await apis.fetchApi.fetch(
      `${baseUrl}/facts/latest?entity=${encodeURIComponent(
        entityRef,
      )}&ids[]=${encodeURIComponent(MESH_FACTS_ID)}`,
    ),
  );
  const facts = latest[MESH_FACTS_ID];
  if (!facts) {
    return { state: 'no-facts' };
  }

  const path = [namespace, kind, entity.name].map(encodeURIComponent).join('/');
  const results = await readJson<MeshCheckResult[]>(
    await apis.fetchApi.fetch(`${baseUrl}/checks/run/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ checks: checkIds }),
    }),
  );
  // The engine answers in its own order; keep the configured one.
  const order = (id: string) => {
    const index = checkIds.indexOf(id);
    return index < 0 ? checkIds.length : index;
  };
  return {
    state: 'checked',
    collectedAt: facts.timestamp ?? undefined,
    results: [...results].sort((a, b) => order(a.check.id) - order(b.check.id)),
  };
}
