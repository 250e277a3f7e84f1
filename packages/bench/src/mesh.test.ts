import { ISSUE_4_SIZE, generateMesh, podsOf, sideBySideSize } from './mesh';

describe('generateMesh', () => {
  it('gives the same mesh for the same seed and another for another seed', () => {
    const size = sideBySideSize(500);
    expect(JSON.stringify(generateMesh(size, 3))).toBe(
      JSON.stringify(generateMesh(size, 3)),
    );
    expect(JSON.stringify(generateMesh(size, 4))).not.toBe(
      JSON.stringify(generateMesh(size, 3)),
    );
  });

  it('scales services, Istio objects and entities with the pods', () => {
    const count = (mesh: ReturnType<typeof generateMesh>, kind: string) =>
      mesh.objects.filter(o => o.kind === kind).length;
    const small = generateMesh(sideBySideSize(1000));
    const large = generateMesh(sideBySideSize(10_000));
    expect(podsOf(small)).toHaveLength(1000);
    expect(podsOf(large)).toHaveLength(10_000);
    expect(count(small, 'Service')).toBe(100);
    expect(count(large, 'Service')).toBe(1000);
    expect(large.entities).toHaveLength(1000);
    // One PeerAuthentication per namespace of 25 applications.
    expect(count(small, 'PeerAuthentication')).toBe(4);
    expect(count(large, 'PeerAuthentication')).toBe(40);
    // Each routing kind goes to about 40% of the applications.
    for (const kind of ['DestinationRule', 'VirtualService']) {
      const share = count(large, kind) / large.entities.length;
      expect({ kind, share: Math.round(share * 10) / 10 }).toEqual({
        kind,
        share: 0.4,
      });
    }
  });

  it('builds the sizes asked for, Istio objects give or take the draw', () => {
    const size = {
      pods: ISSUE_4_SIZE.pods / 10,
      services: ISSUE_4_SIZE.services / 10,
      istioObjects: ISSUE_4_SIZE.istioObjects / 10,
      entities: ISSUE_4_SIZE.entities / 10,
    };
    const { counts } = generateMesh(size);
    const istio = [
      'PeerAuthentication',
      'DestinationRule',
      'VirtualService',
      'AuthorizationPolicy',
    ].reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
    expect(counts.Pod).toBe(size.pods);
    expect(counts.Service).toBe(size.services);
    expect(counts['catalog entities']).toBe(size.entities);
    expect(Math.abs(istio - size.istioObjects)).toBeLessThan(
      size.istioObjects * 0.1,
    );
  });

  it('only counts the objects when asked not to keep them', () => {
    const size = sideBySideSize(1000);
    const kept = generateMesh(size, 7);
    const counted = generateMesh(size, 7, { keepObjects: false });
    expect(counted.objects).toHaveLength(0);
    expect(counted.counts).toEqual(kept.counts);
    expect(counted.entities).toEqual(kept.entities);
  });

  it('labels every pod with the kubernetes-id of exactly one catalog entity', () => {
    const mesh = generateMesh(sideBySideSize(300));
    const ids = new Set(
      mesh.entities.map(
        e => e.metadata.annotations!['backstage.io/kubernetes-id'],
      ),
    );
    for (const pod of podsOf(mesh)) {
      expect(ids.has(pod.metadata.labels['backstage.io/kubernetes-id'])).toBe(
        true,
      );
    }
  });
});
