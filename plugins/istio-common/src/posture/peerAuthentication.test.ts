import {
  composePeerAuthentication,
  inferServiceMtlsMode,
  mtlsModeAtPort,
  peerAuthenticationAtPort,
} from './peerAuthentication';
import { peerAuthentication as pa, snapshotOf } from './testObjects';

const APP = { app: 'reviews' };

describe('composePeerAuthentication', () => {
  it('is PERMISSIVE from Istio default without any policy', () => {
    const { mtls } = composePeerAuthentication(snapshotOf([]), 'shop', APP);
    expect(mtls).toEqual({
      mode: 'PERMISSIVE',
      source: { level: 'default', policy: null },
      ports: {},
    });
  });

  it('applies mesh, then namespace, then workload', () => {
    const objects = [
      pa('mesh', 'istio-system', { mode: 'STRICT' }),
      pa('ns', 'shop', { mode: 'PERMISSIVE' }),
      pa('wl', 'shop', { selector: APP, mode: 'DISABLE' }),
    ];
    const snapshot = snapshotOf(objects);
    expect(
      composePeerAuthentication(snapshot, 'shop', APP).mtls.source,
    ).toEqual({
      level: 'workload',
      policy: 'shop/wl',
    });
    expect(composePeerAuthentication(snapshot, 'shop', APP).mtls.mode).toBe(
      'DISABLE',
    );
    expect(
      composePeerAuthentication(snapshot, 'shop', { app: 'other' }).mtls.mode,
    ).toBe('PERMISSIVE');
    expect(
      composePeerAuthentication(snapshot, 'other', APP).mtls,
    ).toMatchObject({
      mode: 'STRICT',
      source: { level: 'mesh', policy: 'istio-system/mesh' },
    });
  });

  it('lets UNSET or a missing mode inherit the level above', () => {
    const snapshot = snapshotOf([
      pa('mesh', 'istio-system', { mode: 'STRICT' }),
      pa('ns', 'shop', { mode: 'UNSET' }),
      pa('wl', 'shop', { selector: APP }),
    ]);
    expect(composePeerAuthentication(snapshot, 'shop', APP).mtls).toMatchObject(
      {
        mode: 'STRICT',
        source: { level: 'mesh', policy: 'istio-system/mesh' },
      },
    );
  });

  it('picks the oldest policy of a level, then the name', () => {
    const snapshot = snapshotOf([
      pa('newer', 'shop', { mode: 'DISABLE', created: '2024-05-01T00:00:00Z' }),
      pa('older', 'shop', { mode: 'STRICT', created: '2024-01-01T00:00:00Z' }),
    ]);
    expect(
      composePeerAuthentication(snapshot, 'shop', APP).mtls.source.policy,
    ).toBe('shop/older');

    const tie = snapshotOf([
      pa('b', 'shop', { mode: 'DISABLE', created: '2024-01-01T00:00:00Z' }),
      pa('a', 'shop', { mode: 'STRICT', created: '2024-01-01T00:00:00Z' }),
    ]);
    expect(composePeerAuthentication(tie, 'shop', APP).mtls).toMatchObject({
      mode: 'STRICT',
      source: { policy: 'shop/a' },
    });
  });

  it('ignores a policy with a selector in the root namespace', () => {
    const snapshot = snapshotOf([
      pa('sel', 'istio-system', { selector: APP, mode: 'STRICT' }),
    ]);
    expect(composePeerAuthentication(snapshot, 'shop', APP).mtls.mode).toBe(
      'PERMISSIVE',
    );
    expect(
      composePeerAuthentication(snapshot, 'istio-system', APP).mtls.mode,
    ).toBe('PERMISSIVE');
  });

  it('follows the configured root namespace', () => {
    const snapshot = snapshotOf([pa('mesh', 'mesh-root', { mode: 'STRICT' })], {
      rootNamespace: 'mesh-root',
    });
    expect(
      composePeerAuthentication(snapshot, 'shop', APP).mtls.source.level,
    ).toBe('mesh');
  });

  it('keys port-level mTLS by target port, from the workload policy only', () => {
    const snapshot = snapshotOf([
      pa('ns', 'shop', { mode: 'STRICT' }),
      pa('wl', 'shop', {
        selector: APP,
        ports: { '8080': 'DISABLE', '9090': 'UNSET', '9443': 'STRICT' },
      }),
    ]);
    const composed = composePeerAuthentication(snapshot, 'shop', APP);
    // 9090 inherits, 9443 equals the workload mode: only 8080 differs.
    expect(composed.mtls).toEqual({
      mode: 'STRICT',
      source: { level: 'namespace', policy: 'shop/ns' },
      ports: { '8080': { mode: 'DISABLE' } },
    });
    expect(mtlsModeAtPort(composed.mtls, 8080)).toBe('DISABLE');
    expect(mtlsModeAtPort(composed.mtls, 9090)).toBe('STRICT');
    expect(peerAuthenticationAtPort(composed, 8080)?.name).toBe('wl');
    expect(peerAuthenticationAtPort(composed, 9090)?.name).toBe('ns');
  });

  it('does not read portLevelMtls of a namespace policy', () => {
    const snapshot = snapshotOf([
      pa('ns', 'shop', { mode: 'STRICT', ports: { '8080': 'DISABLE' } }),
    ]);
    expect(composePeerAuthentication(snapshot, 'shop', APP).mtls.ports).toEqual(
      {},
    );
  });
});

describe('inferServiceMtlsMode', () => {
  it('looks only at namespace and mesh policies', () => {
    const snapshot = snapshotOf([
      pa('ns', 'shop', { mode: 'DISABLE' }),
      pa('wl', 'shop', { selector: APP, mode: 'STRICT' }),
    ]);
    expect(inferServiceMtlsMode(snapshot, 'shop')).toBe('DISABLE');
    expect(inferServiceMtlsMode(snapshot, 'other')).toBe('PERMISSIVE');
  });
});
