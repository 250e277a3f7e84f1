/**
 * Manifests larger than this are refused before they are read. Kubernetes
 * objects are at most 1.5 MB each (etcd's limit), so 20 MB holds a large
 * `kubectl get -o yaml` dump; bigger inputs are split by the user.
 * @public
 */
export const MAX_MANIFEST_BYTES = 20 * 1024 * 1024;

/**
 * Alias uses allowed per document, counted in the expanded document (an
 * alias inside an aliased collection counts once per repetition).
 * Kubernetes manifests rarely use aliases at all; a low limit stops
 * "billion laughs" documents while they are parsed.
 * @public
 */
export const MAX_ALIAS_COUNT = 50;

/**
 * Deepest nesting of objects and lists accepted in one document. Real
 * manifests (CRD schemas included) stay far below it; deeper input is
 * treated as hostile.
 * @public
 */
export const MAX_NESTING_DEPTH = 100;

/** Extensions of manifest files, for readers that walk directories. @public */
export const MANIFEST_EXTENSIONS: ReadonlyArray<string> = [
  '.yaml',
  '.yml',
  '.json',
];
