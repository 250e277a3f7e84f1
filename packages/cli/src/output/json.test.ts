import { analyzeMesh } from '@meshportal/plugin-istio-common';
import { sampleReport } from '../testing/sampleReport';
import { renderJson } from './json';

describe('renderJson', () => {
  it('prints workloads and findings with the documented fields in order', () => {
    const document = JSON.parse(renderJson(sampleReport()));
    expect(Object.keys(document).slice(0, 2)).toEqual([
      'workloads',
      'findings',
    ]);
    expect(Object.keys(document.workloads[0]).slice(0, 7)).toEqual([
      'namespace',
      'name',
      'kind',
      'dataplane',
      'pods',
      'injection',
      'mtls',
    ]);
    expect(Object.keys(document.findings[0]).slice(0, 6)).toEqual([
      'code',
      'analyzer',
      'severity',
      'resource',
      'message',
      'remediation',
    ]);
    expect(document.workloads[0].mtls.source).toEqual({
      level: 'namespace',
      policy: 'shop/default',
    });
    expect(document.findings.map((f: { code: string }) => f.code)).toEqual([
      'IST0101',
      'IST0103',
      'MESH001',
      'IST0102',
    ]);
  });
});

describe('renderJson readiness', () => {
  const pod = (namespace: string, name: string, sidecar: boolean) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      containers: [
        { name: 'app', image: 'app:1' },
        ...(sidecar ? [{ name: 'istio-proxy', image: 'proxyv2:1.24' }] : []),
      ],
    },
  });
  const namespace = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'istio-injection': 'enabled' } },
  });

  it('gives each namespace the portal verdict: without telemetry, unverified and never ready', () => {
    const report = analyzeMesh([
      namespace('ledger'),
      pod('ledger', 'ledger-service', true),
      namespace('channels'),
      pod('channels', 'web-banking', false),
    ]);
    const { readiness } = JSON.parse(renderJson(report));
    expect(readiness.map((r: { namespace: string }) => r.namespace)).toEqual([
      'channels',
      'ledger',
    ]);
    const [channels, ledger] = readiness;
    // Nothing known blocks ledger; manifests prove nothing about its callers.
    expect(ledger).toMatchObject({
      stage: 'unverified',
      blockers: [],
      unverifiedReasons: [
        {
          code: 'no-telemetry',
          workloads: ['ledger/ledger-service'],
        },
      ],
    });
    // A known blocker needs no telemetry to be one.
    expect(channels.stage).not.toBe('unverified');
    expect(channels.blockers).toEqual([
      expect.objectContaining({
        type: 'pods-without-proxy',
        workload: 'web-banking',
      }),
    ]);
    expect(
      readiness.some((r: { stage: string }) => r.stage === 'ready-for-strict'),
    ).toBe(false);
  });
});
