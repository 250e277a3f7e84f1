import { KubeObject } from '../../model/resources';
import { annotationAnalyzer } from './annotationAnalyzer';
import { codesOf, findingsOf } from './__testUtils__/findingsOf';

function withAnnotations(
  kind: string,
  annotations: Record<string, string>,
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
    kind,
    metadata: { name: 'x', namespace: 'shop', annotations, labels },
    spec: {},
  };
}

const run = (object: KubeObject) =>
  codesOf(findingsOf(annotationAnalyzer, [object]));

describe('annotations.K8sAnalyzer', () => {
  it('reports an unknown annotation in an istio.io domain, and ignores other domains', () => {
    expect(
      run(
        withAnnotations('Service', { 'networking.istio.io/exportThree': 'x' }),
      ),
    ).toEqual(['IST0108 Service shop/x']);
    expect(
      run(
        withAnnotations('Service', {
          'networking.istio.io/exportTo': '.',
          'kubernetes.io/psp': 'restricted',
          'example.com/istio.io': 'x',
        }),
      ),
    ).toEqual([]);
  });

  it('reports a pod annotation on a Deployment and says to move it to the template', () => {
    const [finding] = findingsOf(annotationAnalyzer, [
      withAnnotations('Deployment', { 'sidecar.istio.io/proxyCPU': '100m' }),
    ]);
    expect(finding.code).toBe('IST0107');
    expect(finding.message).toContain('Pod');
    expect(finding.remediation).toContain('spec.template.metadata.annotations');
  });

  it('lets annotations of any resource type and those Istio writes itself pass', () => {
    expect(
      run(
        withAnnotations('Namespace', {
          'galley.istio.io/analyze-suppress': 'IST0102',
          'istio.io/rev': 'canary',
          'sidecar.istio.io/status': '{}',
        }),
      ),
    ).toEqual([]);
  });

  it('reports the deprecated inject annotation unless the label of the same name is set too', () => {
    const annotated = { 'sidecar.istio.io/inject': 'true' };
    expect(run(withAnnotations('Pod', annotated))).toEqual([
      'IST0135 Pod shop/x',
    ]);
    expect(
      run(
        withAnnotations('Pod', annotated, {
          'sidecar.istio.io/inject': 'true',
        }),
      ),
    ).toEqual([]);
  });

  it.each([
    ['readiness.status.sidecar.istio.io/periodSeconds', 'ten', '10'],
    ['traffic.sidecar.istio.io/excludeInboundPorts', '80,http', ' 80, 8080 '],
    ['traffic.sidecar.istio.io/includeInboundPorts', '70000', '*'],
    [
      'traffic.sidecar.istio.io/excludeOutboundIPRanges',
      '10.0.0.0/33',
      '10.0.0.0/8,fd00::/8',
    ],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', '10.0.0.1', '*'],
    [
      'traffic.sidecar.istio.io/excludeInterfaces',
      'averyveryverylongname0',
      'eth0,net1',
    ],
    ['sidecar.istio.io/interceptionMode', 'redirect', 'TPROXY'],
    ['sidecar.istio.io/proxyMemory', '1 GB', '512Mi'],
    ['prometheus.istio.io/merge-metrics', 'yes', 'false'],
    [
      'proxy.istio.io/config',
      '[1, 2]',
      'holdApplicationUntilProxyStarts: true',
    ],
  ])('checks the value of %s (%j rejected, %j accepted)', (name, bad, good) => {
    expect(run(withAnnotations('Pod', { [name]: bad }))).toEqual([
      'IST0125 Pod shop/x',
    ]);
    expect(run(withAnnotations('Pod', { [name]: good }))).toEqual([]);
  });

  it('judges the documented Kubernetes ingress class annotation as an Istio one', () => {
    expect(
      run(
        withAnnotations('Namespace', {
          'kubernetes.io/ingress.class': 'istio',
        }),
      ),
    ).toEqual(['IST0107 Namespace x']);
  });
});
