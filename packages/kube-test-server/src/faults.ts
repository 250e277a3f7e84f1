/*
 * Fault knobs that act on single requests and connections: latency,
 * forbidden kinds and the black hole's held connections.
 */
import { Socket } from 'node:net';
import { RequestVerb } from './requestLog';
import { ResourceRequest } from './routes';
import { failureStatus } from './status';

export class Faults {
  /** Delay before answering every request. */
  latencyMs: number;
  /** Connections are accepted and never answered. */
  blackHole = false;
  /** `resourceKey`s answered 403. */
  readonly forbidden = new Set<string>();
  /** Connections the black hole swallowed: reset when it closes. */
  readonly held = new Set<Socket>();

  constructor(latencyMs: number) {
    this.latencyMs = latencyMs;
  }

  /** Keeps a connection open without ever reading or writing it. */
  hold(socket: Socket) {
    this.held.add(socket);
    // A client giving up resets it; that must not crash the test run.
    socket.on('error', () => undefined);
  }

  /** Resets every held connection. */
  releaseHeld() {
    for (const socket of [...this.held]) socket.destroy();
    this.held.clear();
  }
}

/** The 403 Status the API server answers to a request RBAC refuses. */
export function forbiddenStatus(route: ResourceRequest, verb: RequestVerb) {
  const t = route.type;
  const where = route.namespace
    ? `in the namespace "${route.namespace}"`
    : 'at the cluster scope';
  const what = t.group ? `${t.resource}.${t.group}` : t.resource;
  const subject = route.name ? `${what} "${route.name}"` : what;
  return failureStatus(
    403,
    'Forbidden',
    `${subject} is forbidden: User "kube-test-server" cannot ${verb} resource "${t.resource}" in API group "${t.group}" ${where}`,
    { name: route.name, group: t.group || undefined, kind: t.resource },
  );
}
