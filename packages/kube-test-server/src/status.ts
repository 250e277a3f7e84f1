/*
 * meta/v1 Status objects, the body of every API error.
 */

/** Details of the object an error is about. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

/** An API error carrying the Status object the server answers with. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  /** The meta/v1 Status body. */
  toStatus() {
    return failureStatus(this.code, this.reason, this.message, this.details);
  }
}

/** A Status with `status: Failure`. */
export function failureStatus(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** 404 for a named object. */
export function notFound(
  resource: string,
  group: string,
  name: string,
): StatusError {
  const what = group ? `${resource}.${group}` : resource;
  return new StatusError(404, 'NotFound', `${what} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: resource,
  });
}

/** 409 for a create of an existing name. */
export function alreadyExists(
  resource: string,
  group: string,
  name: string,
): StatusError {
  const what = group ? `${resource}.${group}` : resource;
  return new StatusError(
    409,
    'AlreadyExists',
    `${what} "${name}" already exists`,
    { name, group: group || undefined, kind: resource },
  );
}

/** 409 for an update whose resourceVersion is stale. */
export function conflict(
  resource: string,
  group: string,
  name: string,
): StatusError {
  const what = group ? `${resource}.${group}` : resource;
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${what} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: group || undefined, kind: resource },
  );
}

/** 410 for a watch or continue token older than the retained history. */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

/** 400 for a malformed request. */
export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}
