import { Analyzer } from '../../analysis/types';
import { Finding, findingAbout } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { MeshSnapshot } from '../../model/snapshot';
import { imageVersion, istiodVersion } from '../../posture/controlPlane';
import { installedRevisions } from '../../posture/injection';
import { meshIndex } from '../../posture/meshIndex';
import { injectedRevision, proxyImage } from '../../posture/proxyContainers';
import { WorkloadRecord } from '../../posture/workloads';
import {
  PROXY_DEFINITIONS as DEFS,
  PROXY_REVISION_ANALYZER,
  listOf,
} from './definitions';

/** Set on a pod template to choose the proxy image on purpose. */
const PROXY_IMAGE_ANNOTATION = 'sidecar.istio.io/proxyImage';

function restartCommand(workload: WorkloadRecord): string {
  const { kind, namespace, name } = workload.posture;
  return kind === 'Pod'
    ? `# ${name} has no controller: recreate it from its manifest\nkubectl -n ${namespace} delete pod ${name}`
    : `kubectl -n ${namespace} rollout restart ${kind.toLowerCase()}/${name}`;
}

function grouped(pods: Array<[MeshResource, string]>): string {
  const byValue = new Map<string, string[]>();
  for (const [pod, value] of pods) {
    byValue.set(value, [...(byValue.get(value) ?? []), pod.name]);
  }
  return [...byValue]
    .map(([value, names]) => `${value} (${listOf(names, 3)})`)
    .join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function revisionFindings(
  snapshot: MeshSnapshot,
  workload: WorkloadRecord,
): Finding[] {
  const { kind, namespace, name, injection } = workload.posture;
  if (!injection.willInject || !injection.revision) return [];
  const selected = injection.revision;
  const otherRevision: Array<[MeshResource, string]> = [];
  const otherVersion: Array<[MeshResource, string]> = [];
  const istiod = istiodVersion(snapshot, selected);
  for (const pod of workload.pods) {
    const revision = injectedRevision(pod);
    if (revision !== undefined && revision !== selected) {
      otherRevision.push([pod, revision]);
      continue;
    }
    if (pod.annotations[PROXY_IMAGE_ANNOTATION] || !istiod?.version) continue;
    const version = imageVersion(proxyImage(pod));
    if (version && version !== istiod.version) {
      otherVersion.push([pod, version]);
    }
  }
  const findings: Finding[] = [];
  if (otherRevision.length) {
    findings.push(
      findingAbout(
        DEFS.MESH203,
        workload.resource,
        `${plural(
          otherRevision.length,
          'pod',
        )} of ${kind} ${namespace}/${name} run${
          otherRevision.length === 1 ? 's' : ''
        } a proxy of revision ${grouped(
          otherRevision,
        )}, but new pods get revision ${selected}: ${injection.reason}.`,
        restartCommand(workload),
      ),
    );
  }
  if (otherVersion.length && istiod) {
    findings.push(
      findingAbout(
        DEFS.MESH204,
        workload.resource,
        `${plural(
          otherVersion.length,
          'pod',
        )} of ${kind} ${namespace}/${name} run${
          otherVersion.length === 1 ? 's' : ''
        } istio-proxy ${grouped(
          otherVersion,
        )}, but istiod of revision ${selected} (${resourceLabel(
          istiod.deployment,
        )}) runs ${istiod.version}.`,
        restartCommand(workload),
      ),
    );
  }
  return findings;
}

function resourceLabel(resource: MeshResource): string {
  return `${resource.namespace}/${resource.name}`;
}

/**
 * Proxies left behind by a control-plane upgrade: injected by another
 * revision than the one the workload now selects (MESH203), or running
 * another version than istiod of that revision (MESH204). Revisions are
 * compared only when the snapshot holds the injector webhooks, since
 * revision tags cannot be resolved without them.
 * @public
 */
export const proxyRevisionAnalyzer: Analyzer = {
  name: PROXY_REVISION_ANALYZER,
  definitions: [DEFS.MESH203, DEFS.MESH204],
  inputs: ['Namespace', 'Pod', 'Deployment', 'MutatingWebhookConfiguration'],
  analyze({ snapshot }) {
    if (installedRevisions(snapshot).size === 0) return [];
    return meshIndex(snapshot).workloads.flatMap(w =>
      revisionFindings(snapshot, w),
    );
  },
};
