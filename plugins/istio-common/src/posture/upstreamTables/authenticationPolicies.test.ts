/*
 * Istio's tables for which PeerAuthentications a workload sees and the
 * namespace mode, `TestGetPoliciesForWorkload` and
 * `TestGetPoliciesForWorkloadWithoutMeshPeerAuthn` in
 * `pilot/pkg/model/authentication_test.go` (istio/istio 86c9f01f), on
 * upstream's own fixture (createTestConfigs), run against
 * composePeerAuthentication and inferServiceMtlsMode.
 *
 * Upstream lists the namespace- and mesh-level policy it keeps (the oldest
 * of each) and every matching workload policy; the engine keeps the oldest
 * of each level, which is the same set on this fixture. Not carried over:
 * the RequestAuthentication half of each row (the engine does not evaluate
 * JWT policies), and the waypoint targetRef attachment, which changes only
 * RequestAuthentications here (the engine models no waypoints).
 * `MTLSUnknown` (no mesh and no namespace policy) is what
 * BestEffortInferServiceMTLSMode turns into PERMISSIVE, the engine's answer.
 */
import { KubeObject, MtlsMode } from '../../model/resources';
import {
  composePeerAuthentication,
  inferServiceMtlsMode,
} from '../peerAuthentication';
import { peerAuthentication, snapshotOf } from '../testObjects';

const ROOT = 'istio-config';
const BASE = '2020-02-02T02:02:02Z';
const plus = (seconds: number) =>
  new Date(Date.parse(BASE) + seconds * 1000).toISOString();
const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';

/** The PeerAuthentications of upstream's createTestConfigs. */
function createTestConfigs(withMeshPeerAuthn: boolean): KubeObject[] {
  const configs = [
    peerAuthentication('global-peer-with-selector', ROOT, {
      created: BASE,
      selector: { app: 'httpbin', version: 'v2' },
      mode: 'UNSET',
    }),
    peerAuthentication('default', 'foo', { created: BASE, mode: 'STRICT' }),
    peerAuthentication('ignored-newer-default', 'foo', {
      created: plus(1),
      mode: 'STRICT',
    }),
    peerAuthentication('peer-with-selector', 'foo', {
      created: BASE,
      selector: { version: 'v1' },
      mode: 'DISABLE',
    }),
  ];
  if (withMeshPeerAuthn) {
    configs.push(
      peerAuthentication('ignored-newer', ROOT, {
        created: plus(2),
        mode: 'UNSET',
      }),
      peerAuthentication('default', ROOT, { created: BASE, mode: 'UNSET' }),
      peerAuthentication('ignored-another-newer', ROOT, {
        created: plus(1),
        mode: 'UNSET',
      }),
    );
  }
  return configs;
}

interface Row {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** `namespace/name` of the policies upstream returns, in its order. */
  wantPeerAuthn: string[];
  wantNamespaceMutualTLS: MtlsMode | 'UNKNOWN';
}

/** What the engine says for a row: the policies it keeps and the namespace mode. */
function engineAnswer(objects: KubeObject[], row: Row) {
  const snapshot = snapshotOf(objects, { rootNamespace: ROOT });
  const composed = composePeerAuthentication(
    snapshot,
    row.namespace,
    row.labels,
  );
  const name = (r?: { namespace: string; name: string }) =>
    r ? [`${r.namespace}/${r.name}`] : [];
  return {
    // Upstream's order: the workload's namespace (the namespace-level
    // policy is the oldest there), then the root namespace.
    peerAuthn: [
      ...name(composed.namespace),
      ...name(composed.workload),
      ...name(composed.mesh),
    ],
    namespaceMutualTLS: inferServiceMtlsMode(snapshot, row.namespace),
  };
}

function expected(row: Row) {
  return {
    peerAuthn: row.wantPeerAuthn,
    namespaceMutualTLS:
      row.wantNamespaceMutualTLS === 'UNKNOWN'
        ? 'PERMISSIVE'
        : row.wantNamespaceMutualTLS,
  };
}

const httpbinV1 = { app: 'httpbin', version: 'v1' };

describe('TestGetPoliciesForWorkload', () => {
  const mesh = `${ROOT}/default`;
  const rows: Row[] = [
    {
      name: 'Empty workload labels in foo',
      namespace: 'foo',
      labels: {},
      wantPeerAuthn: ['foo/default', mesh],
      wantNamespaceMutualTLS: 'STRICT',
    },
    {
      name: 'Gateway targetRef foo namespace',
      namespace: 'foo',
      labels: { [GATEWAY_NAME]: 'my-gateway' },
      wantPeerAuthn: ['foo/default', mesh],
      wantNamespaceMutualTLS: 'STRICT',
    },
    {
      name: 'waypoint targetRef foo namespace',
      namespace: 'foo',
      labels: { [GATEWAY_NAME]: 'my-gateway' },
      wantPeerAuthn: ['foo/default', mesh],
      wantNamespaceMutualTLS: 'STRICT',
    },
    {
      name: 'Gateway targetRef bar namespace',
      namespace: 'bar',
      labels: { [GATEWAY_NAME]: 'my-gateway' },
      wantPeerAuthn: [mesh],
      wantNamespaceMutualTLS: 'PERMISSIVE',
    },
    {
      name: 'Empty workload labels in bar',
      namespace: 'bar',
      labels: {},
      wantPeerAuthn: [mesh],
      wantNamespaceMutualTLS: 'PERMISSIVE',
    },
    {
      name: 'Empty workload labels in baz',
      namespace: 'baz',
      labels: {},
      wantPeerAuthn: [mesh],
      wantNamespaceMutualTLS: 'PERMISSIVE',
    },
    {
      name: 'Match workload labels in foo',
      namespace: 'foo',
      labels: { ...httpbinV1, other: 'labels' },
      wantPeerAuthn: ['foo/default', 'foo/peer-with-selector', mesh],
      wantNamespaceMutualTLS: 'STRICT',
    },
    {
      name: 'Match workload labels in bar',
      namespace: 'bar',
      labels: httpbinV1,
      wantPeerAuthn: [mesh],
      wantNamespaceMutualTLS: 'PERMISSIVE',
    },
    {
      name: 'Partial match workload labels in foo',
      namespace: 'foo',
      labels: { app: 'httpbin' },
      wantPeerAuthn: ['foo/default', mesh],
      wantNamespaceMutualTLS: 'STRICT',
    },
    {
      name: 'Service targetRef bar namespace',
      namespace: 'bar',
      labels: { [GATEWAY_NAME]: 'my-waypoint' },
      wantPeerAuthn: [mesh],
      wantNamespaceMutualTLS: 'PERMISSIVE',
    },
    {
      name: 'Service targetRef cross namespace',
      namespace: 'gateway',
      labels: { [GATEWAY_NAME]: 'my-waypoint' },
      wantPeerAuthn: [mesh],
      wantNamespaceMutualTLS: 'PERMISSIVE',
    },
  ];
  it.each(rows.map(row => [row.name, row] as const))(
    'TestGetPoliciesForWorkload: "%s"',
    (_name, row) => {
      expect(engineAnswer(createTestConfigs(true), row)).toEqual(expected(row));
    },
  );
});

describe('TestGetPoliciesForWorkloadWithoutMeshPeerAuthn', () => {
  const rows: Row[] = [
    {
      name: 'Empty workload labels in foo',
      namespace: 'foo',
      labels: {},
      wantPeerAuthn: ['foo/default'],
      wantNamespaceMutualTLS: 'STRICT',
    },
    {
      name: 'Empty workload labels in bar',
      namespace: 'bar',
      labels: {},
      wantPeerAuthn: [],
      wantNamespaceMutualTLS: 'UNKNOWN',
    },
    {
      name: 'Empty workload labels in baz',
      namespace: 'baz',
      labels: {},
      wantPeerAuthn: [],
      wantNamespaceMutualTLS: 'UNKNOWN',
    },
    {
      name: 'Match workload labels in foo',
      namespace: 'foo',
      labels: { ...httpbinV1, other: 'labels' },
      wantPeerAuthn: ['foo/default', 'foo/peer-with-selector'],
      wantNamespaceMutualTLS: 'STRICT',
    },
    {
      name: 'Match workload labels in bar',
      namespace: 'bar',
      labels: httpbinV1,
      wantPeerAuthn: [],
      wantNamespaceMutualTLS: 'UNKNOWN',
    },
    {
      name: 'Partial match workload labels in foo',
      namespace: 'foo',
      labels: { app: 'httpbin' },
      wantPeerAuthn: ['foo/default'],
      wantNamespaceMutualTLS: 'STRICT',
    },
  ];
  it.each(rows.map(row => [row.name, row] as const))(
    'TestGetPoliciesForWorkloadWithoutMeshPeerAuthn: "%s"',
    (_name, row) => {
      expect(engineAnswer(createTestConfigs(false), row)).toEqual(
        expected(row),
      );
    },
  );
});
