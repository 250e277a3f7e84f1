import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  NotifyCallerOwnersResponse,
  ResolvedCallersResponse,
  istioAdoptionReadPermission,
  istioNotifyPermission,
} from '@meshportal/plugin-istio-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { CallerResolver } from '../callers/CallerResolver';
import { entityMeshTabPath } from '../notifications/entityLink';
import {
  StrictPlanNotifier,
  readNotifyRequest,
} from '../notifications/StrictPlanNotifier';

/** @public */
export interface CallerRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  callers: CallerResolver;
  /** Absent: the notify routes answer 503. */
  strictPlans?: StrictPlanNotifier;
}

/**
 * Callers STRICT would refuse, resolved to their owners, and the "notify
 * caller owners" action, for an entity and for a namespace.
 * @public
 */
export function callerRoutes(options: CallerRoutesOptions): express.Router {
  const { httpAuth, permissions, catalog, callers, strictPlans } = options;
  const router = Router();

  async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
    refusal: string,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(refusal);
    }
  }

  /** The entity as the caller may read it, else 404. */
  async function readableEntity(
    req: Request,
    credentials: BackstageCredentials,
  ) {
    const { kind, namespace, name } = req.params;
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(`entity ${kind}:${namespace}/${name} not found`);
    }
    return entity;
  }

  function namespaceOf(source: Record<string, unknown>) {
    const { cluster, namespace } = source;
    const problems: string[] = [];
    if (typeof cluster !== 'string' || !cluster) {
      problems.push('"cluster" must be given once');
    }
    if (typeof namespace !== 'string' || !namespace) {
      problems.push('"namespace" must be given once');
    }
    if (problems.length) throw new InputError(problems.join('; '));
    return { cluster: cluster as string, namespace: namespace as string };
  }

  function notifier() {
    if (!strictPlans) {
      throw new ServiceUnavailableError(
        'mesh notices are off: istio.notifications.enabled is false',
      );
    }
    return strictPlans;
  }

  router.get(
    '/v1/entities/:kind/:namespace/:name/callers',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const entity = await readableEntity(req, credentials);
      res.json(
        (await callers.forEntity(
          entity,
          credentials,
        )) satisfies ResolvedCallersResponse,
      );
    },
  );

  router.post(
    '/v1/entities/:kind/:namespace/:name/notify-callers',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entity = await readableEntity(req, credentials);
      await authorize(
        credentials,
        istioNotifyPermission,
        'not allowed to send mesh notices',
      );
      const request = readNotifyRequest(req.body);
      const resolved = await callers.forEntity(entity, credentials);
      const target = stringifyEntityRef(entity);
      res.json(
        (await notifier().notify({
          target,
          link: entityMeshTabPath(target),
          callers: resolved.callers,
          request,
          requestedBy: credentials.principal.userEntityRef,
        })) satisfies NotifyCallerOwnersResponse,
      );
    },
  );

  router.get('/v1/adoption/callers', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await authorize(
      credentials,
      istioAdoptionReadPermission,
      'not allowed to read mesh adoption',
    );
    const { cluster, namespace } = namespaceOf(req.query);
    res.json(
      (await callers.forNamespace(
        cluster,
        namespace,
        credentials,
      )) satisfies ResolvedCallersResponse,
    );
  });

  router.post('/v1/adoption/notify-callers', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(
      credentials,
      istioAdoptionReadPermission,
      'not allowed to read mesh adoption',
    );
    await authorize(
      credentials,
      istioNotifyPermission,
      'not allowed to send mesh notices',
    );
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    let where: ReturnType<typeof namespaceOf> | undefined;
    let request: ReturnType<typeof readNotifyRequest> | undefined;
    try {
      where = namespaceOf(body);
    } catch (error) {
      problems.push((error as Error).message);
    }
    try {
      request = readNotifyRequest(body);
    } catch (error) {
      problems.push((error as Error).message);
    }
    if (!where || !request) throw new InputError(problems.join('; '));
    const resolved = await callers.forNamespace(
      where.cluster,
      where.namespace,
      credentials,
    );
    res.json(
      (await notifier().notify({
        target: `namespace ${where.namespace} (cluster ${where.cluster})`,
        link: '/service-mesh',
        callers: resolved.callers,
        request,
        requestedBy: credentials.principal.userEntityRef,
      })) satisfies NotifyCallerOwnersResponse,
    );
  });

  return router;
}
