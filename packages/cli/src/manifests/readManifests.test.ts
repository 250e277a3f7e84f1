import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MAX_FILE_BYTES,
  parseManifestText,
  readManifests,
} from './readManifests';

describe('readManifests', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshportal-read-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };
  const read = (inputs: string[], stdin?: string) =>
    readManifests(inputs, {
      cwd: dir,
      stdin:
        stdin === undefined
          ? undefined
          : async function* input() {
              yield Buffer.from(stdin);
            },
    });

  it('reads multi-document YAML with the line of each document', async () => {
    write(
      'app.yaml',
      [
        '# leading comment',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: web, namespace: shop}',
        '---',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: web-1',
      ].join('\n'),
    );
    const result = await read(['app.yaml']);
    expect(result.errors).toEqual([]);
    expect(result.objects.map(o => o.kind)).toEqual(['Service', 'Pod']);
    expect(result.origins).toEqual([
      { file: 'app.yaml', line: 2 },
      { file: 'app.yaml', line: 7 },
    ]);
  });

  it('reads a JSON object and a JSON List with the line of each item', async () => {
    write(
      'one.json',
      '\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}',
    );
    write(
      'list.json',
      JSON.stringify(
        {
          apiVersion: 'v1',
          kind: 'List',
          metadata: { note: 'a [ "tricky" { string' },
          items: [
            { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' } },
            { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2' } },
          ],
        },
        null,
        2,
      ),
    );
    const result = await read(['one.json', 'list.json']);
    expect(result.errors).toEqual([]);
    expect(result.objects.map(o => o.metadata?.name)).toEqual([
      'a',
      'p1',
      'p2',
    ]);
    expect(result.origins).toEqual([
      { file: 'one.json', line: 2 },
      { file: 'list.json', line: 8 },
      { file: 'list.json', line: 15 },
    ]);
  });

  it('expands kubectl get -o yaml output (kind: List) with item lines', async () => {
    write(
      'dump.yaml',
      [
        'apiVersion: v1',
        'kind: List',
        'items:',
        '- apiVersion: v1',
        '  kind: Pod',
        '  metadata: {name: a, namespace: x}',
        '- apiVersion: v1',
        '  kind: Service',
        '  metadata: {name: b, namespace: x}',
        'metadata:',
        '  resourceVersion: ""',
      ].join('\n'),
    );
    const result = await read(['dump.yaml']);
    expect(result.objects.map(o => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Pod/a',
      'Service/b',
    ]);
    expect(result.origins.map(o => o.line)).toEqual([4, 7]);
  });

  it('fills in kind and apiVersion for items of typed lists (PodList)', async () => {
    write(
      'pods.yaml',
      'apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n',
    );
    const result = await read(['pods.yaml']);
    expect(result.objects).toEqual([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } },
    ]);
  });

  it('walks directories for .yaml, .yml and .json, skipping hidden ones', async () => {
    const doc = (name: string) =>
      `kind: ConfigMap\nmetadata: {name: ${name}}\n`;
    write('b/two.yml', doc('two'));
    write('a/one.yaml', doc('one'));
    write(
      'a/deeper/three.JSON',
      `{"kind":"ConfigMap","metadata":{"name":"three"}}`,
    );
    write('a/readme.md', doc('ignored'));
    write('.git/config.yaml', doc('hidden'));
    const result = await read(['.']);
    expect(result.errors).toEqual([]);
    expect(result.objects.map(o => o.metadata?.name)).toEqual([
      'three',
      'one',
      'two',
    ]);
    expect(result.origins[0].file).toBe('a/deeper/three.JSON');
  });

  it('reads a named file whatever its extension, once', async () => {
    const file = write('manifest.txt', 'kind: Pod\nmetadata: {name: a}\n');
    const result = await read(['manifest.txt', file]);
    expect(result.objects).toHaveLength(1);
  });

  it('reads standard input for "-"', async () => {
    const result = await read(['-'], 'kind: Pod\nmetadata: {name: a}\n');
    expect(result.errors).toEqual([]);
    expect(result.origins).toEqual([{ file: '<stdin>', line: 1 }]);
  });

  it('accepts an empty file', async () => {
    write('empty.yaml', '# nothing here\n');
    expect(await read(['empty.yaml'])).toEqual({
      objects: [],
      origins: [],
      errors: [],
    });
  });

  describe('bad input: one line naming the file', () => {
    const errorFor = async (name: string, content: string | Buffer) => {
      write(name, content);
      const result = await read([name]);
      expect(result.objects).toEqual([]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).not.toContain('\n');
      return result.errors[0];
    };

    it('reports YAML syntax errors with the line', async () => {
      expect(
        await errorFor('tab.yaml', 'kind: Pod\nmetadata:\n\tname: a\n'),
      ).toMatch(/^tab\.yaml:3: Tabs are not allowed/);
    });

    it('reports text that is not YAML', async () => {
      expect(
        await errorFor('notes.yaml', 'Dear reader: this: is not yaml\n'),
      ).toMatch(/^notes\.yaml:1: /);
    });

    it('reports a document that is not an object', async () => {
      expect(
        await errorFor('scalar.yaml', 'kind: Pod\n---\njust words\n'),
      ).toBe('scalar.yaml:3: expected a Kubernetes object, found a string');
      expect(await errorFor('seq.yaml', '- a\n- b\n')).toBe(
        'seq.yaml:1: expected a Kubernetes object, found a list',
      );
    });

    it('reports a broken JSON file with the line of the error', async () => {
      expect(
        await errorFor('bad.json', '{\n  "kind": "Pod",\n  "metadata": {\n}'),
      ).toMatch(/^bad\.json:\d+: /);
    });

    it('stops alias bombs', async () => {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 10; i++) {
        const prev = String.fromCharCode(96 + i);
        const name = String.fromCharCode(97 + i);
        lines.push(
          `${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`,
        );
      }
      const started = Date.now();
      expect(
        await errorFor('bomb.yaml', `kind: Pod\n${lines.join('\n')}`),
      ).toMatch(/^bomb\.yaml:1: aliases expand to too many nodes/);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it.each([
      ['flow sequences', `${'['.repeat(20000)}${']'.repeat(20000)}`],
      ['flow mappings', `${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`],
      [
        'block mappings',
        Array.from({ length: 1500 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
      ],
      [
        'objects just past the depth limit',
        `kind: Pod\nspec: ${'{a: '.repeat(120)}1${'}'.repeat(120)}`,
      ],
    ])('refuses deeply nested %s', async (_name, text) => {
      const started = Date.now();
      expect(await errorFor('deep.yaml', text)).toMatch(
        /^deep\.yaml:\d+: (nested|Maximum call stack)/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('refuses deeply nested JSON', async () => {
      const text = `{"kind":"Pod","spec":${'{"a":'.repeat(100000)}1${'}'.repeat(
        100000,
      )}}`;
      expect(await errorFor('deep.json', text)).toBe(
        'deep.json:1: nested deeper than 100 levels',
      );
    });

    it('refuses a 50 MB file quickly, without parsing it', async () => {
      const file = path.join(dir, 'huge.yaml');
      const chunk = Buffer.alloc(1024 * 1024, 'a: b\n');
      const fd = fs.openSync(file, 'w');
      for (let i = 0; i < 50; i++) fs.writeSync(fd, chunk);
      fs.closeSync(fd);
      const started = Date.now();
      const result = await read(['huge.yaml']);
      expect(Date.now() - started).toBeLessThan(500);
      expect(result.errors).toEqual([
        `huge.yaml: 50 MB, more than the ${
          MAX_FILE_BYTES / 1024 / 1024
        } MB limit; split it into smaller files`,
      ]);
    });

    it('refuses oversized standard input', async () => {
      const result = await readManifests(['-'], {
        cwd: dir,
        maxFileBytes: 1000,
        async *stdin() {
          for (let i = 0; i < 100; i++) yield Buffer.alloc(100, 'a');
        },
      });
      expect(result.errors).toEqual([
        '<stdin>: more than the 1000 bytes limit; split it into smaller files',
      ]);
    });

    it('refuses binary files', async () => {
      expect(
        await errorFor(
          'image.yaml',
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]),
        ),
      ).toBe('image.yaml: not a text file (contains NUL bytes)');
      expect(
        await errorFor('latin1.yaml', Buffer.from([0x6b, 0x3a, 0xe9, 0x0a])),
      ).toBe('latin1.yaml: not a UTF-8 text file');
    });

    it('reports missing paths and keeps reading the others', async () => {
      write('ok.yaml', 'kind: Pod\nmetadata: {name: a}\n');
      const result = await read(['missing.yaml', 'ok.yaml']);
      expect(result.errors).toEqual([
        'missing.yaml: no such file or directory',
      ]);
      expect(result.objects).toHaveLength(1);
    });
  });
});

describe('parseManifestText', () => {
  it('reads a YAML flow mapping that is not JSON', () => {
    const result = parseManifestText(
      "{kind: Pod, metadata: {name: 'a'}}",
      'x.yaml',
    );
    expect(result.objects).toEqual([{ kind: 'Pod', metadata: { name: 'a' } }]);
  });
});
