import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AdoptionHistoryResponse,
  ClusterStatusResponse,
  ClusterStatusView,
  istioAdoptionReadPermission,
  istioClustersReadPermission,
} from '@meshportal/plugin-istio-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { AdoptionService } from '../adoption/AdoptionService';
import { CallerResolver } from '../callers/CallerResolver';
import { StrictPlanNotifier } from '../notifications/StrictPlanNotifier';
import { AdoptionHistory } from '../history/AdoptionHistory';
import { checkHistoryRange, defaultHistoryFrom } from '../history/historyRange';
import { MeshPostureService } from '../posture/MeshPostureService';
import { callerRoutes } from './callerRoutes';

/** @public */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  posture: MeshPostureService;
  adoption: AdoptionService;
  history?: AdoptionHistory;
  /** Callers resolved to owners; absent: those routes are not served. */
  callers?: CallerResolver;
  /** "Notify caller owners"; absent: those routes answer 503. */
  strictPlans?: StrictPlanNotifier;
}

function optionalString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`query parameter "${name}" must be given once`);
  }
  return value;
}

function isoDate(req: Request, name: string, fallback: Date): string {
  const value = optionalString(req, name);
  if (value === undefined) return fallback.toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new InputError(`query parameter "${name}" is not a date: ${value}`);
  }
  return new Date(time).toISOString();
}

/** A cluster's status with each kind's state and reason, without the error text. */
function withoutErrorDetails(cluster: ClusterStatusView): ClusterStatusView {
  return {
    ...cluster,
    kinds: cluster.kinds.map(({ message: _message, ...kind }) => kind),
  };
}

/**
 * The plugin's HTTP API, mounted at /api/istio.
 * @public
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, posture, adoption, history } =
    options;
  const router = Router();
  router.use(express.json());

  async function authorizeAdoption(req: Request) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: istioAdoptionReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('not allowed to read mesh adoption');
    }
    return credentials;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: istioClustersReadPermission }],
      { credentials },
    );
    const clusters = posture.clusterStatuses();
    res.json({
      clusters:
        decision.result === AuthorizeResult.ALLOW
          ? clusters
          : clusters.map(withoutErrorDetails),
    } satisfies ClusterStatusResponse);
  });

  router.get('/v1/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { kind, namespace, name } = req.params;
    // Read with the caller's credentials: the catalog hides what they may not see.
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(`entity ${kind}:${namespace}/${name} not found`);
    }
    // Serialized by the service, which reuses what it serialized before.
    res.type('application/json').send(await posture.entityPostureJson(entity));
  });

  router.get('/v1/adoption', async (req, res) => {
    const credentials = await authorizeAdoption(req);
    const report = await adoption.adoption(
      {
        owner: optionalString(req, 'owner'),
        system: optionalString(req, 'system'),
        cluster: optionalString(req, 'cluster'),
      },
      credentials,
    );
    res.json(report);
  });

  router.get('/v1/adoption/history', async (req, res) => {
    const credentials = await authorizeAdoption(req);
    const now = new Date();
    const to = isoDate(req, 'to', now);
    const from = isoDate(
      req,
      'from',
      defaultHistoryFrom(to, history?.periodMs),
    );
    checkHistoryRange(from, to, history?.periodMs);
    let entity = optionalString(req, 'entity');
    if (entity) {
      try {
        entity = stringifyEntityRef(parseEntityRef(entity));
      } catch {
        throw new InputError(`"entity" is not an entity ref: ${entity}`);
      }
      // History was written by the plugin itself: check the caller may see the entity.
      if (!(await catalog.getEntityByRef(entity, { credentials }))) {
        throw new NotFoundError(`entity ${entity} not found`);
      }
    }
    if (!history) {
      res.json({ from, to, points: [] } satisfies AdoptionHistoryResponse);
      return;
    }
    res.json({
      from,
      to,
      periodMs: history.periodMs,
      points: await history.series(from, to, entity),
    } satisfies AdoptionHistoryResponse);
  });

  if (options.callers) {
    router.use(
      callerRoutes({
        httpAuth,
        permissions,
        catalog,
        callers: options.callers,
        strictPlans: options.strictPlans,
      }),
    );
  }

  return router;
}
