import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { selectorMatches } from '../../model/snapshot';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { WorkloadIndex, WorkloadInstance } from './workloadInstances';
import { labelMap, list, selectorString } from './specFields';

function editCommand(telemetry: MeshResource): string {
  return `kubectl edit telemetry ${telemetry.name}${kubectlNamespace(
    telemetry,
  )}`;
}

/** Telemetry names, sorted, as upstream lists them. */
function names(telemetries: MeshResource[]): string {
  return telemetries
    .map(t => t.name)
    .sort()
    .join(', ');
}

const providerDefs = definitionsFor('telemetry.ProviderAnalyzer', ['IST0157']);

/**
 * `telemetry.ProviderAnalyzer`: an access logging entry that is not
 * disabled and names no provider, while the mesh config has no default
 * access logging provider. Istio then ignores the entry.
 * @public
 */
export const telemetryProviderAnalyzer: Analyzer = {
  name: 'telemetry.ProviderAnalyzer',
  definitions: providerDefs,
  inputs: ['Telemetry'],
  analyze({ snapshot }) {
    if ((snapshot.meshConfig.defaultAccessLogging ?? []).length > 0) return [];
    const findings: Finding[] = [];
    for (const telemetry of snapshot.all('Telemetry')) {
      const ignored = list(telemetry.spec.accessLogging).filter(
        entry =>
          entry?.disabled !== true && list(entry?.providers).length === 0,
      );
      // istioctl's message names only the Telemetry, so one per Telemetry.
      if (ignored.length === 0) continue;
      findings.push(
        report(
          providerDefs,
          'IST0157',
          telemetry,
          `Telemetry ${telemetry.namespace}/${telemetry.name} has an accessLogging entry without providers, and the mesh config sets no defaultProviders.accessLogging, so Istio ignores that entry.`,
          [
            'Name a provider in the entry, for example:',
            'spec:',
            '  accessLogging:',
            '  - providers:',
            '    - name: envoy',
            'or set meshConfig.defaultProviders.accessLogging.',
            editCommand(telemetry),
          ].join('\n'),
        ),
      );
    }
    return findings;
  },
};

const selectorDefs = definitionsFor('telemetry.SelectorAnalyzer', [
  'IST0101',
  'IST0159',
]);

/**
 * `telemetry.SelectorAnalyzer`: a Telemetry whose workload selector matches
 * no pod in its namespace, and Telemetries whose selectors pick the same
 * pod. Pods and pod templates count; a conflict is reported once per
 * Telemetry, where upstream repeats it for every pod.
 * @public
 */
export const telemetrySelectorAnalyzer: Analyzer = {
  name: 'telemetry.SelectorAnalyzer',
  definitions: selectorDefs,
  inputs: ['Telemetry', 'Pod'],
  analyze({ snapshot }) {
    const workloads = new WorkloadIndex(snapshot);
    const findings: Finding[] = [];
    const selectedBy = new Map<WorkloadInstance, MeshResource[]>();
    for (const telemetry of snapshot.all('Telemetry')) {
      const selector = labelMap(telemetry.spec.selector?.matchLabels);
      if (Object.keys(selector).length === 0) continue;
      const matched = workloads
        .inNamespace(telemetry.namespace)
        .filter(i => selectorMatches(selector, i.labels));
      for (const instance of matched) {
        selectedBy.set(instance, [
          ...(selectedBy.get(instance) ?? []),
          telemetry,
        ]);
      }
      if (matched.length > 0) continue;
      findings.push(
        report(
          selectorDefs,
          'IST0101',
          telemetry,
          `Telemetry ${telemetry.namespace}/${
            telemetry.name
          } selects workloads with "${selectorString(
            selector,
          )}", but no pod in namespace ${
            telemetry.namespace
          } has these labels, so it configures nothing.`,
          `Fix spec.selector.matchLabels to match the pods (a Telemetry only selects pods in its own namespace):\nkubectl get pods -n ${telemetry.namespace} --show-labels`,
        ),
      );
    }

    // One message per Telemetry, naming the first workload it shares.
    const reported = new Set<MeshResource>();
    for (const [instance, telemetries] of selectedBy) {
      if (telemetries.length < 2) continue;
      for (const telemetry of telemetries) {
        if (reported.has(telemetry)) continue;
        reported.add(telemetry);
        findings.push(
          report(
            selectorDefs,
            'IST0159',
            telemetry,
            `Telemetries ${names(telemetries)} in namespace ${
              instance.namespace
            } all select ${instance.resource.kind} ${
              instance.resource.name
            }; which settings its proxy gets is undefined.`,
            `Make the selectors disjoint, or merge the Telemetries into one:\nkubectl get telemetries -n ${instance.namespace}`,
          ),
        );
      }
    }
    return findings;
  },
};

const defaultSelectorDefs = definitionsFor(
  'telemetry.DefaultSelectorAnalyzer',
  ['IST0160'],
);

/**
 * `telemetry.DefaultSelectorAnalyzer`: more than one Telemetry without a
 * selector in one namespace. Only one namespace-wide Telemetry may exist;
 * with several, which one applies is undefined.
 * @public
 */
export const telemetryDefaultSelectorAnalyzer: Analyzer = {
  name: 'telemetry.DefaultSelectorAnalyzer',
  definitions: defaultSelectorDefs,
  inputs: ['Telemetry'],
  analyze({ snapshot }) {
    const namespaceWide = new Map<string, MeshResource[]>();
    for (const telemetry of snapshot.all('Telemetry')) {
      // Only a missing selector counts; `selector: {}` is a (match-all) selector.
      if (
        telemetry.spec.selector !== undefined &&
        telemetry.spec.selector !== null
      ) {
        continue;
      }
      const group = namespaceWide.get(telemetry.namespace) ?? [];
      group.push(telemetry);
      namespaceWide.set(telemetry.namespace, group);
    }
    const findings: Finding[] = [];
    for (const [namespace, telemetries] of namespaceWide) {
      if (telemetries.length < 2) continue;
      for (const telemetry of telemetries) {
        findings.push(
          report(
            defaultSelectorDefs,
            'IST0160',
            telemetry,
            `Namespace ${namespace} has several Telemetries without a selector (${names(
              telemetries,
            )}); only one namespace-wide Telemetry may exist, so which applies is undefined.`,
            `Keep one Telemetry without selector in ${namespace}; merge the others into it, or give them a selector:\nkubectl get telemetries -n ${namespace}`,
          ),
        );
      }
    }
    return findings;
  },
};

const lightstepDefs = definitionsFor('telemetry.LightstepAnalyzer', [
  'IST0002',
]);

/**
 * `telemetry.LightstepAnalyzer`: a Telemetry traces to a mesh config
 * extension provider of type `lightstep`, which Istio deprecates in favour
 * of OpenTelemetry.
 * @public
 */
export const telemetryLightstepAnalyzer: Analyzer = {
  name: 'telemetry.LightstepAnalyzer',
  definitions: lightstepDefs,
  inputs: ['Telemetry'],
  analyze({ snapshot }) {
    const lightstep = new Set(
      (snapshot.meshConfig.extensionProviders ?? [])
        .filter(p => p.type === 'lightstep')
        .map(p => p.name),
    );
    if (lightstep.size === 0) return [];
    const findings: Finding[] = [];
    for (const telemetry of snapshot.all('Telemetry')) {
      const used = new Set<string>();
      for (const tracing of list(telemetry.spec.tracing)) {
        for (const provider of list(tracing?.providers)) {
          if (lightstep.has(provider?.name)) used.add(provider.name);
        }
      }
      for (const provider of used) {
        findings.push(
          report(
            lightstepDefs,
            'IST0002',
            telemetry,
            `Telemetry ${telemetry.namespace}/${telemetry.name} traces to provider ${provider}, of the deprecated Lightstep type.`,
            [
              'Define an OpenTelemetry provider in the mesh config and trace to it instead:',
              'meshConfig:',
              '  extensionProviders:',
              `  - name: ${provider}-otel`,
              '    opentelemetry:',
              '      service: opentelemetry-collector.observability.svc.cluster.local',
              '      port: 4317',
              editCommand(telemetry),
            ].join('\n'),
          ),
        );
      }
    }
    return findings;
  },
};
