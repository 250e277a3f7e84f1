import { rootCertificatePem } from '@meshportal/kube-test-server';
import {
  MeshBackend,
  smallMesh,
  startMeshBackend,
} from '../reliability/__testUtils__/meshBackend';

jest.setTimeout(60_000);

/*
 * Proxy and certificate health end to end: a real kube test server holds
 * pods with proxy statuses and the public istio-ca-root-cert ConfigMap
 * (with certificates this test issues), and the real backend reads them
 * through its cluster source.
 */

const CHECKOUT = '/api/istio/v1/entities/component/default/checkout';
const DAY = 24 * 3600 * 1000;

function rootCertConfigMap(notAfter: Date) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-ca-root-cert', namespace: 'istio-system' },
    data: {
      'root-cert.pem': rootCertificatePem({
        notBefore: new Date(notAfter.getTime() - 365 * DAY),
        notAfter,
      }),
    },
  };
}

const injectorWebhook = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {
    name: 'istio-sidecar-injector',
    labels: { app: 'sidecar-injector' },
  },
  webhooks: [],
};

const istiod = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'istiod',
    namespace: 'istio-system',
    labels: { app: 'istiod', 'istio.io/rev': 'default' },
  },
  spec: {
    selector: { matchLabels: { app: 'istiod' } },
    template: {
      metadata: { labels: { app: 'istiod' } },
      spec: {
        containers: [
          { name: 'discovery', image: 'docker.io/istio/pilot:1.24.1' },
        ],
      },
    },
  },
};

/** smallMesh with checkout's pods running this proxy image and these proxy statuses. */
function meshWithCheckoutProxies(
  image: string,
  statuses: [object, object],
): any[] {
  let index = 0;
  return smallMesh().map(o => {
    if (o.kind !== 'Pod' || o.metadata.labels.app !== 'checkout') return o;
    const status = statuses[index++];
    return {
      ...o,
      spec: {
        containers: o.spec.containers.map((c: any) =>
          c.name === 'istio-proxy' ? { ...c, image } : c,
        ),
      },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', ready: true, restartCount: 0, image: 'app:1' },
          { name: 'istio-proxy', image, ...status },
        ],
      },
    };
  });
}

const ready = { ready: true, restartCount: 0, state: { running: {} } };
const crashLooping = {
  ready: false,
  restartCount: 6,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: {
    terminated: {
      reason: 'OOMKilled',
      exitCode: 137,
      finishedAt: '2026-01-01T00:00:00Z',
    },
  },
};

const keys = (body: any) =>
  body.clusters[0].findings.map((f: any) => `${f.code} ${f.resource}`).sort();
const blockerCodes = (body: any) =>
  body.clusters[0].readiness.blockers
    .filter((b: any) => b.type === 'conflict-finding')
    .map((b: any) => b.code)
    .sort();

describe('proxy and certificate health through the backend', () => {
  let mesh: MeshBackend | undefined;
  afterEach(async () => {
    await mesh?.stop();
    mesh = undefined;
  });

  it('reports a crash-looping proxy and an expired mesh root, both blocking STRICT, without reading any Secret', async () => {
    mesh = await startMeshBackend({
      objects: [
        ...meshWithCheckoutProxies('docker.io/istio/proxyv2:1.24.1', [
          ready,
          crashLooping,
        ]),
        rootCertConfigMap(new Date(Date.now() - 2 * DAY)),
      ],
    });
    const { body } = await mesh.get(CHECKOUT);
    expect(keys(body)).toEqual(
      expect.arrayContaining([
        'MESH201 Pod shop/checkout-1',
        'MESH202 Pod shop/checkout-1',
        'MESH302 ConfigMap istio-system/istio-ca-root-cert',
      ]),
    );
    const restarting = body.clusters[0].findings.find(
      (f: any) => f.code === 'MESH202',
    );
    expect(restarting.message).toContain(
      '6 restarts, last OOMKilled exit code 137',
    );
    expect(blockerCodes(body)).toEqual(['MESH201', 'MESH302']);
    expect(body.clusters[0].readiness.stage).not.toBe('ready-for-strict');
    // The root certificate came from the ConfigMap, read only in the mesh root namespace.
    expect(mesh.server.secretRequests()).toEqual([]);
    expect(
      mesh.server
        .requests()
        .filter(r => r.resource === 'configmaps')
        .every(r => r.path.startsWith('/api/v1/namespaces/istio-system/')),
    ).toBe(true);
  });

  it('takes the restart threshold from the cluster configuration', async () => {
    mesh = await startMeshBackend({
      objects: meshWithCheckoutProxies('docker.io/istio/proxyv2:1.24.1', [
        ready,
        crashLooping,
      ]),
      cluster: { proxyRestartThreshold: 10 },
    });
    const { body } = await mesh.get(CHECKOUT);
    // Six restarts are under the configured ten; not ready all the same.
    expect(keys(body)).toContain('MESH201 Pod shop/checkout-1');
    expect(keys(body).filter((k: string) => k.startsWith('MESH202'))).toEqual(
      [],
    );
  });

  it('warns of a root expiring within 30 days and of a proxy older than istiod, neither blocking STRICT', async () => {
    mesh = await startMeshBackend({
      objects: [
        ...meshWithCheckoutProxies('docker.io/istio/proxyv2:1.23.4', [
          ready,
          ready,
        ]),
        injectorWebhook,
        istiod,
        rootCertConfigMap(new Date(Date.now() + 10 * DAY)),
      ],
    });
    const { body } = await mesh.get(CHECKOUT);
    const soon = body.clusters[0].findings.find(
      (f: any) => f.code === 'MESH301',
    );
    expect(soon).toMatchObject({
      severity: 'Warning',
      resource: 'ConfigMap istio-system/istio-ca-root-cert',
    });
    expect(soon.message).toMatch(/in (9|10) days/);
    const versions = body.clusters[0].findings.filter(
      (f: any) => f.code === 'MESH204',
    );
    expect(versions.map((f: any) => f.message).join('\n')).toContain(
      'istio-proxy 1.23.4 (checkout-',
    );
    expect(blockerCodes(body)).toEqual([]);
  });

  it('says nothing of a healthy root and ready proxies of istiod’s version', async () => {
    mesh = await startMeshBackend({
      objects: [
        ...meshWithCheckoutProxies('docker.io/istio/proxyv2:1.24.1', [
          ready,
          ready,
        ]),
        injectorWebhook,
        istiod,
        rootCertConfigMap(new Date(Date.now() + 3650 * DAY)),
      ],
    });
    const { body } = await mesh.get(CHECKOUT);
    expect(keys(body).filter((k: string) => /^MESH[23]/.test(k))).toEqual([]);
  });
});
