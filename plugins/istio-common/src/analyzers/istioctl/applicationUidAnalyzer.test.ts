import { KubeObject } from '../../model/resources';
import { applicationUidAnalyzer } from './applicationUidAnalyzer';
import { codesOf, findingsOf } from './__testUtils__/findingsOf';

const pod = (
  spec: object,
  labels: Record<string, string> = { app: 'web' },
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', labels },
  spec,
});

const run = (...objects: KubeObject[]) =>
  codesOf(findingsOf(applicationUidAnalyzer, objects));

describe('deployment.ApplicationUIDAnalyzer', () => {
  it('reports an application pod running as the proxy user', () => {
    expect(
      run(
        pod({
          securityContext: { runAsUser: 1337 },
          containers: [{ name: 'web' }],
        }),
      ),
    ).toEqual(['IST0144 Pod shop/web']);
    expect(
      run(
        pod({
          securityContext: { runAsUser: 1338 },
          containers: [{ name: 'web' }],
        }),
      ),
    ).toEqual([]);
  });

  it('leaves Istio’s own containers and control plane pods alone', () => {
    const proxyUser = { runAsUser: 1337 };
    expect(
      run(
        pod({
          containers: [
            { name: 'web' },
            { name: 'istio-proxy', securityContext: proxyUser },
          ],
        }),
        pod(
          { securityContext: proxyUser, containers: [{ name: 'discovery' }] },
          { istio: 'pilot' },
        ),
        pod(
          { securityContext: proxyUser, containers: [{ name: 'x' }] },
          { release: 'istio' },
        ),
      ),
    ).toEqual([]);
  });

  it('reports a Deployment once, naming every place the UID is set', () => {
    const findings = findingsOf(applicationUidAnalyzer, [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          template: {
            spec: {
              securityContext: { runAsUser: 1337 },
              containers: [
                { name: 'web', securityContext: { runAsUser: 1337 } },
              ],
            },
          },
        },
      },
    ]);
    expect(codesOf(findings)).toEqual(['IST0144 Deployment shop/web']);
    expect(findings[0].message).toContain(
      'the pod securityContext, container web',
    );
    expect(findings[0].remediation).toContain('spec.template.spec');
  });
});
