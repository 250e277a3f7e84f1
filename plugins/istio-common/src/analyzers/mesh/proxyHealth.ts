import { Analyzer } from '../../analysis/types';
import { Finding, findingAbout } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import {
  DEFAULT_PROXY_RESTART_THRESHOLD,
  MeshSnapshot,
} from '../../model/snapshot';
import { meshIndex } from '../../posture/meshIndex';
import {
  ProxyContainerStatus,
  proxyContainerStatus,
} from '../../posture/proxyContainers';
import { WorkloadRecord } from '../../posture/workloads';
import {
  PROXY_DEFINITIONS as DEFS,
  PROXY_HEALTH_ANALYZER,
  listOf,
} from './definitions';

/** Waiting reasons of a container that is still being created, not failing. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

/** A restart this recent counts as "keeps restarting" (with the count). */
const RECENT_RESTART_MS = 60 * 60 * 1000;

function notReadyState(status: ProxyContainerStatus): string {
  if (status.waitingReason) return status.waitingReason;
  if (status.terminatedReason) return `terminated: ${status.terminatedReason}`;
  return 'running, readiness probe failing';
}

function isNotReady(pod: MeshResource, status: ProxyContainerStatus): boolean {
  if (status.ready) return false;
  // A pod still being set up has not had the chance to become ready.
  return !(
    pod.status?.phase === 'Pending' &&
    (status.waitingReason === undefined || STARTING.has(status.waitingReason))
  );
}

function isRestarting(
  status: ProxyContainerStatus,
  snapshot: MeshSnapshot,
): boolean {
  const threshold =
    snapshot.proxyRestartThreshold ?? DEFAULT_PROXY_RESTART_THRESHOLD;
  if (status.restartCount < threshold) return false;
  if (status.waitingReason === 'CrashLoopBackOff') return true;
  const finished = Date.parse(status.lastTermination?.finishedAt ?? '');
  const now = Date.parse(snapshot.now ?? '');
  // Without both times, the count is all there is to go by.
  if (Number.isNaN(finished) || Number.isNaN(now)) return true;
  return now - finished <= RECENT_RESTART_MS;
}

function lastTermination(status: ProxyContainerStatus): string {
  const last = status.lastTermination;
  if (!last?.reason && last?.exitCode === undefined) return '';
  const exit = last.exitCode === undefined ? '' : ` exit code ${last.exitCode}`;
  return `, last ${last.reason ?? 'terminated'}${exit}`;
}

/** How to raise the proxy's memory limit: on the controller's template, or in a bare pod's manifest. */
function memoryLimitCommand(workload: WorkloadRecord): string {
  const { kind, namespace, name } = workload.posture;
  const annotation = 'sidecar.istio.io/proxyMemoryLimit';
  if (kind === 'Pod') {
    return `# The proxy ran out of memory: set the annotation ${annotation} (for example 1Gi) in the manifest of pod ${name}, then recreate it`;
  }
  return `# The proxy ran out of memory: raise its limit on the pod template (this restarts the pods)\nkubectl -n ${namespace} patch ${kind.toLowerCase()}/${name} --type=merge -p '{"spec":{"template":{"metadata":{"annotations":{"${annotation}":"1Gi"}}}}}'`;
}

function notReadyFinding(
  workload: WorkloadRecord,
  pods: Array<[MeshResource, ProxyContainerStatus]>,
): Finding {
  const { namespace, kind, name } = workload.posture;
  const running = workload.pods.filter(p => proxyContainerStatus(p)).length;
  const first = pods[0][0].name;
  const whose =
    kind === 'Pod'
      ? `Pod ${namespace}/${name} reports its proxy`
      : `${pods.length} of ${running} pod${
          running === 1 ? '' : 's'
        } of ${kind} ${namespace}/${name} with a proxy report it`;
  const message = `${whose} not ready: ${listOf(
    pods.map(([pod, status]) => `${pod.name} (${notReadyState(status)})`),
  )}. Their traffic, which the proxy intercepts, fails.`;
  const remediation = [
    `kubectl -n ${namespace} describe pod ${first}`,
    `kubectl -n ${namespace} logs ${first} -c istio-proxy`,
    `istioctl proxy-status -n ${namespace}`,
  ].join('\n');
  return findingAbout(DEFS.MESH201, workload.resource, message, remediation);
}

function restartingFinding(
  workload: WorkloadRecord,
  pods: Array<[MeshResource, ProxyContainerStatus]>,
): Finding {
  const { namespace, kind, name } = workload.posture;
  const oomKilled = pods.some(
    ([, s]) => s.lastTermination?.reason === 'OOMKilled',
  );
  const whose =
    kind === 'Pod'
      ? `Pod ${namespace}/${name}`
      : `${pods.length} pod${
          pods.length === 1 ? '' : 's'
        } of ${kind} ${namespace}/${name}`;
  const message = `The istio-proxy of ${whose} keeps restarting: ${listOf(
    pods.map(
      ([pod, s]) =>
        `${pod.name} (${s.restartCount} restarts${lastTermination(s)})`,
    ),
  )}.`;
  const logs = `kubectl -n ${namespace} logs ${pods[0][0].name} -c istio-proxy --previous`;
  const remediation = oomKilled
    ? `${logs}\n${memoryLimitCommand(workload)}`
    : logs;
  return findingAbout(DEFS.MESH202, workload.resource, message, remediation);
}

/**
 * istio-proxy containers of running pods that are not ready (MESH201) or
 * keep restarting (MESH202), from the pods' container statuses. Pods
 * reporting no status for their proxy are left out: unknown, not healthy.
 * @public
 */
export const proxyHealthAnalyzer: Analyzer = {
  name: PROXY_HEALTH_ANALYZER,
  definitions: [DEFS.MESH201, DEFS.MESH202],
  inputs: ['Pod'],
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    for (const workload of meshIndex(snapshot).workloads) {
      const notReady: Array<[MeshResource, ProxyContainerStatus]> = [];
      const restarting: Array<[MeshResource, ProxyContainerStatus]> = [];
      for (const pod of workload.pods) {
        const status = proxyContainerStatus(pod);
        if (!status) continue;
        if (isNotReady(pod, status)) notReady.push([pod, status]);
        if (isRestarting(status, snapshot)) restarting.push([pod, status]);
      }
      if (notReady.length) findings.push(notReadyFinding(workload, notReady));
      if (restarting.length) {
        findings.push(restartingFinding(workload, restarting));
      }
    }
    return findings;
  },
};
