import { KubeObject } from '../../model/resources';
import { deprecationAnalyzer } from './deprecationAnalyzer';
import { codesOf, findingsOf } from './__testUtils__/findingsOf';

const run = (...objects: KubeObject[]) =>
  codesOf(findingsOf(deprecationAnalyzer, objects));

const delay = (fields: object): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'shop' },
  spec: {
    hosts: ['reviews'],
    http: [{ fault: { delay: { fixedDelay: '1s', ...fields } } }],
  },
});

const crd = (group: string, kind: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: { group, names: { kind } },
});

describe('deprecation.FieldAnalyzer', () => {
  it('reports fault.delay.percent and names its replacement', () => {
    const [finding] = findingsOf(deprecationAnalyzer, [delay({ percent: 50 })]);
    expect(finding.resource).toBe('VirtualService shop/reviews');
    expect(finding.remediation).toContain('percentage: {value: 50}');
    expect(run(delay({ percentage: { value: 50 } }))).toEqual([]);
    expect(run(delay({ percent: 0 }))).toEqual([]);
  });

  it('reports a Sidecar egressProxy, which Istio ignores', () => {
    const sidecar = (outboundTrafficPolicy: object): KubeObject => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'shop' },
      spec: { outboundTrafficPolicy },
    });
    expect(
      run(sidecar({ mode: 'REGISTRY_ONLY', egressProxy: { host: 'egress' } })),
    ).toEqual(['IST0002 Sidecar shop/default']);
    expect(run(sidecar({ mode: 'REGISTRY_ONLY' }))).toEqual([]);
  });

  it('reports definitions of the removed rbac.istio.io types only', () => {
    expect(
      run(
        crd('rbac.istio.io', 'ServiceRole'),
        crd('security.istio.io', 'AuthorizationPolicy'),
        crd('rbac.example.com', 'ServiceRole'),
      ),
    ).toEqual(['IST0002 CustomResourceDefinition serviceroles.rbac.istio.io']);
  });
});
