import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { selectorMatches } from '../../model/snapshot';
import { definitionsFor, kubectlNamespace, report } from './messages';
import {
  WorkloadIndex,
  WorkloadInstance,
  isCapturedByAmbient,
  namespaceIsAmbient,
} from './workloadInstances';
import { labelMap, selectorString } from './specFields';

const defs = definitionsFor('sidecar.SelectorAnalyzer', [
  'IST0101',
  'IST0110',
  'IST0111',
  'IST0167',
]);

/**
 * `sidecar.SelectorAnalyzer`: Sidecar resources whose workload selector
 * matches no pod, several Sidecars for one pod or for one namespace, and
 * Sidecars for workloads in ambient mode, where they do nothing.
 * @public
 */
export const sidecarSelectorAnalyzer: Analyzer = {
  name: 'sidecar.SelectorAnalyzer',
  definitions: defs,
  analyze({ snapshot }) {
    const workloads = new WorkloadIndex(snapshot);
    const findings: Finding[] = [];
    const selectedBy = new Map<WorkloadInstance, MeshResource[]>();
    const namespaceWide = new Map<string, MeshResource[]>();

    for (const sidecar of snapshot.all('Sidecar')) {
      const selector = labelMap(sidecar.spec.workloadSelector?.labels);
      if (Object.keys(selector).length === 0) {
        const list = namespaceWide.get(sidecar.namespace) ?? [];
        list.push(sidecar);
        namespaceWide.set(sidecar.namespace, list);
        continue;
      }
      const matched = workloads
        .inNamespace(sidecar.namespace)
        .filter(i => selectorMatches(selector, i.labels));
      if (matched.length === 0) {
        findings.push(
          report(
            defs,
            'IST0101',
            sidecar,
            `Sidecar ${sidecar.namespace}/${
              sidecar.name
            } selects workloads with "${selectorString(
              selector,
            )}", but no pod in namespace ${
              sidecar.namespace
            } has these labels, so it configures nothing.`,
            `Fix spec.workloadSelector.labels to match the pods (a Sidecar only selects pods in its own namespace):\nkubectl get pods -n ${sidecar.namespace} --show-labels`,
          ),
        );
      }
      for (const instance of matched) {
        selectedBy.set(instance, [
          ...(selectedBy.get(instance) ?? []),
          sidecar,
        ]);
      }
    }

    const reported = new Set<MeshResource>();
    const ineffective = (sidecar: MeshResource, why: string) => {
      if (reported.has(sidecar)) return;
      reported.add(sidecar);
      findings.push(
        report(
          defs,
          'IST0167',
          sidecar,
          `Sidecar ${sidecar.namespace}/${sidecar.name} has no effect: ${why}, and ambient workloads have no sidecar proxy to configure.`,
          `Delete it, or move the workloads to sidecar mode:\nkubectl delete sidecar ${
            sidecar.name
          }${kubectlNamespace(sidecar)}`,
        ),
      );
    };

    for (const [instance, sidecars] of selectedBy) {
      if (isCapturedByAmbient(instance, snapshot)) {
        for (const s of sidecars)
          ineffective(s, 'the workload it selects runs in ambient mode');
        continue;
      }
      if (sidecars.length < 2) continue;
      const names = sidecars.map(s => s.name).join(', ');
      for (const sidecar of sidecars) {
        if (reported.has(sidecar)) continue;
        reported.add(sidecar);
        findings.push(
          report(
            defs,
            'IST0110',
            sidecar,
            `Sidecars ${names} all select ${instance.resource.kind} ${instance.namespace}/${instance.resource.name}; which one configures its proxy is undefined.`,
            `Make the workload selectors disjoint, or merge the Sidecars into one:\nkubectl get sidecars -n ${instance.namespace}`,
          ),
        );
      }
    }

    for (const [namespace, sidecars] of namespaceWide) {
      if (namespaceIsAmbient(snapshot.get('Namespace', '', namespace))) {
        for (const s of sidecars)
          ineffective(s, `namespace ${namespace} is in ambient mode`);
        continue;
      }
      if (sidecars.length < 2) continue;
      const names = sidecars.map(s => s.name).join(', ');
      for (const sidecar of sidecars) {
        findings.push(
          report(
            defs,
            'IST0111',
            sidecar,
            `Namespace ${namespace} has several Sidecars without a workload selector (${names}); only one namespace-wide Sidecar may exist, so which applies is undefined.`,
            `Keep one Sidecar without workloadSelector in ${namespace}; give the others a selector or delete them:\nkubectl get sidecars -n ${namespace}`,
          ),
        );
      }
    }
    return findings;
  },
};
