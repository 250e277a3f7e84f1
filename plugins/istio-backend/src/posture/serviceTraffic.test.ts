import { HostIndex } from './serviceTraffic';

describe('HostIndex', () => {
  it('finds exact and wildcard hosts covering a service, in insertion order', () => {
    const index = new HostIndex<string>();
    index.add('all', ['*']);
    index.add('checkout', ['checkout.shop.svc.cluster.local']);
    index.add('shop-wide', ['*.shop.svc.cluster.local']);
    index.add('other', [
      'ledger.legacy.svc.cluster.local',
      '*.legacy.svc.cluster.local',
    ]);
    index.add('twice', [
      'checkout.shop.svc.cluster.local',
      'checkout.shop.svc.cluster.local',
    ]);
    expect(index.covering('checkout.shop.svc.cluster.local')).toEqual([
      'all',
      'checkout',
      'shop-wide',
      'twice',
    ]);
    expect(index.covering('ledger.legacy.svc.cluster.local')).toEqual([
      'all',
      'other',
    ]);
  });
});
