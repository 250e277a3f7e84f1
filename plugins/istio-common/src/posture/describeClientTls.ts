import {
  ClientTlsEndpoint,
  ClientTlsEntry,
  ClientTlsPortEntry,
} from '../analysis/types';
import { ClientTlsMode } from '../model/resources';

/**
 * What clients send to a host, or to one of its ports, in words the entity
 * page and the CLI share.
 * @public
 */
export interface ClientTlsLine {
  /** The port, or undefined for the host as a whole. */
  port?: string;
  mode: ClientTlsMode;
  /** `auto mTLS`, or `DestinationRule <namespace>/<name>`. */
  decidedBy: string;
  /** Under auto mTLS: the workloads sent mTLS. */
  mtlsTo: string[];
  /** Under auto mTLS: the workloads sent plaintext, each with why. */
  plaintextTo: string[];
}

function decidedBy(
  entry: ClientTlsEntry,
  source: ClientTlsEntry['source'],
): string {
  return source === 'autoMtls' || !entry.destinationRule
    ? 'auto mTLS'
    : `DestinationRule ${entry.destinationRule}`;
}

function why(endpoint: ClientTlsEndpoint): string {
  if (endpoint.reason === 'noSidecar')
    return `${endpoint.workload} (no sidecar)`;
  const port =
    endpoint.targetPort === undefined ? '' : ` on port ${endpoint.targetPort}`;
  const policy = endpoint.policy
    ? `PeerAuthentication ${endpoint.policy}`
    : 'its PeerAuthentication';
  return `${endpoint.workload} (${policy} is DISABLE${port})`;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function portLine(
  entry: ClientTlsEntry,
  port: string,
  atPort: ClientTlsPortEntry,
): ClientTlsLine {
  const endpoints = atPort.endpoints ?? [];
  return {
    port,
    mode: atPort.mode,
    decidedBy: decidedBy(entry, atPort.source),
    mtlsTo: unique(
      endpoints.filter(e => e.mode === 'ISTIO_MUTUAL').map(e => e.workload),
    ),
    plaintextTo: unique(endpoints.filter(e => e.mode === 'DISABLE').map(why)),
  };
}

/**
 * The lines that say what clients send: one for the host, then one for each
 * port that differs from it or where some endpoints get plaintext (auto
 * mTLS decides per endpoint and per target port).
 * @public
 */
export function describeClientTls(entry: ClientTlsEntry): ClientTlsLine[] {
  const lines: ClientTlsLine[] = [
    {
      mode: entry.mode,
      decidedBy: decidedBy(entry, entry.source),
      mtlsTo: [],
      plaintextTo: [],
    },
  ];
  for (const [port, atPort] of Object.entries(entry.ports)) {
    const line = portLine(entry, port, atPort);
    if (
      line.mode !== entry.mode ||
      atPort.source !== entry.source ||
      line.plaintextTo.length > 0
    ) {
      lines.push(line);
    }
  }
  return lines;
}

/**
 * To whom a line sends what, when auto mTLS splits the endpoints:
 * `mTLS to shop/reviews; plaintext to shop/legacy (no sidecar)`; empty when
 * every endpoint gets the line's mode.
 * @public
 */
export function clientTlsLineDetail(line: ClientTlsLine): string {
  if (line.plaintextTo.length === 0) return '';
  const parts = [];
  if (line.mtlsTo.length > 0) parts.push(`mTLS to ${line.mtlsTo.join(', ')}`);
  parts.push(`plaintext to ${line.plaintextTo.join(', ')}`);
  return parts.join('; ');
}

/**
 * One line as a sentence: `port 9080: DISABLE (auto mTLS); plaintext to
 * shop/reviews (PeerAuthentication shop/legacy is DISABLE on port 9080)`.
 * @public
 */
export function clientTlsLineText(line: ClientTlsLine): string {
  const head = `${line.port ? `port ${line.port}: ` : ''}${line.mode} (${
    line.decidedBy
  })`;
  const detail = clientTlsLineDetail(line);
  return detail ? `${head}; ${detail}` : head;
}
