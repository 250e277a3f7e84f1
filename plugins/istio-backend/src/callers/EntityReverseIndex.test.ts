import { Entity } from '@backstage/catalog-model';
import { EntityReverseIndex } from './EntityReverseIndex';

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {},
});

const index = new EntityReverseIndex(
  [
    {
      entity: entity('ledger', { 'backstage.io/kubernetes-id': 'ledger' }),
      owner: 'group:default/team-ledger',
    },
    {
      entity: entity('batch', {
        'backstage.io/kubernetes-label-selector': 'app=batch,tier!=web',
        'backstage.io/kubernetes-namespace': 'legacy',
      }),
      owner: 'group:default/team-batch',
    },
    {
      entity: entity('payments', {
        'backstage.io/kubernetes-id': 'payments',
        'backstage.io/kubernetes-cluster': 'eu',
      }),
    },
    // A selector that cannot be parsed claims nothing, and breaks nothing.
    entity('broken', { 'backstage.io/kubernetes-label-selector': 'a in (' }),
  ].map(e => ('entity' in e ? e : { entity: e })),
);

describe('EntityReverseIndex', () => {
  it('finds the entity by the kubernetes-id label, with its owner', () => {
    expect(
      index.claimants('demo', 'legacy', [
        { 'backstage.io/kubernetes-id': 'ledger', app: 'ledger' },
      ]),
    ).toEqual([
      {
        entityRef: 'component:default/ledger',
        owner: 'group:default/team-ledger',
      },
    ]);
  });

  it('checks the whole label selector, on the pod template or the controller labels', () => {
    expect(
      index
        .claimants('demo', 'legacy', [{ app: 'batch', tier: 'web' }, {}])
        .map(e => e.entityRef),
    ).toEqual([]);
    expect(
      index
        .claimants('demo', 'legacy', [{ tier: 'web' }, { app: 'batch' }])
        .map(e => e.entityRef),
    ).toEqual(['component:default/batch']);
  });

  it('honours the namespace and cluster annotations', () => {
    expect(index.claimants('demo', 'shop', [{ app: 'batch' }])).toEqual([]);
    const payments = [{ 'backstage.io/kubernetes-id': 'payments' }];
    expect(index.claimants('us', 'pay', payments)).toEqual([]);
    expect(index.claimants('eu', 'pay', payments)).toEqual([
      { entityRef: 'component:default/payments', owner: undefined },
    ]);
  });

  it('leaves a workload no entity selects unclaimed', () => {
    expect(index.claimants('demo', 'legacy', [{ app: 'cron' }])).toEqual([]);
  });
});
