import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import {
  LabelSelectorObject,
  labelSelectorMatches,
} from '../../model/labelSelector';
import { MeshResource } from '../../model/resources';
import { definitionsFor, report } from './messages';
import { list, strings } from './specFields';
import { INJECTION_LABEL, REVISION_LABEL } from './workloadInstances';

const NAME = 'webhook.Analyzer';
const defs = definitionsFor(NAME, ['IST0139']);

const INJECT_LABEL = 'sidecar.istio.io/inject';

interface Webhook {
  name?: string;
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
  clientConfig?: {
    service?: { name?: string; namespace?: string };
    url?: string;
  };
}

interface IndexedWebhook {
  /** `<configuration>/<webhook>`, as istioctl names them. */
  id: string;
  configuration: MeshResource;
  webhook: Webhook;
}

/** Whether a webhook configuration is one of Istio's injectors. */
export function isIstioWebhookConfiguration(
  configuration: MeshResource,
): boolean {
  return list<Webhook>(configuration.webhooks).some(
    w => typeof w?.name === 'string' && w.name.endsWith('istio.io'),
  );
}

/** The revisions a webhook configuration names in its label or selectors. */
function revisionsOf(configuration: MeshResource): string[] {
  const revisions = new Set<string>();
  const label = configuration.labels[REVISION_LABEL];
  if (label !== undefined) revisions.add(label);
  for (const webhook of list<Webhook>(configuration.webhooks)) {
    for (const selector of [
      webhook?.namespaceSelector,
      webhook?.objectSelector,
    ]) {
      const value = selector?.matchLabels?.[REVISION_LABEL];
      if (value !== undefined) revisions.add(String(value));
      for (const expression of list(selector?.matchExpressions)) {
        if (expression?.key === REVISION_LABEL) {
          strings(expression.values).forEach(v => revisions.add(v));
        }
      }
    }
  }
  return [...revisions];
}

/**
 * The label sets a namespace (or pod) can carry to choose injection: none,
 * each value of the injection label, and each with every revision.
 */
function labelPermutations(
  key: string,
  values: string[],
  revisions: string[],
): Array<Record<string, string>> {
  const base: Array<Record<string, string>> = [
    {},
    ...values.map(v => ({ [key]: v })),
  ];
  return [
    ...base,
    ...revisions.flatMap(rev =>
      base.map(b => ({ ...b, [REVISION_LABEL]: rev })),
    ),
  ];
}

/**
 * `webhook.Analyzer`: Istio injection webhooks that overlap (a namespace and
 * pod label combination that calls more than one of them, so pods would be
 * injected twice) or call a control plane Service that does not exist.
 * @public
 */
export const webhookAnalyzer: Analyzer = {
  name: NAME,
  definitions: defs,
  inputs: ['MutatingWebhookConfiguration', 'Service'],
  analyze({ snapshot }) {
    const webhooks: IndexedWebhook[] = [];
    const revisions = new Set<string>();
    for (const configuration of snapshot.all('MutatingWebhookConfiguration')) {
      const revs = revisionsOf(configuration);
      if (revs.length === 0 && !isIstioWebhookConfiguration(configuration))
        continue;
      revs.forEach(r => revisions.add(r));
      for (const webhook of list<Webhook>(configuration.webhooks)) {
        if (!webhook || typeof webhook !== 'object') continue;
        webhooks.push({
          id: `${configuration.name}/${webhook.name ?? ''}`,
          configuration,
          webhook,
        });
      }
    }

    const findings: Finding[] = [];
    const reported = new Set<string>();
    const add = (
      hook: IndexedWebhook,
      message: string,
      remediation: string,
    ) => {
      const key = `${hook.id}\u0000${message}`;
      if (reported.has(key)) return;
      reported.add(key);
      findings.push(
        report(defs, 'IST0139', hook.configuration, message, remediation),
      );
    };

    const revs = [...revisions].sort();
    const namespaceLabels = labelPermutations(
      INJECTION_LABEL,
      ['enabled', 'disabled'],
      revs,
    );
    const podLabels = labelPermutations(INJECT_LABEL, ['true', 'false'], revs);
    for (const nsLabels of namespaceLabels) {
      for (const labels of podLabels) {
        const matched = webhooks.filter(
          h =>
            labelSelectorMatches(h.webhook.namespaceSelector, nsLabels) &&
            labelSelectorMatches(h.webhook.objectSelector, labels),
        );
        const ids = [...new Set(matched.map(h => h.id))];
        if (ids.length < 2) continue;
        for (const hook of matched) {
          const others = ids.filter(id => id !== hook.id).sort();
          add(
            hook,
            `Webhook ${hook.id} overlaps with ${others.join(
              ', ',
            )}: some namespace and pod labels select them all, so a pod may be injected twice.`,
            'Make the namespaceSelector and objectSelector of the injection webhooks exclusive (one webhook per revision and label combination), or delete the stale webhook configuration.',
          );
        }
      }
    }

    for (const hook of webhooks) {
      const service = hook.webhook.clientConfig?.service;
      if (!service || typeof service !== 'object') continue; // a URL
      const namespace = String(service.namespace ?? '');
      const name = String(service.name ?? '');
      if (namespace && name && snapshot.get('Service', namespace, name))
        continue;
      add(
        hook,
        `Webhook ${hook.id} calls the control plane Service ${namespace}/${name}, which does not exist, so pod creation fails or goes uninjected.`,
        `Point clientConfig.service at the istiod Service of the revision (kubectl get services -n ${
          namespace || 'istio-system'
        } -l app=istiod), or delete the stale webhook configuration.`,
      );
    }
    return findings;
  },
};
