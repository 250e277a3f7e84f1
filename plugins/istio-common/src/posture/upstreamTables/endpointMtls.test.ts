/*
 * Istio's table for which endpoints get mTLS, the `mtlsCases` of
 * `pilot/pkg/xds/endpoints/ep_filters_test.go` (istio/istio 86c9f01f), run
 * against clientTlsUnder. Upstream's environment: Service
 * example.ns.svc.cluster.local, port 80 (http), sidecar endpoints labelled
 * app=example on port 8080. IsMtlsDisabled says whether those endpoints
 * lose mTLS; here, whether the client sends them plaintext.
 */
import {
  DestinationRuleSpec,
  KubeObject,
  PeerAuthenticationSpec,
} from '../../model/resources';
import { clientTlsUnder, destinationRuleFor, subsetsOf } from '../clientTls';
import { meshIndex } from '../meshIndex';
import { deployment, namespace, service, snapshotOf } from '../testObjects';

const HOST = 'example.ns.svc.cluster.local';

const pa = (
  name: string,
  ns: string,
  spec: PeerAuthenticationSpec,
): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace: ns },
  spec,
});
const dr = (name: string, spec: DestinationRuleSpec): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name, namespace: 'ns' },
  spec,
});
const example = { selector: { matchLabels: { app: 'example' } } };

const environment: KubeObject[] = [
  namespace('ns', { 'istio-injection': 'enabled' }),
  service('example', 'ns', { app: 'example' }, [
    { name: 'http', port: 80, targetPort: 8080 },
  ]),
  deployment(
    'example',
    'ns',
    { app: 'example' },
    {
      ports: [{ name: 'http', containerPort: 8080 }],
    },
  ),
];

interface Case {
  configs: KubeObject[];
  isMtlsDisabled: boolean;
  subsetName?: string;
}

const mtlsCases: Record<string, Record<string, Case>> = {
  PeerAuthentication: {
    'mtls-off-ineffective': {
      configs: [
        pa('mtls-partial', 'istio-system', {
          selector: { matchLabels: { app: 'b' } },
          mtls: { mode: 'DISABLE' },
        }),
      ],
      isMtlsDisabled: false,
    },
    'mtls-on-strict': {
      configs: [pa('mtls-on', 'istio-system', { mtls: { mode: 'STRICT' } })],
      isMtlsDisabled: false,
    },
    'mtls-off-global': {
      configs: [pa('mtls-off', 'istio-system', { mtls: { mode: 'DISABLE' } })],
      isMtlsDisabled: true,
    },
    'mtls-off-namespace': {
      configs: [pa('mtls-off', 'ns', { mtls: { mode: 'DISABLE' } })],
      isMtlsDisabled: true,
    },
    'mtls-off-workload': {
      configs: [
        pa('mtls-off', 'ns', { ...example, mtls: { mode: 'DISABLE' } }),
      ],
      isMtlsDisabled: true,
    },
    'mtls-off-port': {
      configs: [
        pa('mtls-off', 'ns', {
          ...example,
          portLevelMtls: { '8080': { mode: 'DISABLE' } },
        }),
      ],
      isMtlsDisabled: true,
    },
  },
  DestinationRule: {
    'mtls-on-override-pa': {
      configs: [
        pa('mtls-off', 'ns', { mtls: { mode: 'DISABLE' } }),
        dr('mtls-on', {
          host: HOST,
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        }),
      ],
      isMtlsDisabled: false,
    },
    'mtls-off-innefective': {
      configs: [
        dr('mtls-off', {
          host: 'other.ns.svc.cluster.local',
          trafficPolicy: { tls: { mode: 'DISABLE' } },
        }),
      ],
      isMtlsDisabled: false,
    },
    'mtls-on-destination-level': {
      configs: [
        dr('mtls-on', {
          host: HOST,
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        }),
      ],
      isMtlsDisabled: false,
    },
    'mtls-on-port-level': {
      configs: [
        dr('mtls-on', {
          host: HOST,
          trafficPolicy: {
            portLevelSettings: [
              { port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL' } },
            ],
          },
        }),
      ],
      isMtlsDisabled: false,
    },
    'mtls-off-destination-level': {
      configs: [
        dr('mtls-off', {
          host: HOST,
          trafficPolicy: { tls: { mode: 'DISABLE' } },
        }),
      ],
      isMtlsDisabled: true,
    },
    'mtls-off-port-level': {
      configs: [
        dr('mtls-off', {
          host: HOST,
          trafficPolicy: {
            portLevelSettings: [
              { port: { number: 80 }, tls: { mode: 'DISABLE' } },
            ],
          },
        }),
      ],
      isMtlsDisabled: true,
    },
    'mtls-off-subset-level': {
      configs: [
        dr('mtls-off', {
          host: HOST,
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
          subsets: [
            {
              name: 'disable-tls',
              labels: { app: 'example' },
              trafficPolicy: { tls: { mode: 'DISABLE' } },
            },
          ],
        }),
      ],
      isMtlsDisabled: true,
      subsetName: 'disable-tls',
    },
    'mtls-on-subset-level': {
      configs: [
        dr('mtls-on', {
          host: HOST,
          trafficPolicy: { tls: { mode: 'DISABLE' } },
          subsets: [
            {
              name: 'enable-tls',
              labels: { app: 'example' },
              trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
            },
          ],
        }),
      ],
      isMtlsDisabled: false,
      subsetName: 'enable-tls',
    },
    'mtls-off-subset-fallback-to-destination': {
      configs: [
        dr('mtls-off-fallback', {
          host: HOST,
          trafficPolicy: { tls: { mode: 'DISABLE' } },
          subsets: [
            {
              name: 'no-tls',
              labels: { app: 'example' },
              trafficPolicy: {
                connectionPool: { tcp: { maxConnections: 100 } },
              },
            },
          ],
        }),
      ],
      isMtlsDisabled: true,
      subsetName: 'no-tls',
    },
    'mtls-on-subset-fallback-to-destination': {
      configs: [
        dr('mtls-on-fallback', {
          host: HOST,
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
          subsets: [
            {
              name: 'no-tls',
              labels: { app: 'example' },
              trafficPolicy: {
                connectionPool: { tcp: { maxConnections: 100 } },
              },
            },
          ],
        }),
      ],
      isMtlsDisabled: false,
      subsetName: 'no-tls',
    },
  },
};

describe('ep_filters_test.go mtlsCases', () => {
  const rows = Object.entries(mtlsCases).flatMap(([configType, cases]) =>
    Object.entries(cases).map(([name, c]) => [configType, name, c] as const),
  );
  it.each(rows)('mtlsCases: %s "%s"', (_type, _name, c) => {
    const snapshot = snapshotOf([...environment, ...c.configs]);
    const applied = destinationRuleFor(snapshot, HOST, 'client');
    const subset = subsetsOf(applied).find(s => s.name === c.subsetName);
    expect(subset?.name).toBe(c.subsetName);
    const svc = meshIndex(snapshot).serviceByHost.get(HOST)!;
    const [workload] = svc.workloads;
    const decision = clientTlsUnder(
      snapshot,
      applied,
      svc,
      80,
      subset,
      workload,
    );
    expect(decision.mode).toBe(c.isMtlsDisabled ? 'DISABLE' : 'ISTIO_MUTUAL');
  });
});
