import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifests, readManifests } from './load';

describe('manifest loading', () => {
  it('reads documents and kubectl Lists into objects', () => {
    const objects = parseManifests(
      'kind: Namespace\nmetadata: {name: a}\n---\nkind: List\nitems:\n- {kind: Pod, metadata: {name: p}}\n',
    );
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/a',
      'Pod/p',
    ]);
  });

  it('refuses bad files with the same one-line errors as the CLI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-load-'));
    try {
      const tab = join(dir, 'tab.yaml');
      writeFileSync(tab, 'kind: Pod\nmetadata:\n\tname: a\n');
      expect(() => readManifests(tab)).toThrow(
        `${tab}:3: Tabs are not allowed as indentation`,
      );
      const deep = join(dir, 'deep.yaml');
      writeFileSync(
        deep,
        `kind: Pod\nspec: ${'['.repeat(500)}${']'.repeat(500)}`,
      );
      expect(() => readManifests(deep)).toThrow(
        `${deep}:2: nested deeper than 100 levels`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
