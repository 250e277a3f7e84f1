/*
 * Istio's tables for server-side mTLS composition, `TestComposePeerAuthentication`
 * and `TestInboundMTLSSettings` in `pilot/pkg/security/authn/policy_applier_test.go`
 * (istio/istio 86c9f01f), run against composePeerAuthentication.
 *
 * Upstream hands ComposePeerAuthentication the policies already selected for
 * the workload; here the workload carries every label the row's selectors
 * name, so the same policies apply. Not carried over: the TLS contexts
 * TestInboundMTLSSettings compares (Envoy configuration; the mode is the
 * engine's part of it).
 */
import {
  KubeObject,
  MtlsMode,
  PeerAuthenticationSpec,
} from '../../model/resources';
import {
  composePeerAuthentication,
  mtlsModeAtPort,
} from '../peerAuthentication';
import { snapshotOf } from '../testObjects';

const NOW = '2026-01-01T00:00:00Z';
const SECOND_AGO = '2025-12-31T23:59:59Z';
const SECOND_LATER = '2026-01-01T00:00:01Z';

function policy(
  name: string,
  namespace: string,
  spec: PeerAuthenticationSpec,
  created?: string,
): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace, creationTimestamp: created },
    spec,
  };
}

const mode = (m: MtlsMode) => ({ mtls: { mode: m } });
const foo = { selector: { matchLabels: { app: 'foo' } } };

/** The union of the labels the rows' selectors name. */
function labelsOf(objects: KubeObject[]): Record<string, string> {
  return Object.assign(
    {},
    ...objects.map(
      o => (o.spec as PeerAuthenticationSpec)?.selector?.matchLabels ?? {},
    ),
  );
}

describe('TestComposePeerAuthentication', () => {
  const rows: Array<{
    name: string;
    configs: KubeObject[];
    want: MtlsMode;
    perPort?: Record<number, MtlsMode>;
  }> = [
    { name: 'no config', configs: [], want: 'PERMISSIVE' },
    {
      name: 'mesh only',
      configs: [policy('default', 'root-namespace', mode('STRICT'))],
      want: 'STRICT',
    },
    {
      name: 'mesh vs namespace',
      configs: [
        policy('default', 'root-namespace', {
          selector: { matchLabels: {} },
          ...mode('STRICT'),
        }),
        policy('default', 'my-ns', mode('PERMISSIVE')),
      ],
      want: 'PERMISSIVE',
    },
    {
      name: 'ignore non-emptypb selector in root namespace',
      configs: [
        policy('default', 'root-namespace', { ...foo, ...mode('STRICT') }),
      ],
      want: 'PERMISSIVE',
    },
    {
      name: 'workload vs namespace config',
      configs: [policy('default', 'my-ns', {}), policy('foo', 'my-ns', foo)],
      want: 'PERMISSIVE',
    },
    {
      name: 'workload vs mesh config',
      configs: [
        policy('default', 'my-ns', mode('PERMISSIVE')),
        policy('default', 'root-namespace', mode('DISABLE')),
      ],
      want: 'PERMISSIVE',
    },
    {
      name: 'multiple mesh policy',
      configs: [
        policy('now', 'root-namespace', mode('DISABLE'), NOW),
        policy('second ago', 'root-namespace', mode('PERMISSIVE'), SECOND_AGO),
        policy('second later', 'root-namespace', mode('STRICT'), SECOND_AGO),
      ],
      want: 'PERMISSIVE',
    },
    {
      name: 'multiple namespace policy',
      configs: [
        policy('now', 'my-ns', mode('DISABLE'), NOW),
        policy('second ago', 'my-ns', mode('PERMISSIVE'), SECOND_AGO),
        policy('second later', 'my-ns', mode('STRICT'), SECOND_AGO),
      ],
      want: 'PERMISSIVE',
    },
    {
      name: 'multiple workload policy',
      configs: [
        policy('now', 'my-ns', { ...foo, ...mode('DISABLE') }, NOW),
        policy(
          'second ago',
          'my-ns',
          { ...foo, ...mode('PERMISSIVE') },
          SECOND_AGO,
        ),
        policy(
          'second later',
          'my-ns',
          { selector: { matchLabels: { stage: 'prod' } }, ...mode('STRICT') },
          SECOND_AGO,
        ),
      ],
      want: 'PERMISSIVE',
    },
    {
      name: 'inheritance: default mesh',
      configs: [policy('default', 'root-namespace', mode('UNSET'))],
      want: 'PERMISSIVE',
    },
    {
      name: 'inheritance: mesh to workload',
      configs: [
        policy('default', 'root-namespace', mode('STRICT')),
        policy('foo', 'my-ns', foo),
      ],
      want: 'STRICT',
    },
    {
      name: 'inheritance: namespace to workload',
      configs: [
        policy('default', 'my-ns', mode('STRICT')),
        policy('foo', 'my-ns', foo),
      ],
      want: 'STRICT',
    },
    {
      name: 'inheritance: mesh to namespace to workload',
      configs: [
        policy('default', 'root-namespace', mode('STRICT')),
        policy('default', 'my-ns', mode('UNSET')),
        policy('foo', 'my-ns', foo),
      ],
      want: 'STRICT',
    },
    {
      name: 'port level',
      configs: [
        policy('default', 'root-namespace', mode('STRICT')),
        policy('foo', 'my-ns', {
          ...foo,
          portLevelMtls: {
            '80': { mode: 'DISABLE' },
            '90': { mode: 'UNSET' },
            '100': {},
          },
        }),
      ],
      want: 'STRICT',
      perPort: { 80: 'DISABLE', 90: 'STRICT', 100: 'STRICT' },
    },
  ];

  it.each(rows.map(row => [row.name, row] as const))(
    'TestComposePeerAuthentication: "%s"',
    (_name, row) => {
      const snapshot = snapshotOf(row.configs, {
        rootNamespace: 'root-namespace',
      });
      const { mtls } = composePeerAuthentication(
        snapshot,
        'my-ns',
        labelsOf(row.configs),
      );
      expect(mtls.mode).toBe(row.want);
      for (const [port, want] of Object.entries(row.perPort ?? {})) {
        expect(mtlsModeAtPort(mtls, port)).toBe(want);
      }
    },
  );
});

describe('TestInboundMTLSSettings', () => {
  // Upstream's policies carry no namespace: they sit outside the root
  // namespace, in the workload's. The node has labels app=foo; port 8080.
  const rows: Array<[string, KubeObject[], MtlsMode]> = [
    ['No policy - behave as permissive', [], 'PERMISSIVE'],
    [
      'Single policy - disable mode',
      [policy('p', 'my-ns', mode('DISABLE'))],
      'DISABLE',
    ],
    [
      'Single policy - permissive mode',
      [policy('p', 'my-ns', mode('PERMISSIVE'))],
      'PERMISSIVE',
    ],
    [
      'Single policy - strict mode',
      [policy('p', 'my-ns', mode('STRICT'))],
      'STRICT',
    ],
    [
      'Multiple policies resolved to STRICT',
      [
        policy('now', 'my-ns', { ...foo, ...mode('STRICT') }, NOW),
        policy('later', 'my-ns', { ...foo, ...mode('DISABLE') }, SECOND_LATER),
      ],
      'STRICT',
    ],
    [
      'Multiple policies resolved to PERMISSIVE',
      [
        policy('now', 'my-ns', { ...foo, ...mode('DISABLE') }, NOW),
        policy(
          'earlier',
          'my-ns',
          { ...foo, ...mode('PERMISSIVE') },
          SECOND_AGO,
        ),
      ],
      'PERMISSIVE',
    ],
    [
      'Port level hit',
      [
        policy('p', 'my-ns', {
          ...foo,
          ...mode('DISABLE'),
          portLevelMtls: { '8080': { mode: 'STRICT' } },
        }),
      ],
      'STRICT',
    ],
    [
      'Port level miss',
      [
        policy('p', 'my-ns', {
          ...foo,
          portLevelMtls: { '7070': { mode: 'STRICT' } },
        }),
      ],
      'PERMISSIVE',
    ],
  ];

  it.each(rows)('TestInboundMTLSSettings: "%s"', (_name, configs, want) => {
    const snapshot = snapshotOf(configs, { rootNamespace: 'root-namespace' });
    const { mtls } = composePeerAuthentication(snapshot, 'my-ns', {
      app: 'foo',
    });
    expect(mtlsModeAtPort(mtls, 8080)).toBe(want);
  });
});
