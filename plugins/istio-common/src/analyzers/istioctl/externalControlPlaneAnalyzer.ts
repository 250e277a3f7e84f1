import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import { isIpAddress } from './ipAddresses';
import { definitionsFor, report } from './messages';
import { list } from './specFields';

const NAME = 'externalcontrolplane.ExternalControlPlaneAnalyzer';
const defs = definitionsFor(NAME, ['IST0163', 'IST0164']);

// Characters Go's url.Parse accepts in a host (besides letters and digits).
const HOST_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%]*$/;

/**
 * The host of a webhook URL as Go's url.Parse and URL.Hostname() read it,
 * or undefined when url.Parse would refuse the URL.
 */
export function webhookUrlHost(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(url)) return undefined;
  let rest = url.split('#')[0];
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  else if (rest.startsWith(':')) return undefined; // missing protocol scheme
  rest = rest.split('?')[0];
  if (!rest.startsWith('//')) return '';
  const authority = rest.slice(2).split('/')[0];
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (!HOST_CHARACTERS.test(host)) return undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return undefined;
    const port = host.slice(close + 1);
    if (port && !/^:\d*$/.test(port)) return undefined;
    return host.slice(1, close);
  }
  const colon = host.lastIndexOf(':');
  if (colon < 0) return host;
  if (!/^\d*$/.test(host.slice(colon + 1))) return undefined;
  return host.slice(0, colon);
}

interface Webhook {
  name?: string;
  clientConfig?: { url?: unknown; service?: unknown };
}

/** Whether a webhook configuration is Istio's, by the names its charts give them. */
function isIstioConfiguration(configuration: MeshResource): boolean {
  if (configuration.kind === 'ValidatingWebhookConfiguration') {
    return (
      configuration.name === 'istiod-default-validator' ||
      configuration.name.startsWith('istio-validator')
    );
  }
  return configuration.name.startsWith('istio-sidecar-injector');
}

function checkWebhook(
  configuration: MeshResource,
  webhook: Webhook,
): Finding[] {
  const hook = String(webhook?.name ?? '');
  const url = webhook?.clientConfig?.url;
  const where = `webhook ${hook} of ${configuration.kind} ${configuration.name}`;
  if (url === undefined || url === null) {
    if (webhook?.clientConfig?.service) return [];
    return [
      report(
        defs,
        'IST0163',
        configuration,
        `The ${where} has neither a URL nor a Service, so the remote cluster cannot reach the ingress gateway of the external control plane: traffic may not flow.`,
        "Set clientConfig.url to the external control plane's injection or validation address (https://<istiod host>:15017/...), as `istioctl install` with the remote profile writes it.",
      ),
    ];
  }
  const host = webhookUrlHost(String(url));
  if (host === undefined) {
    return [
      report(
        defs,
        'IST0163',
        configuration,
        `The ${where} has a URL (${String(
          url,
        )}) that cannot be parsed, so the remote cluster cannot reach the ingress gateway of the external control plane: traffic may not flow.`,
        'Correct clientConfig.url to a valid https URL of the external control plane.',
      ),
    ];
  }
  if (isIpAddress(host)) {
    return [
      report(
        defs,
        'IST0164',
        configuration,
        `The ${where} reaches the external control plane by the IP address ${host} (${String(
          url,
        )}); an address that changes breaks injection and validation, so a hostname suits production better.`,
        'Give the external control plane ingress gateway a DNS name and use it in clientConfig.url.',
      ),
    ];
  }
  return [];
}

/**
 * `externalcontrolplane.ExternalControlPlaneAnalyzer`: Istio's injection and
 * validation webhooks of a remote cluster whose address of the external
 * control plane is missing, unparsable, or an IP address.
 * @public
 */
export const externalControlPlaneAnalyzer: Analyzer = {
  name: NAME,
  definitions: defs,
  inputs: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
  analyze({ snapshot }) {
    return [
      ...snapshot.all('ValidatingWebhookConfiguration'),
      ...snapshot.all('MutatingWebhookConfiguration'),
    ]
      .filter(isIstioConfiguration)
      .flatMap(configuration =>
        list<Webhook>(configuration.webhooks).flatMap(w =>
          checkWebhook(configuration, w),
        ),
      );
  },
};
