/*
 * Non-resource paths: /version, API discovery (legacy and aggregated),
 * OpenAPI v3 and the health endpoints.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { ResourceCatalog } from './catalog';
import { JSON_TYPE, send } from './http';
import { openApiGroupVersion, openApiRoot } from './openapi';
import { failureStatus } from './status';

const AGGREGATED_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** What discovery answers depend on. */
export interface DiscoveryOptions {
  catalog: ResourceCatalog;
  gitVersion: string;
  aggregatedDiscovery: boolean;
  port: number;
}

export function serveNonResource(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  opts: DiscoveryOptions,
) {
  const { catalog } = opts;
  const path = pathname.replace(/\/+$/, '') || '/';
  const accept = req.headers.accept ?? '';
  // kubectl and client-go ask for aggregated discovery first and fall back
  // to the legacy documents when the answer is plain JSON.
  const aggregated =
    opts.aggregatedDiscovery &&
    /g=apidiscovery\.k8s\.io;\s*v=v2(;|,|$)/.test(accept);
  const segs = path.split('/').filter(s => s.length > 0);
  let body: unknown;
  let contentType = JSON_TYPE;
  if (req.method !== 'GET') {
    body = undefined;
  } else if (path === '/version') {
    const [, major, minor] = /^v(\d+)\.(\d+)/.exec(opts.gitVersion) ?? [];
    body = {
      major,
      minor,
      gitVersion: opts.gitVersion,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.23.0',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  } else if (path === '/api' || path === '/apis') {
    if (aggregated) {
      body = catalog.aggregatedDiscovery(path === '/api');
      contentType = AGGREGATED_TYPE;
    } else {
      body =
        path === '/api'
          ? catalog.apiVersions(`127.0.0.1:${opts.port}`)
          : catalog.apiGroupList();
    }
  } else if (path === '/api/v1') {
    body = catalog.apiResourceList('', 'v1');
  } else if (segs[0] === 'apis' && segs.length === 2) {
    body = catalog.apiGroupDocument(segs[1]);
  } else if (
    segs[0] === 'apis' &&
    segs.length === 3 &&
    catalog.servesGroupVersion(segs[1], segs[2])
  ) {
    body = catalog.apiResourceList(segs[1], segs[2]);
  } else if (path === '/openapi/v3') {
    body = openApiRoot(catalog);
  } else if (segs[0] === 'openapi' && segs[1] === 'v3' && segs[2] === 'api') {
    body = openApiGroupVersion(catalog, '', segs[3]);
  } else if (segs[0] === 'openapi' && segs[1] === 'v3' && segs[2] === 'apis') {
    body = openApiGroupVersion(catalog, segs[3], segs[4]);
  } else if (path === '/healthz' || path === '/readyz' || path === '/livez') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
    return;
  }
  if (body === undefined) {
    send(
      res,
      404,
      failureStatus(
        404,
        'NotFound',
        'the server could not find the requested resource',
        {},
      ),
    );
    return;
  }
  send(res, 200, body, contentType);
}
