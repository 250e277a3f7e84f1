/*
 * Istio's table for ambient capture, `TestEnablementSelectorMatches` in
 * `cni/pkg/util/podutil_test.go` (istio/istio 86c9f01f), run against
 * isAmbientCaptured. Upstream's "sidecar" is the injector's status
 * annotation on the pod.
 */
import { PodSpec } from '../../model/resources';
import { PodMetadata, isAmbientCaptured } from '../injection';

const ambientEnabled = { 'istio.io/dataplane-mode': 'ambient' };
const ambientDisabled = { 'istio.io/dataplane-mode': 'none' };
const sidecarStatus = { 'sidecar.istio.io/status': 'test' };

const namespaceWithAmbientEnabledLabel = ambientEnabled;
const unlabelledNamespace = {};

const podWithAmbientEnabledLabel: PodMetadata = { labels: ambientEnabled };
const unlabelledPod: PodMetadata = {};
const podWithSidecar: PodMetadata = { annotations: sidecarStatus };
const podWithAmbientDisabledLabel: PodMetadata = { labels: ambientDisabled };
const podWithSidecarAndAmbientEnabledLabel: PodMetadata = {
  labels: ambientEnabled,
  annotations: sidecarStatus,
};
const hostNetwork: PodSpec = { hostNetwork: true };

const rows: Array<
  [string, Record<string, string>, PodMetadata, PodSpec, boolean]
> = [
  [
    'ambient mode enabled for namespace',
    namespaceWithAmbientEnabledLabel,
    unlabelledPod,
    {},
    true,
  ],
  [
    'ambient mode enabled for pod',
    unlabelledNamespace,
    podWithAmbientEnabledLabel,
    {},
    true,
  ],
  [
    'ambient mode enabled for both namespace and pod',
    namespaceWithAmbientEnabledLabel,
    podWithAmbientEnabledLabel,
    {},
    true,
  ],
  [
    'ambient mode enabled for neither namespace nor pod',
    unlabelledNamespace,
    unlabelledPod,
    {},
    false,
  ],
  [
    'pod has sidecar and namespace has ambient enabled',
    namespaceWithAmbientEnabledLabel,
    podWithSidecar,
    {},
    false,
  ],
  [
    'pod has label to disable ambient redirection',
    namespaceWithAmbientEnabledLabel,
    podWithAmbientDisabledLabel,
    {},
    false,
  ],
  [
    'pod has sidecar, pod has ambient mode label',
    unlabelledNamespace,
    podWithSidecarAndAmbientEnabledLabel,
    {},
    false,
  ],
  [
    'hostNetwork pod in ambient-enabled namespace',
    namespaceWithAmbientEnabledLabel,
    unlabelledPod,
    hostNetwork,
    false,
  ],
  [
    'hostNetwork pod with ambient mode label',
    unlabelledNamespace,
    podWithAmbientEnabledLabel,
    hostNetwork,
    false,
  ],
];

describe('TestEnablementSelectorMatches', () => {
  it.each(rows)(
    'TestEnablementSelectorMatches: "%s"',
    (_name, namespaceLabels, pod, spec, want) => {
      expect(isAmbientCaptured(namespaceLabels, pod, spec)).toBe(want);
    },
  );
});
