import { KubeObject } from '../../model/resources';
import {
  externalControlPlaneAnalyzer,
  webhookUrlHost,
} from './externalControlPlaneAnalyzer';
import { codesOf, findingsOf } from './__testUtils__/findingsOf';

function configuration(
  kind: string,
  name: string,
  clientConfig: object,
): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [{ name: 'rev.validation.istio.io', clientConfig }],
  };
}

const run = (...objects: KubeObject[]) =>
  codesOf(findingsOf(externalControlPlaneAnalyzer, objects));

describe('externalcontrolplane.ExternalControlPlaneAnalyzer', () => {
  it('reads webhook URL hosts as Go does', () => {
    expect(webhookUrlHost('https://istiod.example.com:15017/validate')).toBe(
      'istiod.example.com',
    );
    expect(webhookUrlHost('https://[fd00::1]:15017/inject')).toBe('fd00::1');
    expect(webhookUrlHost('https://user@10.0.0.1/inject')).toBe('10.0.0.1');
    expect(webhookUrlHost('https://istiod:port/inject')).toBeUndefined();
    expect(webhookUrlHost('://istiod')).toBeUndefined();
    expect(webhookUrlHost('https://[fd00::1/inject')).toBeUndefined();
  });

  it('reports an Istio webhook with neither URL nor Service', () => {
    expect(
      run(
        configuration(
          'ValidatingWebhookConfiguration',
          'istio-validator-remote',
          {},
        ),
        configuration(
          'MutatingWebhookConfiguration',
          'istio-sidecar-injector-remote',
          { url: null },
        ),
      ),
    ).toEqual([
      'IST0163 MutatingWebhookConfiguration istio-sidecar-injector-remote',
      'IST0163 ValidatingWebhookConfiguration istio-validator-remote',
    ]);
  });

  it('reports an unparsable URL and an IP address, not a hostname or a Service', () => {
    expect(
      run(
        configuration(
          'ValidatingWebhookConfiguration',
          'istiod-default-validator',
          { url: 'https://istiod:abc/validate' },
        ),
        configuration(
          'MutatingWebhookConfiguration',
          'istio-sidecar-injector',
          { url: 'https://1.1.1.1:15017/inject' },
        ),
        configuration(
          'MutatingWebhookConfiguration',
          'istio-sidecar-injector-ok',
          { url: 'https://istiod.example.com:15017/inject' },
        ),
        configuration(
          'MutatingWebhookConfiguration',
          'istio-sidecar-injector-local',
          { service: { name: 'istiod', namespace: 'istio-system' } },
        ),
      ),
    ).toEqual([
      'IST0163 ValidatingWebhookConfiguration istiod-default-validator',
      'IST0164 MutatingWebhookConfiguration istio-sidecar-injector',
    ]);
  });

  it('judges only configurations named as Istio’s charts name them', () => {
    expect(
      run(
        configuration(
          'ValidatingWebhookConfiguration',
          'gatekeeper-validating',
          {},
        ),
        configuration(
          'MutatingWebhookConfiguration',
          'my-istio-sidecar-injector',
          { url: 'https://1.1.1.1/inject' },
        ),
      ),
    ).toEqual([]);
  });
});
