/*
 * The write verbs: create, update (and the status subresource), patch
 * (merge, strategic, JSON and server-side apply), delete and
 * deletecollection, with server-side dry runs.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { ApiResourceType, ResourceCatalog } from './catalog';
import { readBody, send } from './http';
import { applyPatch } from './patch';
import { RequestVerb } from './requestLog';
import { listKind, ResourceRequest, selectorFilter, serveAs } from './routes';
import { badRequest, StatusError } from './status';
import { ObjectStore, WriteOptions } from './store';

/** Where writes go. */
export interface WriteContext {
  store: ObjectStore;
  catalog: ResourceCatalog;
}

// Deleting a namespace deletes what is in it, as the namespace controller
// eventually does.
export function deleteObject(
  ctx: WriteContext,
  type: ApiResourceType,
  namespace: string | undefined,
  name: string,
  opts: WriteOptions = {},
) {
  const { store } = ctx;
  const deleted = store.delete(type, namespace, name, opts);
  if (!opts.dryRun && type.resource === 'namespaces' && type.group === '') {
    for (const { object } of store.all()) {
      if (object.metadata.namespace !== name) continue;
      const t = ctx.catalog.forObject(object.apiVersion, object.kind);
      if (t) store.delete(t, name, object.metadata.name);
    }
  }
  return deleted;
}

function checkBody(body: any, route: ResourceRequest) {
  const t = route.type;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the body must be a JSON object');
  }
  if (body.kind && body.kind !== t.kind) {
    throw badRequest(
      `the kind in the data (${body.kind}) does not match the expected kind (${t.kind})`,
    );
  }
  const ns = body.metadata?.namespace;
  if (ns && route.namespace && ns !== route.namespace) {
    throw badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
}

export async function serveWrite(
  ctx: WriteContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRequest,
  verb: RequestVerb,
  query: URLSearchParams,
) {
  const { store } = ctx;
  const t = route.type;
  // kubectl --dry-run=server: answer as if written, change nothing.
  const write: WriteOptions = {
    dryRun: query.getAll('dryRun').includes('All'),
  };
  switch (verb) {
    case 'create': {
      if (t.namespaced && route.namespace === undefined) {
        throw new StatusError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
      }
      const body = await readBody(req);
      checkBody(body, route);
      const created = store.create(
        t,
        {
          ...body,
          metadata: { ...body.metadata, namespace: route.namespace },
        },
        write,
      );
      send(res, 201, serveAs(created, route));
      return;
    }
    case 'update': {
      const body = await readBody(req);
      checkBody(body, route);
      if (body.metadata?.name !== route.name) {
        throw badRequest(
          'the name of the object does not match the name on the URL',
        );
      }
      let next = {
        ...body,
        metadata: { ...body.metadata, namespace: route.namespace },
      };
      if (route.subresource === 'status') {
        const current = store.get(t, route.namespace, route.name!);
        next = {
          ...current,
          status: body.status,
          metadata: {
            ...current.metadata,
            resourceVersion: body.metadata?.resourceVersion,
          },
        };
      }
      const updated = store.update(t, next, write);
      send(res, 200, serveAs(updated, route));
      return;
    }
    case 'patch': {
      const body = await readBody(req);
      const contentType = req.headers['content-type'] ?? '';
      const name = route.name!;
      let current: any;
      try {
        current = store.get(t, route.namespace, name);
      } catch (e) {
        // Server-side apply creates what does not exist yet.
        if (contentType.startsWith('application/apply-patch+yaml')) {
          checkBody(body, route);
          const created = store.create(
            t,
            {
              ...body,
              metadata: {
                ...body.metadata,
                name,
                namespace: route.namespace,
              },
            },
            write,
          );
          send(res, 201, serveAs(created, route));
          return;
        }
        throw e;
      }
      const patchBody =
        route.subresource === 'status' && !Array.isArray(body)
          ? { status: body.status }
          : body;
      const patched: any = applyPatch(current, contentType, patchBody);
      const updated = store.update(
        t,
        {
          ...patched,
          metadata: {
            ...patched?.metadata,
            name,
            namespace: route.namespace,
          },
        },
        write,
      );
      send(res, 200, serveAs(updated, route));
      return;
    }
    case 'delete': {
      const deleted = deleteObject(ctx, t, route.namespace, route.name!, write);
      send(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name: deleted.metadata.name,
          group: t.group || undefined,
          kind: t.resource,
          uid: deleted.metadata.uid,
        },
      });
      return;
    }
    case 'deletecollection': {
      const matches = selectorFilter(query);
      const items = store
        .list(t, route.namespace)
        .filter(matches)
        .map(o =>
          deleteObject(
            ctx,
            t,
            route.namespace ?? o.metadata.namespace,
            o.metadata.name,
            write,
          ),
        );
      send(res, 200, {
        ...listKind(route),
        metadata: { resourceVersion: String(store.currentRevision()) },
        items: items.map(o => serveAs(o, route)),
      });
      return;
    }
    default:
      throw badRequest(`unsupported verb ${verb}`);
  }
}
