import { EntityMeshState, regressions, sameState } from './regressions';

const ready: EntityMeshState = {
  demo: {
    modes: { 'shop/checkout': 'STRICT', 'shop/checkout:9090': 'STRICT' },
    ready: true,
    plaintextCallers: [],
    errors: [],
  },
};

describe('regressions', () => {
  it('reports STRICT going to PERMISSIVE or DISABLE, per workload and port', () => {
    expect(
      regressions(ready, {
        demo: {
          ...ready.demo,
          modes: {
            'shop/checkout': 'PERMISSIVE',
            'shop/checkout:9090': 'DISABLE',
          },
        },
      }),
    ).toEqual([
      {
        type: 'mode',
        cluster: 'demo',
        workload: 'shop/checkout',
        from: 'STRICT',
        to: 'PERMISSIVE',
      },
      {
        type: 'mode',
        cluster: 'demo',
        workload: 'shop/checkout:9090',
        from: 'STRICT',
        to: 'DISABLE',
      },
    ]);
  });

  it('reports a new plaintext caller only where the entity was ready', () => {
    const now: EntityMeshState = {
      demo: {
        ...ready.demo,
        plaintextCallers: ['legacy/ledger → shop/checkout'],
      },
    };
    expect(regressions(ready, now)).toEqual([
      {
        type: 'plaintext-caller',
        cluster: 'demo',
        caller: 'legacy/ledger → shop/checkout',
      },
    ]);
    expect(regressions({ demo: { ...ready.demo, ready: false } }, now)).toEqual(
      [],
    );
    // Telemetry unknown before: nothing to compare with.
    const { plaintextCallers: _none, ...unknown } = ready.demo;
    expect(regressions({ demo: unknown }, now)).toEqual([]);
  });

  it('reports a new Error finding, not one already known', () => {
    const before = { demo: { ...ready.demo, errors: ['IST0106 Pod shop/a'] } };
    expect(
      regressions(before, {
        demo: {
          ...ready.demo,
          errors: ['IST0106 Pod shop/a', 'MESH002 DestinationRule shop/x'],
        },
      }),
    ).toEqual([
      {
        type: 'error-finding',
        cluster: 'demo',
        finding: 'MESH002 DestinationRule shop/x',
      },
    ]);
  });

  it('reports nothing for improvements, removed workloads or a cluster first seen', () => {
    expect(
      regressions(ready, {
        demo: { ...ready.demo, modes: {} },
        other: { ...ready.demo, modes: { 'a/b': 'DISABLE' }, errors: ['X'] },
      }),
    ).toEqual([]);
  });
});

describe('sameState', () => {
  it('ignores key order', () => {
    expect(
      sameState(
        {
          demo: {
            ready: true,
            modes: { b: 'STRICT', a: 'STRICT' },
            errors: [],
          },
        },
        {
          demo: {
            errors: [],
            modes: { a: 'STRICT', b: 'STRICT' },
            ready: true,
          },
        },
      ),
    ).toBe(true);
  });
});
