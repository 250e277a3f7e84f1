import { applyPatch } from './patch';
import { StatusError } from './status';

const JSON_PATCH = 'application/json-patch+json';

describe('applyPatch', () => {
  const target = {
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    spec: { hosts: ['a', 'b'] },
  };

  it('merges objects, deletes nulls and replaces lists (merge patch)', () => {
    const out = applyPatch(target, 'application/merge-patch+json', {
      metadata: { labels: { tier: null, team: 'x' } },
      spec: { hosts: ['c'] },
    });
    expect(out).toEqual({
      metadata: { name: 'web', labels: { app: 'web', team: 'x' } },
      spec: { hosts: ['c'] },
    });
    expect(target.metadata.labels.tier).toBe('front');
  });

  it('applies JSON patch operations in order', () => {
    const out = applyPatch(target, JSON_PATCH, [
      { op: 'add', path: '/spec/hosts/-', value: 'z' },
      { op: 'remove', path: '/spec/hosts/0' },
      {
        op: 'move',
        from: '/metadata/labels/tier',
        path: '/metadata/labels/layer',
      },
      { op: 'copy', from: '/metadata/name', path: '/spec/owner' },
      { op: 'replace', path: '/metadata/labels/app', value: 'api' },
    ]);
    expect(out).toEqual({
      metadata: { name: 'web', labels: { app: 'api', layer: 'front' } },
      spec: { hosts: ['b', 'z'], owner: 'web' },
    });
  });

  it('rejects a failed test, a missing path and unknown media types', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as StatusError).code;
      }
      return 200;
    };
    expect(
      code(() =>
        applyPatch(target, JSON_PATCH, [
          { op: 'test', path: '/metadata/name', value: 'db' },
        ]),
      ),
    ).toBe(422);
    expect(
      code(() =>
        applyPatch(target, JSON_PATCH, [
          { op: 'replace', path: '/metadata/labels/none', value: 'v' },
        ]),
      ),
    ).toBe(422);
    expect(code(() => applyPatch(target, 'text/plain', {}))).toBe(415);
  });
});
