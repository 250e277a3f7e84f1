import { ClusterProblemReason } from '@meshportal/plugin-istio-common';
import { KubeApiError } from './KubeApi';

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
]);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const TLS = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const CONFIGURATION = new Set([
  'ENOENT',
  'EACCES',
  'EISDIR',
  'ERR_INVALID_URL',
]);

/** The error's own code, or that of its cause (fetch wraps socket errors). */
function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

function fromStatus(status: number): ClusterProblemReason {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'absent';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server-error';
  return 'unknown';
}

/**
 * Names what went wrong reading a cluster (or a Prometheus) in the fixed
 * vocabulary every signed-in user may see; the error's text, which may
 * name hosts, ports, paths and server messages, stays out of it.
 * @public
 */
export function clusterProblemReason(error: unknown): ClusterProblemReason {
  if (error instanceof KubeApiError) return fromStatus(error.status);
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400) return fromStatus(status);
  const code = codeOf(error);
  if (code) {
    if (UNREACHABLE.has(code)) return 'unreachable';
    if (TIMEOUT.has(code)) return 'timeout';
    if (TLS.has(code) || /^ERR_(SSL|TLS)_/.test(code)) return 'tls';
    if (CONFIGURATION.has(code)) return 'configuration';
  }
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  if (name === 'SyntaxError') return 'bad-response';
  if (/timed out/i.test((error as Error)?.message ?? '')) return 'timeout';
  return 'unknown';
}
