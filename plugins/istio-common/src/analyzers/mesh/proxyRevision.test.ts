import { analyzeMesh } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import {
  deployment,
  namespace,
  pod,
  tagWebhook,
} from '../../posture/testObjects';
import { imageVersion } from '../../posture/controlPlane';

function injectorWebhook(revision: string): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name:
        revision === 'default'
          ? 'istio-sidecar-injector'
          : `istio-sidecar-injector-${revision}`,
      labels: { 'istio.io/rev': revision },
    },
    webhooks: [],
  };
}

function istiod(revision: string, image: string): KubeObject {
  const object = deployment(
    revision === 'default' ? 'istiod' : `istiod-${revision}`,
    'istio-system',
    { app: 'istiod', 'istio.io/rev': revision },
  );
  object.metadata!.labels = { app: 'istiod', 'istio.io/rev': revision };
  object.spec.template.spec.containers = [{ name: 'discovery', image }];
  return object;
}

/** A running pod of Deployment shop/reviews injected by `revision` with this proxy image. */
function reviewsPod(
  name: string,
  revision: string,
  image: string,
  annotations: Record<string, string> = {},
): KubeObject {
  const object = pod(
    name,
    'shop',
    { app: 'reviews', 'pod-template-hash': 'abc' },
    {
      owner: { kind: 'ReplicaSet', name: 'reviews-abc' },
      sidecar: 'container',
      phase: 'Running',
      annotations: {
        'sidecar.istio.io/status': JSON.stringify({
          containers: ['istio-proxy'],
          revision,
        }),
        ...annotations,
      },
    },
  );
  object.spec.containers.find((c: any) => c.name === 'istio-proxy').image =
    image;
  return object;
}

const PROXY_1_23 = 'docker.io/istio/proxyv2:1.23.2';
const PROXY_1_24 = 'docker.io/istio/proxyv2:1.24.1-distroless';

function run(objects: KubeObject[]) {
  return analyzeMesh(
    [
      deployment('reviews', 'shop', { app: 'reviews' }),
      injectorWebhook('1-23-2'),
      injectorWebhook('1-24-1'),
      istiod('1-23-2', 'docker.io/istio/pilot:1.23.2'),
      istiod('1-24-1', 'docker.io/istio/pilot:1.24.1'),
      ...objects,
    ],
    { analyzers: ['proxy.RevisionAnalyzer'] },
  ).findings;
}

describe('proxy.RevisionAnalyzer', () => {
  describe('MESH203 proxy on another revision', () => {
    it('fires when the namespace now selects another revision, through a tag', () => {
      const findings = run([
        tagWebhook('prod-stable', '1-24-1'),
        namespace('shop', { 'istio.io/rev': 'prod-stable' }),
        reviewsPod('reviews-abc-1', '1-23-2', PROXY_1_23),
        reviewsPod('reviews-abc-2', '1-24-1', PROXY_1_24),
      ]);
      // The old pod's version differs too, but the revision says it first.
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        code: 'MESH203',
        severity: 'Warning',
        resource: 'Deployment shop/reviews',
      });
      expect(findings[0].message).toContain(
        '1 pod of Deployment shop/reviews runs a proxy of revision 1-23-2 (reviews-abc-1), but new pods get revision 1-24-1',
      );
      expect(findings[0].message).toContain(
        'prod-stable (tag of revision 1-24-1)',
      );
      expect(findings[0].remediation).toBe(
        'kubectl -n shop rollout restart deployment/reviews',
      );
    });

    it('stays silent when every proxy is on the selected revision and version', () => {
      expect(
        run([
          namespace('shop', { 'istio.io/rev': '1-24-1' }),
          reviewsPod('reviews-abc-1', '1-24-1', PROXY_1_24),
        ]),
      ).toEqual([]);
    });

    it('stays silent without injector webhooks, when tags cannot be resolved', () => {
      const findings = analyzeMesh(
        [
          namespace('shop', { 'istio.io/rev': 'prod-stable' }),
          deployment('reviews', 'shop', { app: 'reviews' }),
          reviewsPod('reviews-abc-1', '1-23-2', PROXY_1_23),
        ],
        { analyzers: ['proxy.RevisionAnalyzer'] },
      ).findings;
      expect(findings).toEqual([]);
    });
  });

  describe('MESH204 proxy version differs from istiod', () => {
    it('fires after an in-place upgrade: same revision, older proxy image', () => {
      const findings = run([
        namespace('shop', { 'istio.io/rev': '1-24-1' }),
        reviewsPod('reviews-abc-1', '1-24-1', 'docker.io/istio/proxyv2:1.24.0'),
      ]);
      expect(findings.map(f => f.code)).toEqual(['MESH204']);
      expect(findings[0].message).toContain(
        'runs istio-proxy 1.24.0 (reviews-abc-1), but istiod of revision 1-24-1 (istio-system/istiod-1-24-1) runs 1.24.1',
      );
    });

    it('does not compare a proxy image chosen on purpose', () => {
      expect(
        run([
          namespace('shop', { 'istio.io/rev': '1-24-1' }),
          reviewsPod(
            'reviews-abc-1',
            '1-24-1',
            'registry.example/proxy:custom',
            {
              'sidecar.istio.io/proxyImage': 'registry.example/proxy:custom',
            },
          ),
        ]),
      ).toEqual([]);
    });
  });
});

describe('imageVersion', () => {
  it.each([
    ['docker.io/istio/proxyv2:1.24.1', '1.24.1'],
    ['gcr.io/istio-release/proxyv2:1.24.1-distroless', '1.24.1'],
    ['localhost:5000/proxyv2:1.24.1@sha256:0123', '1.24.1'],
    ['localhost:5000/proxyv2', undefined],
    ['docker.io/istio/proxyv2@sha256:0123', undefined],
  ])('%s has version %s', (image, version) => {
    expect(imageVersion(image)).toBe(version);
  });
});
