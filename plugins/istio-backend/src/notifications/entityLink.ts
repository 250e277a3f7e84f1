import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';

/** The app path of an entity's "Service mesh" tab, where a notice links. @public */
export function entityMeshTabPath(entityRef: string | CompoundEntityRef) {
  const { kind, namespace, name } =
    typeof entityRef === 'string' ? parseEntityRef(entityRef) : entityRef;
  const seg = encodeURIComponent;
  return `/catalog/${seg(namespace)}/${seg(
    kind.toLocaleLowerCase('en-US'),
  )}/${seg(name)}/service-mesh`;
}
