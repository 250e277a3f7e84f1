import { describeBlocker } from './readiness';

describe('describeBlocker', () => {
  // Shared doc §2: a pod without a sidecar keeps receiving traffic under
  // STRICT; its own plaintext calls fail and it stays unencrypted.
  it('says what STRICT breaks for pods without a sidecar, not that they stop receiving traffic', () => {
    const text = describeBlocker({
      type: 'pods-without-proxy',
      namespace: 'ledger',
      workload: 'ledger-batch',
      pods: 2,
    });
    expect(text).toBe(
      'ledger/ledger-batch: 2 pods without a sidecar: STRICT is not enforced on them and their own plaintext calls to STRICT servers fail; restart them with the proxy',
    );
    expect(text).not.toMatch(/stop receiving/);
  });

  it('names the plaintext callers that STRICT would refuse', () => {
    expect(
      describeBlocker({
        type: 'plaintext-callers',
        namespace: 'ledger',
        workload: 'ledger-service',
        callers: ['batch/nightly-export', 'ops/report'],
      }),
    ).toBe(
      'ledger/ledger-service: plaintext callers would be refused (batch/nightly-export, ops/report)',
    );
  });

  it('counts callers from outside the mesh, singular and plural', () => {
    const base = {
      type: 'callers-outside-mesh' as const,
      namespace: 'channels',
      workload: 'web-banking',
    };
    expect(describeBlocker({ ...base, requests: 1 })).toMatch(
      /: 1 request or connection from callers outside the mesh would be refused$/,
    );
    expect(describeBlocker({ ...base, requests: 12 })).toMatch(
      /: 12 requests or connections from callers/,
    );
  });

  it('keeps only the type of a blocker it does not know', () => {
    const text = describeBlocker({
      type: 'future-kind',
      secret: 'x',
    } as never);
    expect(text).toBe('future-kind (see the adoption page)');
  });
});
