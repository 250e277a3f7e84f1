import { mockServices } from '@backstage/backend-test-utils';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotFileSource, parseManifests } from './SnapshotFileSource';

const logger = mockServices.logger.mock();

describe('parseManifests', () => {
  it('reads multi-document YAML with lines, expands lists and drops Secrets', () => {
    const text = [
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: shop}',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - {apiVersion: v1, kind: Service, metadata: {name: a, namespace: shop}}',
      '  - {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: shop}}',
      '---',
      '# only a comment',
    ].join('\n');
    const objects = parseManifests(text, 'dump.yaml');
    expect(
      objects.map(o => [o.object.kind, o.object.metadata?.name, o.origin]),
    ).toEqual([
      ['Namespace', 'shop', { file: 'dump.yaml', line: 1 }],
      ['Service', 'a', { file: 'dump.yaml', line: 8 }],
    ]);
  });

  it('refuses a broken file whole, with the line, as the CLI does', () => {
    expect(() =>
      parseManifests(
        'kind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n',
        'bad.yaml',
      ),
    ).toThrow(/^bad\.yaml:\d+: /);
  });
});

describe('SnapshotFileSource', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'istio-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a directory and reloads, debounced, when a file changes', async () => {
    const file = join(dir, 'mesh.yaml');
    await writeFile(
      file,
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
    );
    const source = new SnapshotFileSource('demo', [dir], logger, 50);
    const changes = jest.fn();
    source.subscribe(changes);
    await source.start();
    try {
      expect(source.objects().map(o => o.object.metadata?.name)).toEqual(['a']);
      expect(source.status()).toMatchObject({
        cluster: 'demo',
        source: 'files',
        ready: true,
        degraded: false,
        kinds: [{ kind: 'Namespace', state: 'synced', count: 1 }],
      });

      await writeFile(
        file,
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n',
      );
      await waitFor(() => source.objects().length === 2);
      expect(source.objects().map(o => o.object.metadata?.name)).toEqual([
        'a',
        'b',
      ]);
      expect(changes.mock.calls.length).toBeGreaterThanOrEqual(2);
    } finally {
      await source.stop();
    }
  });

  it('keeps the readable files and reports the others, one line each', async () => {
    await writeFile(
      join(dir, 'a.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
    );
    await writeFile(join(dir, 'b.yaml'), 'kind: Pod\nmetadata:\n\tname: x\n');
    await writeFile(join(dir, 'c.json'), Buffer.from([0x7b, 0, 0x7d]));
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const [prev, name] = [96 + i, 97 + i].map(c => String.fromCharCode(c));
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    await writeFile(join(dir, 'd.yaml'), `kind: Pod\n${lines.join('\n')}`);
    const source = new SnapshotFileSource('demo', [dir], logger);
    await source.reload();
    expect(source.objects().map(o => o.object.metadata?.name)).toEqual(['a']);
    expect(source.status()).toMatchObject({ ready: true, degraded: true });
    expect(source.status().kinds.find(k => k.kind === '*')?.message).toBe(
      [
        `${join(dir, 'b.yaml')}:3: Tabs are not allowed as indentation`,
        `${join(dir, 'c.json')}: not a text file (contains NUL bytes)`,
        `${join(dir, 'd.yaml')}:4: aliases expand to too many nodes (limit 50)`,
      ].join('; '),
    );
  });

  it('marks the source degraded when a path cannot be read', async () => {
    const source = new SnapshotFileSource(
      'demo',
      [join(dir, 'missing')],
      logger,
    );
    await source.reload();
    expect(source.status().degraded).toBe(true);
    expect(source.status().kinds[0]).toMatchObject({
      kind: '*',
      state: 'error',
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 20));
  }
}
