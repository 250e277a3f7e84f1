import { KubeObject } from '../model/resources';
import { computePosture } from './computePosture';
import { clientTlsLineText, describeClientTls } from './describeClientTls';
import {
  deployment,
  meshedReviews,
  destinationRule,
  peerAuthentication,
  snapshotOf,
} from './testObjects';

const meshed = meshedReviews();

function sentences(objects: KubeObject[]): string[] {
  const [entry] = computePosture(snapshotOf(objects)).clientTls;
  return describeClientTls(entry).map(clientTlsLineText);
}

describe('describeClientTls', () => {
  it('says one line when every port gets the same', () => {
    expect(sentences(meshed)).toEqual(['ISTIO_MUTUAL (auto mTLS)']);
  });

  it('names the port, the workload and the policy when a port gets plaintext', () => {
    expect(
      sentences([
        ...meshed,
        peerAuthentication('legacy', 'shop', {
          selector: { app: 'reviews' },
          ports: { '9080': 'DISABLE' },
        }),
      ]),
    ).toEqual([
      'ISTIO_MUTUAL (auto mTLS)',
      'port 9080: DISABLE (auto mTLS); plaintext to shop/reviews (PeerAuthentication shop/legacy is DISABLE on port 9080)',
    ]);
  });

  it('splits mTLS and plaintext endpoints behind one port', () => {
    expect(
      sentences([
        ...meshed,
        deployment('reviews-legacy', 'shop', {
          app: 'reviews',
          'sidecar.istio.io/inject': 'false',
        }),
      ]),
    ).toEqual([
      'ISTIO_MUTUAL (auto mTLS)',
      'port 9080: ISTIO_MUTUAL (auto mTLS); mTLS to shop/reviews; plaintext to shop/reviews-legacy (no sidecar)',
      'port 9090: ISTIO_MUTUAL (auto mTLS); mTLS to shop/reviews; plaintext to shop/reviews-legacy (no sidecar)',
    ]);
  });

  it('names the DestinationRule that decides a port', () => {
    expect(
      sentences([
        ...meshed,
        destinationRule('reviews', 'shop', 'reviews', {
          portLevelSettings: [
            { port: { number: 9090 }, tls: { mode: 'DISABLE' } },
          ],
        }),
      ]),
    ).toEqual([
      'ISTIO_MUTUAL (auto mTLS)',
      'port 9090: DISABLE (DestinationRule shop/reviews)',
    ]);
  });
});
