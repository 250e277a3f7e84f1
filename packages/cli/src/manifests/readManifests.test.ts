import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_FILE_BYTES, readManifests } from './readManifests';

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
