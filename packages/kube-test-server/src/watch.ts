/*
 * The watch verb: the initial ADDED events or the replay of history since a
 * resourceVersion, live events filtered by scope and selector, bookmarks and
 * timeouts.
 */
import { ServerResponse } from 'node:http';
import { resourceKey } from './catalog';
import { isTrue, JSON_TYPE } from './http';
import { ResourceRequest, selectorFilter, serveAs } from './routes';
import { badRequest, expired } from './status';
import { ObjectStore, StoreEvent } from './store';
import { toTable } from './table';

/** A watch being streamed. */
export interface OpenWatch {
  res: ServerResponse;
  stop: () => void;
}

/** What a watch reads from and where it registers itself while open. */
export interface WatchContext {
  store: ObjectStore;
  watches: Set<OpenWatch>;
  bookmarkIntervalMs: number;
}

export function serveWatch(
  ctx: WatchContext,
  res: ServerResponse,
  route: ResourceRequest,
  query: URLSearchParams,
  table: boolean,
) {
  const { store } = ctx;
  const t = route.type;
  const key = resourceKey(t);
  const selector = selectorFilter(query);
  const inScope = (o: any) =>
    (route.namespace === undefined ||
      o.metadata.namespace === route.namespace) &&
    (route.name === undefined || o.metadata.name === route.name) &&
    selector(o);
  const rvParam = query.get('resourceVersion') ?? '';
  const fromRv =
    rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
  if (fromRv !== undefined && !Number.isInteger(fromRv)) {
    throw badRequest(`invalid resource version: ${rvParam}`);
  }

  res.writeHead(200, {
    'Content-Type': JSON_TYPE,
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // Clients wait for the headers before they read events.
  res.flushHeaders();
  const write = (type: string, object: any) => {
    if (res.destroyed || res.writableEnded) return;
    const payload =
      table && type !== 'ERROR' && type !== 'BOOKMARK'
        ? toTable(
            [object],
            { resourceVersion: object.metadata.resourceVersion },
            query.get('includeObject') ?? undefined,
          )
        : object;
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
  };
  const deliver = (e: StoreEvent) => {
    if (e.key !== key) return;
    const now = inScope(e.object);
    const before = e.previous ? inScope(e.previous) : now;
    let type: string = e.type;
    // Objects moving in or out of the selection look added or deleted.
    if (e.type === 'MODIFIED' && now !== before)
      type = now ? 'ADDED' : 'DELETED';
    else if (!now) return;
    write(type, serveAs(e.object, route));
  };

  if (fromRv === undefined) {
    for (const o of store.list(t, route.namespace)) {
      if (inScope(o)) write('ADDED', serveAs(o, route));
    }
  } else {
    const changes = store.changesSince(fromRv);
    if (!changes) {
      write(
        'ERROR',
        expired(
          `too old resource version: ${fromRv} (${store.oldestWatchable()})`,
        ).toStatus(),
      );
      res.end();
      return;
    }
    changes.forEach(deliver);
  }

  const unsubscribe = store.subscribe(deliver);
  const timers: NodeJS.Timeout[] = [];
  const watch: OpenWatch = {
    res,
    stop: () => {
      unsubscribe();
      timers.forEach(x => clearTimeout(x));
      ctx.watches.delete(watch);
    },
  };
  ctx.watches.add(watch);
  res.on('close', watch.stop);
  res.on('finish', watch.stop);

  if (isTrue(query.get('allowWatchBookmarks'))) {
    const bookmark = setInterval(() => {
      write('BOOKMARK', {
        kind: t.kind,
        apiVersion: t.group ? `${t.group}/${route.version}` : route.version,
        metadata: { resourceVersion: String(store.currentRevision()) },
      });
    }, ctx.bookmarkIntervalMs);
    timers.push(bookmark);
  }
  const timeout = Number(query.get('timeoutSeconds') ?? 0);
  if (timeout > 0) {
    timers.push(
      setTimeout(() => {
        watch.stop();
        res.end();
      }, timeout * 1000),
    );
  }
}
