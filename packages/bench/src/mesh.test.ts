import { generateMesh, podsOf } from './mesh';

describe('generateMesh', () => {
  it('gives the same mesh for the same seed and another for another seed', () => {
    expect(JSON.stringify(generateMesh(500, 3))).toBe(
      JSON.stringify(generateMesh(500, 3)),
    );
    expect(JSON.stringify(generateMesh(500, 4))).not.toBe(
      JSON.stringify(generateMesh(500, 3)),
    );
  });

  it('scales services, Istio objects and entities with the pods', () => {
    // Application namespaces only: istio-system is there once at any size.
    const count = (mesh: ReturnType<typeof generateMesh>, kind: string) =>
      mesh.objects.filter(
        o => o.kind === kind && o.metadata.namespace?.startsWith('team-'),
      ).length;
    const small = generateMesh(1000);
    const large = generateMesh(10_000);
    expect(podsOf(small)).toHaveLength(1000);
    expect(podsOf(large)).toHaveLength(10_000);
    expect(count(small, 'Service')).toBe(100);
    expect(count(large, 'Service')).toBe(1000);
    expect(large.entities).toHaveLength(1000);
    for (const kind of ['VirtualService', 'PeerAuthentication']) {
      const ratio = count(large, kind) / count(small, kind);
      expect({ kind, ratio: Math.round(ratio) }).toEqual({ kind, ratio: 10 });
    }
  });

  it('labels every pod with the kubernetes-id of exactly one catalog entity', () => {
    const mesh = generateMesh(300);
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
