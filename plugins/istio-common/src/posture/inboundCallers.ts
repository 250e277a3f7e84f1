import type { InboundCaller } from '../api/entityPosture';

/**
 * A caller the workload would lose when it moves to STRICT: the server
 * side reported its traffic as plaintext.
 * @public
 */
export function isPlaintext(caller: InboundCaller): boolean {
  return caller.securityPolicy === 'none';
}

/** Istio labels a caller without a proxy `unknown`. @public */
export function isOutsideMesh(caller: InboundCaller): boolean {
  return caller.sourceWorkload === 'unknown';
}
