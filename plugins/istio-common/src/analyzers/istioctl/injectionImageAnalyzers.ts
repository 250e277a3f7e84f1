import { parse as parseYaml } from 'yaml';
import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import {
  LabelSelectorObject,
  labelSelectorMatches,
} from '../../model/labelSelector';
import { Container, MeshResource } from '../../model/resources';
import { MeshSnapshot } from '../../model/snapshot';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { labelMap, list } from './specFields';
import { INJECTION_LABEL, REVISION_LABEL } from './workloadInstances';

const PROXY_CONTAINER = 'istio-proxy';
const INJECTOR_CONFIG_MAP = 'istio-sidecar-injector';

/**
 * The proxy image an injector ConfigMap sets: `global.proxy.image` of its
 * `values` (JSON), prefixed with `global.hub` and suffixed with
 * `global.tag` unless it is a full reference already. Empty when the values
 * cannot be read, as the injector's template would then fail too.
 */
export function injectorProxyImage(values: string | undefined): string {
  let global: Record<string, unknown>;
  try {
    const parsed = JSON.parse(values ?? '');
    global = parsed?.global ?? {};
  } catch {
    return '';
  }
  const field = (value: unknown): string | undefined => {
    if (value === undefined || value === null) return '';
    return typeof value === 'string' ? value : undefined;
  };
  const hub = field(global?.hub);
  const tag = field(global?.tag);
  const image = field(
    (global?.proxy as Record<string, unknown> | undefined)?.image,
  );
  // A field of another type makes the whole document unreadable, as for Go's decoder.
  if (hub === undefined || tag === undefined || image === undefined) return '';
  return image.includes('/') ? image : `${hub}/${image}:${tag}`;
}

function imageTypeOf(doc: unknown): string {
  const imageType = (doc as any)?.image?.imageType;
  return typeof imageType === 'string' ? imageType : '';
}

/**
 * The proxy image variant (`distroless`...) a pod gets: mesh config, then
 * the root namespace's ProxyConfig, the namespace's, a selecting one, and
 * the pod's `proxy.istio.io/config` annotation, the most specific winning.
 */
function imageVariant(pod: MeshResource, snapshot: MeshSnapshot): string {
  let variant = snapshot.meshConfig.proxyImageType ?? '';
  const root = snapshot.meshConfig.rootNamespace || snapshot.istioNamespace;
  const proxyConfigs = snapshot.all('ProxyConfig');
  const pick = (doc: unknown) => {
    const type = imageTypeOf(doc);
    if (type) variant = type;
  };
  const rootConfigs = proxyConfigs.filter(p => p.namespace === root);
  if (rootConfigs.length) pick(rootConfigs[rootConfigs.length - 1].spec);
  if (pod.namespace !== root) {
    const local = proxyConfigs.filter(p => p.namespace === pod.namespace);
    const namespaceWide = local.filter(p => !p.spec?.selector);
    if (namespaceWide.length)
      pick(namespaceWide[namespaceWide.length - 1].spec);
    for (const config of local) {
      if (!config.spec?.selector) continue;
      const selector = labelMap(config.spec.selector.matchLabels);
      if (Object.entries(selector).every(([k, v]) => pod.labels[k] === v)) {
        pick(config.spec);
      }
    }
  }
  const annotation = pod.annotations['proxy.istio.io/config'];
  if (annotation) {
    try {
      pick(parseYaml(annotation, { maxAliasCount: 100 }));
    } catch {
      // An unreadable annotation changes nothing, as in Istio.
    }
  }
  return variant === 'default' ? '' : variant;
}

const imageDefs = definitionsFor('injection.ImageAnalyzer', ['IST0158']);

/**
 * `injection.ImageAnalyzer`: pods of injected namespaces whose istio-proxy
 * image differs from the one their injector sets now (typically after an
 * upgrade, before the pods were restarted). One finding per namespace.
 * @public
 */
export const injectionImageAnalyzer: Analyzer = {
  name: 'injection.ImageAnalyzer',
  definitions: imageDefs,
  inputs: ['Namespace', 'Pod', 'ConfigMap', 'ProxyConfig'],
  analyze({ snapshot }) {
    const injectorImages = new Map<string, string>();
    for (const configMap of snapshot.all('ConfigMap')) {
      if (configMap.name.startsWith(INJECTOR_CONFIG_MAP)) {
        injectorImages.set(
          configMap.name,
          injectorProxyImage(configMap.data?.values),
        );
      }
    }
    if (injectorImages.size === 0) return [];

    const findings: Finding[] = [];
    for (const namespace of snapshot.all('Namespace')) {
      const revision = namespace.labels[REVISION_LABEL];
      if (
        revision === undefined &&
        namespace.labels[INJECTION_LABEL] !== 'enabled'
      )
        continue;
      const injector =
        revision === undefined || revision === '' || revision === 'default'
          ? INJECTOR_CONFIG_MAP
          : `${INJECTOR_CONFIG_MAP}-${revision}`;
      const expected = injectorImages.get(injector);
      if (expected === undefined) continue;
      const stale = new Map<string, string>();
      for (const pod of snapshot.inNamespace('Pod', namespace.name)) {
        // A pod that names its own proxy image overrides the injector.
        if (pod.annotations['sidecar.istio.io/proxyImage']) continue;
        const variant = imageVariant(pod, snapshot);
        const proxies = [
          ...list<Container>(pod.spec?.containers),
          ...list<Container>(pod.spec?.initContainers),
        ].filter(c => c?.name === PROXY_CONTAINER);
        const old = proxies.find(
          c => c.image !== expected && c.image !== `${expected}-${variant}`,
        );
        if (old) stale.set(pod.name, String(old.image ?? ''));
      }
      if (stale.size === 0) continue;
      const pods = [...stale.keys()].sort();
      findings.push(
        report(
          imageDefs,
          'IST0158',
          namespace,
          `Namespace ${namespace.name}: pods ${pods.join(
            ', ',
          )} run an istio-proxy image (${[...new Set(stale.values())].join(
            ', ',
          )}) other than ${expected}, the one injector ${injector} sets now. This usually follows a control plane upgrade; the pods keep the old proxy until restarted.`,
          `kubectl rollout restart deployment -n ${namespace.name}   # and any StatefulSets and DaemonSets of the namespace`,
        ),
      );
    }
    return findings;
  },
};

const autoDefs = definitionsFor('injection.ImageAutoAnalyzer', [
  'IST0146',
  'IST0147',
]);

function hasAutoImage(podSpec: any): boolean {
  return list<Container>(podSpec?.containers).some(
    c => c?.name === PROXY_CONTAINER && c.image === 'auto',
  );
}

interface Webhook {
  name?: string;
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
}

/**
 * `injection.ImageAutoAnalyzer`: `image: auto` is a placeholder only the
 * injector replaces. A Pod carrying it was not injected and cannot run; a
 * Deployment carrying it must be selected by an Istio injection webhook.
 * @public
 */
export const injectionImageAutoAnalyzer: Analyzer = {
  name: 'injection.ImageAutoAnalyzer',
  definitions: autoDefs,
  inputs: ['Namespace', 'Pod', 'Deployment', 'MutatingWebhookConfiguration'],
  analyze({ snapshot }) {
    const webhooks = snapshot
      .all('MutatingWebhookConfiguration')
      .flatMap(c => list<Webhook>(c.webhooks))
      .filter(w => typeof w?.name === 'string' && w.name.endsWith('istio.io'));
    const findings: Finding[] = [];
    for (const pod of snapshot.all('Pod')) {
      if (!hasAutoImage(pod.spec)) continue;
      findings.push(
        report(
          autoDefs,
          'IST0147',
          pod,
          `Pod ${pod.namespace}/${pod.name} has an istio-proxy container with \`image: auto\`, which only the injector replaces; as the pod stands it was not injected and cannot start.`,
          `Create the pod from a Deployment in a namespace selected for injection (kubectl label namespace ${
            pod.namespace
          } istio-injection=enabled), then kubectl delete pod ${
            pod.name
          }${kubectlNamespace(pod)}`,
        ),
      );
    }
    for (const deployment of snapshot.all('Deployment')) {
      const template = deployment.spec?.template;
      if (!hasAutoImage(template?.spec)) continue;
      const nsLabels =
        snapshot.get('Namespace', '', deployment.namespace)?.labels ?? {};
      const podLabels = labelMap(template?.metadata?.labels);
      const selected = webhooks.some(
        w =>
          labelSelectorMatches(w.namespaceSelector, nsLabels) &&
          labelSelectorMatches(w.objectSelector, podLabels),
      );
      if (selected) continue;
      findings.push(
        report(
          autoDefs,
          'IST0146',
          deployment,
          `Deployment ${deployment.namespace}/${deployment.name} has an istio-proxy container with \`image: auto\`, but no Istio injection webhook selects its pods, so they will not start.`,
          `kubectl label namespace ${deployment.namespace} istio-injection=enabled   # or istio.io/rev=<revision>; or label the pod template sidecar.istio.io/inject=true`,
        ),
      );
    }
    return findings;
  },
};
