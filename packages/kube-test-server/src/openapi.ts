/*
 * Just enough OpenAPI v3 for kubectl's field-validation check: kubectl
 * 1.27+ reads /openapi/v3 to learn whether the server validates fields
 * itself (the `fieldValidation` parameter on PATCH). When it does, kubectl
 * sends `fieldValidation=Strict` and needs no schema of its own.
 */
import { ResourceCatalog } from './catalog';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** `/openapi/v3`: the group versions that have a document. */
export function openApiRoot(catalog: ResourceCatalog) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const add = (group: string, version: string) => {
    const p = gvPath(group, version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=kube-test-server` };
  };
  add('', 'v1');
  for (const g of catalog.groups()) {
    for (const v of g.versions) add(g.name, v);
  }
  return { paths };
}

/** `/openapi/v3/api/v1` or `/openapi/v3/apis/<group>/<version>`. */
export function openApiGroupVersion(
  catalog: ResourceCatalog,
  group: string,
  version: string,
) {
  if (
    !(group === ''
      ? version === 'v1'
      : catalog.servesGroupVersion(group, version))
  ) {
    return undefined;
  }
  const paths: Record<string, unknown> = {};
  const prefix = `/${gvPath(group, version)}`;
  for (const t of catalog.types) {
    if (t.group !== group || !t.versions.includes(version)) continue;
    const scope = t.namespaced ? '/namespaces/{namespace}' : '';
    paths[`${prefix}${scope}/${t.resource}/{name}`] = {
      patch: {
        operationId: `patch${t.kind}`,
        parameters: [
          { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
        ],
        'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
        'x-kubernetes-action': 'patch',
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}
