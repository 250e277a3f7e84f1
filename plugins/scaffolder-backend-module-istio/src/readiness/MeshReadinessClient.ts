import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/**
 * A namespace's wave stage and what blocks STRICT, as the MeshPortal
 * backend reports it (`GET /api/istio/v1/adoption`, `byNamespace[]`).
 * @public
 */
export interface NamespaceReadiness {
  cluster: string;
  namespace: string;
  /** `not-enrolled`, `permissive`, `ready-for-strict`, `strict` or `exception`. */
  stage: string;
  /** The backend's blockers, each with a `type` and details. */
  blockers: Array<{ type: string; [key: string]: unknown }>;
}

/**
 * Where `istio:mtls:advance` learns a namespace's readiness; the HTTP
 * client is the real one, tests give a fake.
 * @public
 */
export interface MeshReadinessService {
  /** One entry per cluster the namespace exists in; empty when unknown. */
  namespaceReadiness(
    namespace: string,
    options?: { cluster?: string },
  ): Promise<NamespaceReadiness[]>;
}

/**
 * One line per blocker, for refusals and logs.
 * @public
 */
export function describeBlocker(
  blocker: NamespaceReadiness['blockers'][number],
): string {
  const b = blocker as Record<string, any>;
  switch (blocker.type) {
    case 'pods-without-proxy':
      return `${b.namespace}/${b.workload}: ${b.pods} pod(s) run without a sidecar; restart them`;
    case 'plaintext-callers':
      return `${b.namespace}/${b.workload}: plaintext callers ${(
        b.callers ?? []
      ).join(', ')}`;
    case 'callers-outside-mesh':
      return `${b.namespace}/${b.workload}: ${b.requests} request(s) or connection(s) from callers outside the mesh`;
    case 'conflict-finding':
      return `${b.code} on ${b.resource}: ${b.message}`;
    default:
      return `${blocker.type}: ${JSON.stringify(blocker)}`;
  }
}

function isReadiness(value: unknown): value is NamespaceReadiness {
  const v = value as Record<string, unknown>;
  return (
    !!v &&
    typeof v === 'object' &&
    typeof v.namespace === 'string' &&
    typeof v.stage === 'string' &&
    Array.isArray(v.blockers)
  );
}

/**
 * Reads readiness from the MeshPortal backend with the module's own
 * service credentials.
 * @public
 */
export class HttpMeshReadinessClient implements MeshReadinessService {
  constructor(
    private readonly options: {
      discovery: Pick<DiscoveryService, 'getBaseUrl'>;
      auth: Pick<
        AuthService,
        'getOwnServiceCredentials' | 'getPluginRequestToken'
      >;
    },
  ) {}

  async namespaceReadiness(
    namespace: string,
    options: { cluster?: string } = {},
  ): Promise<NamespaceReadiness[]> {
    const { discovery, auth } = this.options;
    const baseUrl = await discovery.getBaseUrl('istio');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'istio',
    });
    const query = options.cluster
      ? `?cluster=${encodeURIComponent(options.cluster)}`
      : '';
    const response = await fetch(`${baseUrl}/v1/adoption${query}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as { byNamespace?: unknown };
    if (!body || !Array.isArray(body.byNamespace)) {
      throw new Error(
        'istio backend answered /v1/adoption without a byNamespace list',
      );
    }
    // Copied into plain arrays and objects: only the fields this module reads.
    const result: NamespaceReadiness[] = [];
    for (const n of body.byNamespace) {
      if (!isReadiness(n) || n.namespace !== namespace) continue;
      if (options.cluster && n.cluster !== options.cluster) continue;
      result.push({
        cluster: String(n.cluster),
        namespace: n.namespace,
        stage: n.stage,
        blockers: Array.from(n.blockers, b => ({ ...b })),
      });
    }
    return result;
  }
}
