/*
 * Routing of resource paths: /api/v1/... and /apis/g/v/... to the resource
 * type, namespace, name and subresource, and the verb a request means.
 */
import { ApiResourceType, ResourceCatalog } from './catalog';
import { isTrue } from './http';
import { RequestVerb } from './requestLog';
import {
  ObjectFilter,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

/** A request for a resource, as its path names it. */
export interface ResourceRequest {
  type: ApiResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Parses /api/v1/... and /apis/g/v/... resource paths. */
export function routeResource(
  catalog: ResourceCatalog,
  pathname: string,
): ResourceRequest | undefined {
  const segs = pathname
    .split('/')
    .filter(s => s.length > 0)
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length > 0) return undefined;
  const type = catalog.lookup(group, version, resource);
  if (!type) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  return { type, version, namespace, name, subresource };
}

export function verbOf(
  method: string,
  route: ResourceRequest,
  query: URLSearchParams,
): RequestVerb {
  switch (method) {
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return route.name ? 'delete' : 'deletecollection';
    default:
      if (route.name) return isTrue(query.get('watch')) ? 'watch' : 'get';
      return isTrue(query.get('watch')) ? 'watch' : 'list';
  }
}

/** The object with the apiVersion the request asked for. */
export function serveAs(obj: any, route: ResourceRequest): any {
  const t = route.type;
  const apiVersion = t.group ? `${t.group}/${route.version}` : route.version;
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

export function listKind(route: ResourceRequest) {
  const t = route.type;
  return {
    kind: `${t.kind}List`,
    apiVersion: t.group ? `${t.group}/${route.version}` : route.version,
  };
}

export function selectorFilter(query: URLSearchParams): ObjectFilter {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined);
  return o => labels(o) && fields(o);
}
