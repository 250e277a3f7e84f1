/*
 * meta.k8s.io/v1 Table responses, which `kubectl get` asks for (server-side
 * printing) through its Accept header.
 */

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  // kubectl lists Table first and plain JSON as the fallback.
  const first = accept.split(',')[0];
  return /;\s*as=Table/.test(first) && /g=meta\.k8s\.io/.test(first);
}

/** Age like kubectl prints it: 45s, 12m, 3h, 2d. */
export function humanAge(createdIso: string | undefined, now = Date.now()) {
  if (!createdIso) return '<unknown>';
  const seconds = Math.max(
    0,
    Math.floor((now - Date.parse(createdIso)) / 1000),
  );
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

const COLUMNS = [
  {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
  },
  {
    name: 'Age',
    type: 'string',
    format: '',
    description: 'Time since the object was created.',
    priority: 0,
  },
];

function rowObject(obj: any, includeObject: string | undefined) {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return obj;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: obj.metadata,
  };
}

/**
 * A Table of `objects`. `includeObject` follows the query parameter:
 * Metadata (the default), Object or None.
 */
export function toTable(
  objects: any[],
  listMetadata: Record<string, unknown>,
  includeObject?: string,
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMetadata,
    columnDefinitions: COLUMNS,
    rows: objects.map(o => {
      const object = rowObject(o, includeObject);
      return {
        cells: [o.metadata?.name, humanAge(o.metadata?.creationTimestamp)],
        ...(object ? { object } : {}),
      };
    }),
  };
}
