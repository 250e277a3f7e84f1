import { analyzeMesh } from '../../analysis/analyzeMesh';
import { DEFAULT_MESH_CONFIG, MeshConfig } from '../../model/meshConfig';
import { KubeObject } from '../../model/resources';
import {
  deployment,
  destinationRule as dr,
  namespace,
  peerAuthentication as pa,
  pod,
  service,
} from '../../posture/testObjects';

const APP = { app: 'reviews' };

/** reviews in an injected namespace: Service port 9080 -> container port 8080. */
const meshed: KubeObject[] = [
  namespace('shop', { 'istio-injection': 'enabled' }),
  deployment('reviews', 'shop', APP),
  service('reviews', 'shop', APP, [
    { name: 'http', port: 9080, targetPort: 8080 },
  ]),
];

/** The same without a sidecar. */
const plain: KubeObject[] = [
  namespace('shop'),
  deployment('reviews', 'shop', APP),
  service('reviews', 'shop', APP, [
    { name: 'http', port: 9080, targetPort: 8080 },
  ]),
];

function run(objects: KubeObject[], mesh: Partial<MeshConfig> = {}) {
  return analyzeMesh(objects, {
    analyzers: ['mtls.ConflictAnalyzer'],
    meshConfig: { ...DEFAULT_MESH_CONFIG, ...mesh },
  }).findings;
}

function codes(objects: KubeObject[], mesh: Partial<MeshConfig> = {}) {
  return run(objects, mesh).map(f => `${f.code} ${f.resource}`);
}

const strictWorkload = pa('reviews-strict', 'shop', {
  selector: APP,
  mode: 'STRICT',
});

describe('mtls.ConflictAnalyzer', () => {
  describe('MESH001 DestinationRule DISABLE toward STRICT', () => {
    it('fires on the DestinationRule', () => {
      const findings = run([
        ...meshed,
        strictWorkload,
        dr('reviews', 'shop', 'reviews', { tls: { mode: 'DISABLE' } }),
      ]);
      expect(findings.map(f => f.code)).toEqual(['MESH001']);
      expect(findings[0]).toMatchObject({
        severity: 'Error',
        resource: 'DestinationRule shop/reviews',
        analyzer: 'mtls.ConflictAnalyzer',
      });
      expect(findings[0].message).toContain(
        'reviews.shop.svc.cluster.local:9080',
      );
      expect(findings[0].remediation).toContain('ISTIO_MUTUAL');
    });

    it('does not fire toward a PERMISSIVE workload', () => {
      expect(
        codes([
          ...meshed,
          dr('reviews', 'shop', 'reviews', { tls: { mode: 'DISABLE' } }),
        ]),
      ).toEqual([]);
    });

    it('fires for a DISABLE port entry even when the top level sends mTLS', () => {
      const rule = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'ISTIO_MUTUAL' },
        portLevelSettings: [
          { port: { number: 9080 }, tls: { mode: 'DISABLE' } },
        ],
      });
      const findings = run([...meshed, strictWorkload, rule]);
      expect(findings.map(f => f.code)).toEqual(['MESH001']);
      expect(findings[0].remediation).toContain(
        '/spec/trafficPolicy/portLevelSettings/0/tls',
      );
    });

    it('reads the server port by target port, not service port', () => {
      const byTarget = pa('p', 'shop', {
        selector: APP,
        ports: { '8080': 'STRICT' },
      });
      const byServicePort = pa('p', 'shop', {
        selector: APP,
        ports: { '9080': 'STRICT' },
      });
      const rule = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'DISABLE' },
      });
      expect(codes([...meshed, byTarget, rule])).toEqual([
        'MESH001 DestinationRule shop/reviews',
      ]);
      expect(codes([...meshed, byServicePort, rule])).toEqual([]);
    });

    it('fires for a DestinationRule in a client namespace', () => {
      const rule = dr('to-reviews', 'front', 'reviews.shop.svc.cluster.local', {
        tls: { mode: 'DISABLE' },
      });
      expect(codes([...meshed, strictWorkload, rule])).toEqual([
        'MESH001 DestinationRule front/to-reviews',
      ]);
    });
  });

  describe('subset traffic policies', () => {
    const versions: KubeObject[] = [
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('reviews-v1', 'shop', { ...APP, version: 'v1' }),
      deployment('reviews-v2', 'shop', { ...APP, version: 'v2' }),
      service('reviews', 'shop', APP, [
        { name: 'http', port: 9080, targetPort: 8080 },
      ]),
    ];
    const rule = dr(
      'reviews',
      'shop',
      'reviews',
      { tls: { mode: 'ISTIO_MUTUAL' } },
      {
        subsets: [
          {
            name: 'v1',
            labels: { version: 'v1' },
            trafficPolicy: { tls: { mode: 'DISABLE' } },
          },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
    );

    it('checks a subset policy against the workloads the subset selects', () => {
      const strictV1 = pa('v1-strict', 'shop', {
        selector: { version: 'v1' },
        mode: 'STRICT',
      });
      const findings = run([...versions, strictV1, rule]);
      expect(findings.map(f => f.code)).toEqual(['MESH001']);
      expect(findings[0].message).toContain('subset v1');
      expect(findings[0].remediation).toContain(
        '/spec/subsets/0/trafficPolicy/tls',
      );
    });

    it('does not apply a subset policy to workloads outside the subset', () => {
      const strictV2 = pa('v2-strict', 'shop', {
        selector: { version: 'v2' },
        mode: 'STRICT',
      });
      expect(codes([...versions, strictV2, rule])).toEqual([]);
    });
  });

  describe('MESH002 auto mTLS infers plaintext toward a STRICT workload', () => {
    const nsDisable = pa('ns', 'shop', { mode: 'DISABLE' });

    it('fires on the workload PeerAuthentication', () => {
      const findings = run([...meshed, nsDisable, strictWorkload]);
      expect(findings.map(f => `${f.code} ${f.resource}`)).toEqual([
        'MESH002 PeerAuthentication shop/reviews-strict',
      ]);
      expect(findings[0].remediation).toContain('mode: ISTIO_MUTUAL');
      expect(findings[0].remediation).toContain(
        'host: reviews.shop.svc.cluster.local',
      );
    });

    it('fires for a STRICT port under a DISABLE mesh policy', () => {
      const port = pa('port', 'shop', {
        selector: APP,
        ports: { '8080': 'STRICT' },
      });
      expect(
        codes([
          ...meshed,
          pa('mesh', 'istio-system', { mode: 'DISABLE' }),
          port,
        ]),
      ).toEqual(['MESH002 PeerAuthentication shop/port']);
    });

    it('does not fire when a DestinationRule sends ISTIO_MUTUAL', () => {
      const rule = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'ISTIO_MUTUAL' },
      });
      expect(codes([...meshed, nsDisable, strictWorkload, rule])).toEqual([]);
    });

    it('does not fire when the namespace is PERMISSIVE (clients infer mTLS)', () => {
      expect(
        codes([
          ...meshed,
          pa('ns', 'shop', { mode: 'PERMISSIVE' }),
          strictWorkload,
        ]),
      ).toEqual([]);
    });
  });

  describe('MESH003 STRICT with auto mTLS off', () => {
    const meshStrict = pa('default', 'istio-system', { mode: 'STRICT' });

    it('fires on the PeerAuthentication that makes the workload STRICT', () => {
      const findings = run([...meshed, meshStrict], { enableAutoMtls: false });
      expect(findings.map(f => `${f.code} ${f.resource}`)).toEqual([
        'MESH003 PeerAuthentication istio-system/default',
      ]);
    });

    it('does not fire with an ISTIO_MUTUAL DestinationRule, or with auto mTLS on', () => {
      const rule = dr('all', 'istio-system', '*.local', {
        tls: { mode: 'ISTIO_MUTUAL' },
      });
      expect(
        codes([...meshed, meshStrict, rule], { enableAutoMtls: false }),
      ).toEqual([]);
      expect(codes([...meshed, meshStrict])).toEqual([]);
    });
  });

  describe('MESH004 mTLS toward a workload that cannot accept it', () => {
    it('fires for ISTIO_MUTUAL toward a workload without a sidecar', () => {
      const rule = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'ISTIO_MUTUAL' },
      });
      const findings = run([...plain, rule]);
      expect(findings.map(f => `${f.code} ${f.resource}`)).toEqual([
        'MESH004 DestinationRule shop/reviews',
      ]);
      expect(findings[0].remediation).toContain('"mode":"DISABLE"');
    });

    it('fires for ISTIO_MUTUAL toward a sidecar that accepts only plaintext', () => {
      const rule = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'ISTIO_MUTUAL' },
      });
      const disable = pa('wl', 'shop', { selector: APP, mode: 'DISABLE' });
      expect(codes([...meshed, disable, rule])).toEqual([
        'MESH004 DestinationRule shop/reviews',
      ]);
    });

    it('does not fire toward a sidecar that accepts mTLS', () => {
      expect(
        codes([
          ...meshed,
          dr('reviews', 'shop', 'reviews', { tls: { mode: 'ISTIO_MUTUAL' } }),
        ]),
      ).toEqual([]);
    });

    it('does not fire for MUTUAL toward an application that terminates TLS itself', () => {
      const tlsApp = [
        namespace('shop'),
        deployment('reviews', 'shop', APP),
        service('reviews', 'shop', APP, [
          { name: 'https', port: 443, targetPort: 8443 },
        ]),
      ];
      const rule = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'MUTUAL', credentialName: 'c' },
      });
      expect(codes([...tlsApp, rule])).toEqual([]);
      expect(codes([...plain, rule])).toEqual([
        'MESH004 DestinationRule shop/reviews',
      ]);
    });
  });

  describe('MESH005 host-specific rule hides mesh-wide ISTIO_MUTUAL', () => {
    const wide = dr('mesh-mtls', 'istio-system', '*.local', {
      tls: { mode: 'ISTIO_MUTUAL' },
    });
    const specific = dr('reviews', 'shop', 'reviews', {
      loadBalancer: { simple: 'LEAST_REQUEST' },
    });

    it('fires on the host-specific rule with auto mTLS off', () => {
      const findings = run([...meshed, wide, specific], {
        enableAutoMtls: false,
      });
      expect(findings.map(f => `${f.code} ${f.resource}`)).toEqual([
        'MESH005 DestinationRule shop/reviews',
      ]);
      expect(findings[0].severity).toBe('Warning');
    });

    it('does not fire when the rule sets tls, or with auto mTLS on', () => {
      const withTls = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'ISTIO_MUTUAL' },
      });
      expect(
        codes([...meshed, wide, withTls], { enableAutoMtls: false }),
      ).toEqual([]);
      expect(codes([...meshed, wide, specific])).toEqual([]);
    });
  });

  describe('MESH006 custom TLS toward a sidecar', () => {
    it('fires for SIMPLE toward a sidecar workload', () => {
      const rule = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'SIMPLE' },
      });
      expect(codes([...meshed, rule])).toEqual([
        'MESH006 DestinationRule shop/reviews',
      ]);
    });

    it('does not fire toward a workload without a sidecar', () => {
      const rule = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'SIMPLE' },
      });
      expect(codes([...plain, rule])).toEqual([]);
    });
  });

  describe('MESH007 identity-based authorization without STRICT', () => {
    const policy = (source: object, when?: object[]): KubeObject => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'allow-front', namespace: 'shop' },
      spec: {
        selector: { matchLabels: APP },
        action: 'ALLOW',
        rules: [{ from: [{ source }], when }],
      },
    });

    it('fires for principals on a PERMISSIVE workload', () => {
      const findings = run([
        ...meshed,
        policy({ principals: ['cluster.local/ns/front/sa/web'] }),
      ]);
      expect(findings.map(f => `${f.code} ${f.resource}`)).toEqual([
        'MESH007 AuthorizationPolicy shop/allow-front',
      ]);
      expect(findings[0].remediation).toContain('mode: STRICT');
    });

    it('fires for a source.namespace condition', () => {
      const p = policy({ ipBlocks: ['10.0.0.0/8'] }, [
        { key: 'source.namespace', values: ['front'] },
      ]);
      expect(codes([...meshed, p])).toEqual([
        'MESH007 AuthorizationPolicy shop/allow-front',
      ]);
    });

    it('does not fire when the workload is STRICT, or for ipBlocks only', () => {
      expect(
        codes([...meshed, strictWorkload, policy({ namespaces: ['front'] })]),
      ).toEqual([]);
      expect(codes([...meshed, policy({ ipBlocks: ['10.0.0.0/8'] })])).toEqual(
        [],
      );
    });
  });

  describe('MESH008 top-level ISTIO_MUTUAL leaking into an auto mTLS port', () => {
    const disable = pa('reviews-plain', 'shop', {
      selector: APP,
      mode: 'DISABLE',
    });
    // The port entry has no tls: the cluster uses auto mTLS, but the
    // endpoint check still reads the top-level ISTIO_MUTUAL.
    const leaky = dr('reviews', 'shop', 'reviews', {
      tls: { mode: 'ISTIO_MUTUAL' },
      portLevelSettings: [
        {
          port: { number: 9080 },
          connectionPool: { tcp: { maxConnections: 5 } },
        },
      ],
    });

    it('fires on the DestinationRule toward a DISABLE workload', () => {
      const findings = run([...meshed, disable, leaky]);
      expect(findings.map(f => `${f.code} ${f.resource}`)).toEqual([
        'MESH008 DestinationRule shop/reviews',
      ]);
      expect(findings[0].remediation).toContain(
        '/spec/trafficPolicy/portLevelSettings/0/tls',
      );
    });

    it('fires toward a workload without a sidecar', () => {
      expect(codes([...plain, leaky])).toEqual([
        'MESH008 DestinationRule shop/reviews',
      ]);
    });

    it('does not fire without a DestinationRule: Istio sends plaintext to DISABLE endpoints', () => {
      expect(
        codes([...meshed, pa('ns', 'shop', { mode: 'STRICT' }), disable]),
      ).toEqual([]);
      const portOnly = pa('port', 'shop', {
        selector: APP,
        ports: { '8080': 'DISABLE' },
      });
      expect(codes([...meshed, portOnly])).toEqual([]);
    });

    it('does not fire when the port entry sets its own tls', () => {
      const fixed = dr('reviews', 'shop', 'reviews', {
        tls: { mode: 'ISTIO_MUTUAL' },
        portLevelSettings: [
          { port: { number: 9080 }, tls: { mode: 'DISABLE' } },
        ],
      });
      expect(codes([...meshed, disable, fixed])).toEqual([]);
    });
  });

  it('reports a top-level DISABLE leaking into an auto mTLS port as MESH001', () => {
    const leaky = dr('reviews', 'shop', 'reviews', {
      tls: { mode: 'DISABLE' },
      portLevelSettings: [
        { port: { number: 9080 }, loadBalancer: { simple: 'RANDOM' } },
      ],
    });
    expect(codes([...meshed, strictWorkload, leaky])).toEqual([
      'MESH001 DestinationRule shop/reviews',
    ]);
  });

  it('never throws on malformed objects', () => {
    const bad: KubeObject[] = [
      ...meshed,
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'x', namespace: 'shop' },
        spec: { mtls: 'STRICT', portLevelMtls: 7 },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'y', namespace: 'shop' },
        spec: {
          host: 'reviews',
          trafficPolicy: { portLevelSettings: 5, tls: 5 },
        },
      },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'z', namespace: 'shop' },
        spec: { rules: 'x' },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's', namespace: 'shop' },
        spec: { selector: APP, ports: 'x' },
      },
    ];
    expect(() => run(bad)).not.toThrow();
  });
});

describe('scale', () => {
  it('analyzes a 20,000-object mesh in under 2 seconds', () => {
    const objects: KubeObject[] = [
      pa('default', 'istio-system', { mode: 'STRICT' }),
      dr('mesh', 'istio-system', '*.local', { tls: { mode: 'ISTIO_MUTUAL' } }),
    ];
    for (let n = 0; n < 100; n++) {
      const ns = `team-${n}`;
      objects.push(namespace(ns, { 'istio-injection': 'enabled' }));
      objects.push(
        pa('legacy', ns, { selector: { app: 'app-0' }, mode: 'PERMISSIVE' }),
      );
      objects.push(
        dr('local', ns, `*.${ns}.svc.cluster.local`, {
          loadBalancer: { simple: 'ROUND_ROBIN' },
        }),
      );
      for (let d = 0; d < 10; d++) {
        const labels = { app: `app-${d}` };
        objects.push(
          deployment(`app-${d}`, ns, labels),
          service(`app-${d}`, ns, labels),
        );
        objects.push(
          dr(`app-${d}`, ns, `app-${d}`, {
            tls: { mode: d === 0 ? 'DISABLE' : 'ISTIO_MUTUAL' },
          }),
        );
        for (let p = 0; p < 17; p++) {
          objects.push(
            pod(
              `app-${d}-${p}`,
              ns,
              { ...labels, 'pod-template-hash': 'h' },
              {
                owner: { kind: 'ReplicaSet', name: `app-${d}-h` },
                sidecar: 'container',
              },
            ),
          );
        }
      }
    }
    expect(objects.length).toBeGreaterThan(20000);
    const started = Date.now();
    const report = analyzeMesh(objects, {
      analyzers: ['mtls.ConflictAnalyzer', 'traffic.PatternAnalyzer'],
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report.workloads).toHaveLength(1000);
    // app-0 is PERMISSIVE: its DISABLE rule is fine; no other conflict exists.
    expect(report.findings).toEqual([]);
  });
});
