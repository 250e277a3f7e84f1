import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  FactRetriever,
  FactRetrieverContext,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import { IstioEntityPosture } from './entityPosture';
import { ISTIO_MESH_FACTS_SCHEMA, meshFactsOf } from './meshFacts';

/** Id of the fact retriever, its facts and its `techInsights.factRetrievers` entry. @public */
export const ISTIO_MESH_FACTS_RETRIEVER_ID = 'istio-mesh-facts';

/**
 * Components mapped to Kubernetes objects the way the Kubernetes plugin
 * and the istio backend map them.
 * @public
 */
export const ISTIO_MESH_ENTITY_FILTER: Array<Record<string, string | symbol>> =
  [
    {
      kind: 'component',
      'metadata.annotations.backstage.io/kubernetes-id': CATALOG_FILTER_EXISTS,
    },
    {
      kind: 'component',
      'metadata.annotations.backstage.io/kubernetes-label-selector':
        CATALOG_FILTER_EXISTS,
    },
  ];

/** Requests to the istio backend in flight at once: one run must not flood it. */
const CONCURRENCY = 4;

function isPosture(value: unknown): value is IstioEntityPosture {
  const v = value as Partial<IstioEntityPosture> | null;
  return (
    !!v &&
    typeof v === 'object' &&
    Array.isArray(v.clusters) &&
    Array.isArray(v.pendingClusters) &&
    !!v.readiness &&
    Array.isArray(v.readiness.blockers)
  );
}

/** Reads one entity's posture from the istio backend; undefined when it does not know the entity. */
async function fetchPosture(
  baseUrl: string,
  token: string,
  entity: Entity,
): Promise<IstioEntityPosture | undefined> {
  const path = [
    entity.kind,
    entity.metadata.namespace ?? 'default',
    entity.metadata.name,
  ]
    .map(encodeURIComponent)
    .join('/');
  const response = await fetch(`${baseUrl}/v1/entities/${path}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  // Removed from the catalog since it was listed.
  if (response.status === 404) return undefined;
  if (!response.ok) throw await ResponseError.fromResponse(response);
  const body = await response.json();
  if (!isPosture(body)) {
    throw new Error('the istio backend answered without readiness or clusters');
  }
  return body;
}

/** The status and the istio backend's own explanation, for the log. */
function reason(error: unknown): string {
  if (error instanceof ResponseError) {
    return `${error.statusCode} ${error.cause.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The `istio-mesh-facts` retriever: for each Component with Kubernetes
 * annotations, asks the MeshPortal istio backend for the entity's posture
 * (`GET /api/istio/v1/entities/...`, with the module's service token) and
 * stores {@link IstioMeshFacts}. It never reads clusters itself, so the
 * scorecard agrees with the entity page.
 * @public
 */
export function createIstioMeshFactRetriever(options: {
  catalog: Pick<CatalogService, 'getEntities'>;
}): FactRetriever {
  return {
    id: ISTIO_MESH_FACTS_RETRIEVER_ID,
    version: '0.1.0',
    title: 'Istio mesh',
    description:
      'Mesh enrolment, sidecar coverage, mTLS mode and STRICT readiness of each service, from the MeshPortal istio backend',
    entityFilter: ISTIO_MESH_ENTITY_FILTER,
    schema: ISTIO_MESH_FACTS_SCHEMA,
    handler: async (ctx: FactRetrieverContext) =>
      retrieveMeshFacts(ctx, options.catalog),
  };
}

async function retrieveMeshFacts(
  ctx: Pick<FactRetrieverContext, 'logger' | 'entityFilter'> & {
    discovery: Pick<DiscoveryService, 'getBaseUrl'>;
    auth: Pick<
      AuthService,
      'getOwnServiceCredentials' | 'getPluginRequestToken'
    >;
  },
  catalog: Pick<CatalogService, 'getEntities'>,
): Promise<TechInsightFact[]> {
  const { discovery, auth, logger } = ctx;
  const credentials = await auth.getOwnServiceCredentials();
  const { items } = await catalog.getEntities(
    { filter: ctx.entityFilter ?? ISTIO_MESH_ENTITY_FILTER },
    { credentials },
  );
  const baseUrl = await discovery.getBaseUrl('istio');
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: credentials,
    targetPluginId: 'istio',
  });

  const facts: TechInsightFact[] = [];
  const failures: string[] = [];
  let pending = 0;
  const queue = [...items];
  const worker = async () => {
    for (let entity = queue.shift(); entity; entity = queue.shift()) {
      const ref = {
        kind: entity.kind,
        namespace: entity.metadata.namespace ?? 'default',
        name: entity.metadata.name,
      };
      try {
        const posture = await fetchPosture(baseUrl, token, entity);
        if (!posture) continue;
        // A cluster still syncing could make a service look out of the
        // mesh: keep the previous facts rather than store a wrong one.
        if (posture.pendingClusters.length) {
          pending++;
          continue;
        }
        facts.push({ entity: ref, facts: { ...meshFactsOf(posture) } });
      } catch (error) {
        failures.push(
          `${ref.kind}:${ref.namespace}/${ref.name}: ${reason(error)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  if (pending) {
    logger.info(
      `${pending} entities skipped: the istio backend has clusters that have not finished their first sync`,
    );
  }
  if (failures.length) {
    const message = `istio backend posture failed for ${failures.length} of ${
      items.length
    } entities: ${failures.slice(0, 5).join('; ')}`;
    // Nothing at all came back: the istio backend is down or misconfigured.
    if (!facts.length && !pending) throw new Error(message);
    logger.warn(message);
  }
  return facts;
}
