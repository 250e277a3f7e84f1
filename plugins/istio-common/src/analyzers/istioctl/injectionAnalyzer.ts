import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { MeshSnapshot } from '../../model/snapshot';
import {
  NEVER_INJECTED_NAMESPACES,
  decideInjection,
  isInjectedPod,
} from '../../posture/injection';
import { definitionsFor, report } from './messages';
import {
  DATAPLANE_MODE_LABEL,
  INJECTION_LABEL,
  REVISION_LABEL,
} from './workloadInstances';

const NAME = 'injection.Analyzer';

/** How to recreate a pod so the webhook sees it again. */
function restartCommand(pod: MeshResource, snapshot: MeshSnapshot): string {
  const ns = pod.namespaceGiven ? ` -n ${pod.namespace}` : '';
  const owner =
    pod.ownerReferences.find(o => o.controller) ?? pod.ownerReferences[0];
  if (owner?.kind === 'ReplicaSet') {
    const replicaSet = snapshot.get('ReplicaSet', pod.namespace, owner.name);
    const deployment =
      replicaSet?.ownerReferences.find(o => o.kind === 'Deployment')?.name ??
      owner.name.replace(/-[a-z0-9]{5,10}$/, '');
    return `kubectl rollout restart deployment/${deployment}${ns}`;
  }
  if (owner && ['StatefulSet', 'DaemonSet'].includes(owner.kind)) {
    return `kubectl rollout restart ${owner.kind.toLowerCase()}/${
      owner.name
    }${ns}`;
  }
  return `kubectl delete pod ${pod.name}${ns}   # then re-create it from its manifest`;
}

const defs = definitionsFor(NAME, ['IST0102', 'IST0103', 'IST0123', 'IST0148']);

/**
 * `injection.Analyzer`: namespaces without (or with contradictory) injection
 * labels, and pods that should have a sidecar but do not.
 * @public
 */
export const injectionAnalyzer: Analyzer = {
  name: NAME,
  definitions: defs,
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    // Namespaces whose Namespace object is known, so pods there can be judged.
    const judged = new Set<string>();

    for (const ns of snapshot.all('Namespace')) {
      if (
        ns.name === snapshot.istioNamespace ||
        NEVER_INJECTED_NAMESPACES.has(ns.name)
      ) {
        continue;
      }
      judged.add(ns.name);
      const injection = ns.labels[INJECTION_LABEL];
      const rev = ns.labels[REVISION_LABEL];
      const mode = ns.labels[DATAPLANE_MODE_LABEL];

      // istio-injection other than "enabled" switches the others off, so
      // only count them alongside a missing or enabling istio-injection.
      const deciding: string[] = [];
      if (injection !== undefined) {
        deciding.push(`${INJECTION_LABEL}=${injection}`);
      }
      if (injection === undefined || injection === 'enabled') {
        if (rev !== undefined) deciding.push(`${REVISION_LABEL}=${rev}`);
        if (mode !== undefined) {
          deciding.push(`${DATAPLANE_MODE_LABEL}=${mode}`);
        }
      }
      if (deciding.length > 1) {
        findings.push(
          report(
            defs,
            'IST0123',
            ns,
            `Namespace ${
              ns.name
            } has several labels that each choose how its pods join the mesh (${deciding.join(
              ', ',
            )}); keep only one.`,
            deciding
              .map(
                l => `kubectl label namespace ${ns.name} ${l.split('=')[0]}-`,
              )
              .join('   # or\n'),
          ),
        );
      }

      if (injection !== undefined || rev !== undefined || mode === 'ambient') {
        continue;
      }
      if (snapshot.injector.enableNamespacesByDefault) {
        findings.push(
          report(
            defs,
            'IST0148',
            ns,
            `Namespace ${ns.name} has no injection label, but the injector has enableNamespacesByDefault set: its new pods get a sidecar.`,
            `kubectl label namespace ${ns.name} istio-injection=enabled   # say so explicitly, or\nkubectl label namespace ${ns.name} istio-injection=disabled  # opt out`,
          ),
        );
      } else {
        findings.push(
          report(
            defs,
            'IST0102',
            ns,
            `Namespace ${ns.name} is not labelled for sidecar injection, so pods created there stay outside the mesh.`,
            `kubectl label namespace ${ns.name} istio-injection=enabled   # or istio.io/rev=<revision>; istio-injection=disabled to keep it out`,
          ),
        );
      }
    }

    for (const pod of snapshot.all('Pod')) {
      if (!judged.has(pod.namespace) || isInjectedPod(pod)) continue;
      // What the webhook would do if the pod were created now.
      const decision = decideInjection(pod.namespace, pod, pod.spec, snapshot);
      if (!decision.willInject) continue;
      findings.push(
        report(
          defs,
          'IST0103',
          pod,
          `Pod ${pod.namespace}/${pod.name} has no istio-proxy container although a new pod would get one from revision ${decision.revision} (${decision.reason}): it was probably created before injection was enabled, and stays outside the mesh until re-created.`,
          restartCommand(pod, snapshot),
        ),
      );
    }
    return findings;
  },
};
