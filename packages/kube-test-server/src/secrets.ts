/*
 * Secrets: the server stores none, so the portal can be shown never to read
 * one. Lists are empty, watches silent, reads 404 and writes 403.
 */
import { ServerResponse } from 'node:http';
import { send } from './http';
import { RequestVerb } from './requestLog';
import { listKind, ResourceRequest } from './routes';
import { notFound, StatusError } from './status';
import { serveWatch, WatchContext } from './watch';

export function serveSecrets(
  ctx: WatchContext,
  res: ServerResponse,
  route: ResourceRequest,
  verb: RequestVerb,
  query: URLSearchParams,
) {
  const resourceVersion = String(ctx.store.currentRevision());
  if (verb === 'list') {
    send(res, 200, {
      ...listKind(route),
      metadata: { resourceVersion },
      items: [],
    });
  } else if (verb === 'watch') {
    // An empty watch: nothing to replay, nothing will ever happen.
    serveWatch(
      ctx,
      res,
      route,
      new URLSearchParams({
        ...Object.fromEntries(query),
        resourceVersion,
      }),
      false,
    );
  } else if (verb === 'get' || verb === 'delete') {
    throw notFound('secrets', '', route.name ?? '');
  } else {
    throw new StatusError(
      403,
      'Forbidden',
      'kube-test-server stores no secrets',
      {
        kind: 'secrets',
      },
    );
  }
}
