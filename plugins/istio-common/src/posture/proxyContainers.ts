import { MeshResource } from '../model/resources';

const PROXY = 'istio-proxy';
const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';

/**
 * What the kubelet reports about a pod's istio-proxy container
 * (`status.containerStatuses`, or `status.initContainerStatuses` for a
 * native sidecar).
 * @public
 */
export interface ProxyContainerStatus {
  /** `native` when the proxy is an init container with `restartPolicy: Always`. */
  placement: 'container' | 'native';
  ready: boolean;
  restartCount: number;
  /** `state.waiting.reason`, e.g. `CrashLoopBackOff`. */
  waitingReason?: string;
  /** `state.terminated.reason` when the container is not running now. */
  terminatedReason?: string;
  /** `lastState.terminated`: why the previous run ended, and when. */
  lastTermination?: { reason?: string; exitCode?: number; finishedAt?: string };
}

function named(list: unknown, name: string): any {
  return Array.isArray(list) ? list.find(c => c?.name === name) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * The status of the pod's istio-proxy container, or undefined when the pod
 * has no proxy or reports no status for it (a manifest, a pod not yet
 * scheduled): health is then unknown, not good.
 * @public
 */
export function proxyContainerStatus(
  pod: MeshResource,
): ProxyContainerStatus | undefined {
  const native = named(pod.spec?.initContainers, PROXY) !== undefined;
  if (!native && named(pod.spec?.containers, PROXY) === undefined) {
    return undefined;
  }
  const status = named(
    native ? pod.status?.initContainerStatuses : pod.status?.containerStatuses,
    PROXY,
  );
  if (!status || typeof status.ready !== 'boolean') return undefined;
  const last = status.lastState?.terminated;
  const restartCount = Number(status.restartCount);
  return {
    placement: native ? 'native' : 'container',
    ready: status.ready,
    restartCount: Number.isFinite(restartCount) ? restartCount : 0,
    waitingReason: text(status.state?.waiting?.reason),
    terminatedReason: text(status.state?.terminated?.reason),
    lastTermination:
      last && typeof last === 'object'
        ? {
            reason: text(last.reason),
            exitCode:
              typeof last.exitCode === 'number' ? last.exitCode : undefined,
            finishedAt: text(last.finishedAt),
          }
        : undefined,
  };
}

/**
 * The image of the pod's istio-proxy container (container or native
 * sidecar), as the pod spec names it.
 * @public
 */
export function proxyImage(
  pod: Pick<MeshResource, 'spec'>,
): string | undefined {
  return text(
    (
      named(pod.spec?.containers, PROXY) ??
      named(pod.spec?.initContainers, PROXY)
    )?.image,
  );
}

/**
 * The revision whose injector added the pod's proxy: `revision` of the
 * `sidecar.istio.io/status` annotation the injector writes. Undefined when
 * the annotation is missing, not JSON or has no revision.
 * @public
 */
export function injectedRevision(
  pod: Pick<MeshResource, 'annotations'>,
): string | undefined {
  const raw = pod.annotations[SIDECAR_STATUS_ANNOTATION];
  if (!raw) return undefined;
  try {
    return text(JSON.parse(raw)?.revision);
  } catch {
    return undefined;
  }
}
