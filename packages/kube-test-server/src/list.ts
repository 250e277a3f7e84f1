/*
 * The list verb: selectors, resourceVersion semantics, and pagination with
 * continue tokens pinned to the revision of the first page.
 */
import { ServerResponse } from 'node:http';
import { send } from './http';
import { listKind, ResourceRequest, selectorFilter, serveAs } from './routes';
import { badRequest, expired, StatusError } from './status';
import { ObjectStore } from './store';
import { toTable } from './table';

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof t.rv === 'number' && typeof t.start === 'string') return t;
  } catch {
    // fall through
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion',
  );
}

export function serveList(
  store: ObjectStore,
  res: ServerResponse,
  route: ResourceRequest,
  query: URLSearchParams,
  table: boolean,
) {
  const matches = selectorFilter(query);
  const current = store.currentRevision();
  const cont = query.get('continue');
  const token = cont ? decodeContinue(cont) : undefined;
  let listRv = token?.rv ?? current;
  const rvParam = query.get('resourceVersion') ?? '';
  if (!token && rvParam !== '' && rvParam !== '0') {
    const rv = Number(rvParam);
    if (!Number.isInteger(rv) || rv < 0) {
      throw badRequest(`invalid resource version: ${rvParam}`);
    }
    // A real server waits a few seconds for a future revision; it never
    // comes here.
    if (rv > current) {
      throw new StatusError(
        504,
        'Timeout',
        `Timeout: Too large resource version: ${rv}, current: ${current}`,
      );
    }
    // NotOlderThan (the default) is served from the latest state.
    if (query.get('resourceVersionMatch') === 'Exact') listRv = rv;
  }
  const snapshot =
    listRv === current && !token
      ? store.list(route.type, route.namespace)
      : store.listAt(route.type, listRv, route.namespace);
  if (!snapshot) {
    throw expired(
      token
        ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'
        : `The resourceVersion for the provided list is too old.`,
    );
  }
  let items = snapshot.filter(matches);
  if (token) {
    items = items.filter(o => ObjectStore.positionOf(o) > token.start);
  }
  const limit = Number(query.get('limit') ?? 0);
  const metadata: Record<string, unknown> = {
    resourceVersion: String(listRv),
  };
  if (limit > 0 && items.length > limit) {
    metadata.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
    metadata.continue = encodeContinue({
      rv: listRv,
      start: ObjectStore.positionOf(items[items.length - 1]),
    });
  }
  const served = items.map(o => serveAs(o, route));
  if (table) {
    send(
      res,
      200,
      toTable(served, metadata, query.get('includeObject') ?? undefined),
    );
    return;
  }
  send(res, 200, { ...listKind(route), metadata, items: served });
}
