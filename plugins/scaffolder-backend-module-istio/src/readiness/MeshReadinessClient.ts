import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, ResponseError } from '@backstage/errors';
import {
  NamespaceAdoption,
  istioAdoptionReadPermission,
} from '@meshportal/plugin-istio-common';

/**
 * A namespace's wave stage and what blocks STRICT, as the MeshPortal
 * backend reports it (`GET /api/istio/v1/adoption`, `byNamespace[]`): the
 * fields of {@link @meshportal/plugin-istio-common#NamespaceAdoption} this
 * module reads.
 * @public
 */
export type NamespaceReadiness = Pick<
  NamespaceAdoption,
  'cluster' | 'namespace' | 'stage' | 'blockers' | 'unverifiedReasons'
>;

/**
 * Where `istio:mtls:advance` learns a namespace's readiness; the HTTP
 * client is the real one, tests give a fake.
 * @public
 */
export interface MeshReadinessService {
  /**
   * One entry per cluster the namespace exists in; empty when unknown.
   * Read as `credentials` (the person running the template), so the
   * backend applies that person's permissions; throws a `NotAllowedError`
   * when they may not read mesh adoption.
   */
  namespaceReadiness(
    namespace: string,
    options: { credentials: BackstageCredentials; cluster?: string },
  ): Promise<NamespaceReadiness[]>;
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
 * Reads readiness from the MeshPortal backend on behalf of the given
 * credentials, never with the module's own: the backend's
 * `istio.adoption.read` check applies to the person running the template.
 * @public
 */
export class HttpMeshReadinessClient implements MeshReadinessService {
  constructor(
    private readonly options: {
      discovery: Pick<DiscoveryService, 'getBaseUrl'>;
      auth: Pick<AuthService, 'getPluginRequestToken'>;
    },
  ) {}

  async namespaceReadiness(
    namespace: string,
    options: { credentials: BackstageCredentials; cluster?: string },
  ): Promise<NamespaceReadiness[]> {
    const { discovery, auth } = this.options;
    const baseUrl = await discovery.getBaseUrl('istio');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: options.credentials,
      targetPluginId: 'istio',
    });
    const query = options.cluster
      ? `?cluster=${encodeURIComponent(options.cluster)}`
      : '';
    const response = await fetch(`${baseUrl}/v1/adoption${query}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    });
    if (response.status === 401 || response.status === 403) {
      // The backend's own message is not shown: this one names the permission.
      await response.body?.cancel();
      throw new NotAllowedError(
        `you may not read mesh adoption (permission ${istioAdoptionReadPermission.name}), which this step needs to check the namespace's readiness`,
      );
    }
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
        unverifiedReasons: Array.isArray(n.unverifiedReasons)
          ? Array.from(n.unverifiedReasons, r => ({
              code: r?.code,
              message: String(r?.message ?? ''),
            }))
          : [],
      });
    }
    return result;
  }
}
