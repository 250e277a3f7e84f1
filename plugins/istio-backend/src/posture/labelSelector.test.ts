import {
  labelsMatch,
  parseLabelSelector,
} from '@meshportal/plugin-istio-common';
import { LabelIndex } from './labelSelector';

describe('LabelIndex', () => {
  // A workload is indexed with its pod template labels and its own labels.
  const items: Array<{ name: string; sets: Record<string, string>[] }> = [
    { name: 'checkout', sets: [{ app: 'checkout', tier: 'web' }, {}] },
    { name: 'ledger', sets: [{ app: 'ledger' }, { team: 'finance' }] },
    { name: 'canary', sets: [{ app: 'checkout', track: 'canary' }] },
    { name: 'bare', sets: [{}] },
  ];
  const index = new LabelIndex<string>();
  items.forEach(i => index.add(i.name, i.sets));
  const scan = (selector: string) => {
    const requirements = parseLabelSelector(selector);
    return items
      .filter(i => i.sets.some(l => labelsMatch(requirements, l)))
      .map(i => i.name);
  };

  it.each([
    'app=checkout',
    'app in (checkout, ledger)',
    'app=checkout,track notin (canary)',
    'team=finance',
    'team',
    '!team',
    'app!=checkout',
    'app=missing',
  ])('selects what a full scan selects for %p', selector => {
    expect(index.select(parseLabelSelector(selector))).toEqual(scan(selector));
  });

  it('applies the extra condition (the namespace annotation)', () => {
    expect(
      index.select(parseLabelSelector('app=checkout'), n => n !== 'canary'),
    ).toEqual(['checkout']);
  });
});
