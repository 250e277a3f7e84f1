import fs from 'node:fs';
import path from 'node:path';
import { isSeq, LineCounter, parseAllDocuments, YAMLMap } from 'yaml';
import { MAX_ALIAS_COUNT } from './manifestLimits';
import { ManifestError } from './ManifestError';
import { parseManifestText } from './parseManifestText';

describe('parseManifestText', () => {
  it('reads multi-document YAML with the line of each document', () => {
    const text = [
      '%YAML 1.2',
      '---',
      '# a comment before the content',
      'kind: Service',
      'metadata: {name: web, namespace: shop}',
      '...',
      '--- # an empty document',
      '---',
      '',
      'kind: Pod',
      'metadata:',
      '  name: web-1',
    ].join('\n');
    const result = parseManifestText(text, 'app.yaml');
    expect(result.objects.map(o => o.kind)).toEqual(['Service', 'Pod']);
    expect(result.origins).toEqual([
      { file: 'app.yaml', line: 4 },
      { file: 'app.yaml', line: 10 },
    ]);
  });

  it('reads a JSON object and a JSON List with the line of each item', () => {
    expect(
      parseManifestText(
        '\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}',
        'one.json',
      ).origins,
    ).toEqual([{ file: 'one.json', line: 2 }]);
    const list = JSON.stringify(
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
    );
    const result = parseManifestText(list, 'list.json');
    expect(result.objects.map(o => o.metadata?.name)).toEqual(['p1', 'p2']);
    expect(result.origins.map(o => o.line)).toEqual([8, 15]);
  });

  it('expands kubectl get -o yaml output (kind: List) with item lines', () => {
    const text = [
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
    ].join('\n');
    const result = parseManifestText(text, 'dump.yaml');
    expect(result.objects.map(o => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Pod/a',
      'Service/b',
    ]);
    expect(result.origins.map(o => o.line)).toEqual([4, 7]);
  });

  it('gives indented and flow list items their own lines', () => {
    expect(
      parseManifestText(
        'kind: List\nitems:\n  - kind: Pod\n  -\n    kind: Service\n',
        'indented.yaml',
      ).origins.map(o => o.line),
    ).toEqual([3, 5]);
    expect(
      parseManifestText(
        'kind: List\nitems: [{kind: Pod},\n  {kind: Service}]\n',
        'flow.yaml',
      ).origins.map(o => o.line),
    ).toEqual([2, 3]);
  });

  it('fills in kind and apiVersion for items of typed lists (PodList)', () => {
    const text =
      'apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n';
    expect(parseManifestText(text, 'pods.yaml').objects).toEqual([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } },
    ]);
  });

  it('reads a YAML flow mapping that is not JSON', () => {
    const result = parseManifestText(
      "{kind: Pod, metadata: {name: 'a'}}",
      'x.yaml',
    );
    expect(result.objects).toEqual([{ kind: 'Pod', metadata: { name: 'a' } }]);
  });

  it('keeps timestamps as strings and "<<" as an ordinary key, as Kubernetes does', () => {
    const [object] = parseManifestText(
      'kind: Pod\nmetadata:\n  creationTimestamp: 2026-01-01T00:00:00Z\n  labels: {<<: x, on: yes}\n',
      'x.yaml',
    ).objects;
    expect(object.metadata).toEqual({
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { '<<': 'x', on: 'yes' },
    });
  });

  it('reads documents that use a few aliases', () => {
    const [object] = parseManifestText(
      'kind: Pod\nlabels: &l {app: web}\nspec:\n  a: *l\n  b: [*l, *l]\n',
      'x.yaml',
    ).objects;
    expect(object.spec).toEqual({
      a: { app: 'web' },
      b: [{ app: 'web' }, { app: 'web' }],
    });
  });

  it('accepts an empty text', () => {
    expect(parseManifestText('# nothing here\n', 'empty.yaml')).toEqual({
      objects: [],
      origins: [],
    });
  });

  it('reads every example manifest exactly as the yaml package does', () => {
    // The `yaml` package is the reference: same values, same lines.
    const root = path.resolve(__dirname, '../../../../examples');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.yaml')) files.push(full);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const counter = new LineCounter();
      const lineOf = (node: unknown) =>
        counter.linePos((node as { range: [number] }).range[0]).line;
      const expected = parseAllDocuments(text, { lineCounter: counter })
        .filter(d => d.contents !== null)
        .flatMap(d => {
          const value = d.toJS();
          if (value.kind !== 'List') {
            return [{ object: value, line: lineOf(d.contents) }];
          }
          const items = (d.contents as YAMLMap).get('items', true);
          if (!isSeq(items)) throw new Error(`${file}: a List without items`);
          return value.items.map((object: unknown, i: number) => ({
            object,
            line: lineOf(items.items[i]),
          }));
        });
      const result = parseManifestText(text, file);
      expect(
        result.objects.map((object, i) => ({
          object,
          line: result.origins[i].line,
        })),
      ).toEqual(expected);
    }
  });

  describe('bad input: one line naming the file and line', () => {
    const errorFor = (name: string, text: string) => {
      let thrown: unknown;
      try {
        parseManifestText(text, name);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ManifestError);
      const message = (thrown as ManifestError).message;
      expect(message).not.toContain('\n');
      return message;
    };

    it('reports YAML syntax errors with the line', () => {
      expect(errorFor('tab.yaml', 'kind: Pod\nmetadata:\n\tname: a\n')).toMatch(
        /^tab\.yaml:3: Tabs are not allowed/,
      );
      expect(errorFor('dup.yaml', 'kind: Pod\nkind: Service\n')).toBe(
        'dup.yaml:2: Map keys must be unique',
      );
    });

    it('reports text that is not YAML', () => {
      expect(
        errorFor('notes.yaml', 'Dear reader: this: is not yaml\n'),
      ).toMatch(/^notes\.yaml:1: /);
    });

    it('reports a document that is not an object', () => {
      expect(errorFor('scalar.yaml', 'kind: Pod\n---\njust words\n')).toBe(
        'scalar.yaml:3: expected a Kubernetes object, found a string',
      );
      expect(errorFor('seq.yaml', '- a\n- b\n')).toBe(
        'seq.yaml:1: expected a Kubernetes object, found a list',
      );
      expect(
        errorFor('items.yaml', 'kind: List\nitems:\n- kind: Pod\n- 3\n'),
      ).toBe(
        'items.yaml:4: expected a Kubernetes object in items, found a number',
      );
    });

    it('reports a broken JSON file with the line of the error', () => {
      expect(
        errorFor('bad.json', '{\n  "kind": "Pod",\n  "metadata": {\n}'),
      ).toMatch(/^bad\.json:\d+: /);
    });

    it('stops alias bombs while parsing, at the alias that crosses the limit', () => {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 10; i++) {
        const prev = String.fromCharCode(96 + i);
        const name = String.fromCharCode(97 + i);
        lines.push(
          `${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`,
        );
      }
      const started = Date.now();
      expect(errorFor('bomb.yaml', `kind: Pod\n${lines.join('\n')}`)).toBe(
        `bomb.yaml:4: aliases expand to too many nodes (limit ${MAX_ALIAS_COUNT})`,
      );
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('counts aliases inside aliased collections as often as they repeat', () => {
      // Three levels write 6 aliases that stand for 2 + 6 + 14 = 22 in the
      // expanded document; 25 levels would stand for 2^25 with 50 written.
      const text = (levels: number) => {
        const out = ['kind: Pod', 'l0: &l0 {x: 1}'];
        for (let i = 1; i <= levels; i++) {
          out.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
        }
        return out.join('\n');
      };
      expect(parseManifestText(text(3), 'ok.yaml').objects).toHaveLength(1);
      expect(errorFor('doubling.yaml', text(25))).toMatch(
        /^doubling\.yaml:6: aliases expand to too many nodes/,
      );
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
        `kind: Pod\nspec: ${'{a: '.repeat(99)}{}${'}'.repeat(99)}`,
      ],
    ])('refuses deeply nested %s', (_name, text) => {
      const started = Date.now();
      expect(errorFor('deep.yaml', text)).toMatch(
        /^deep\.yaml:\d+: nested deeper than 100 levels$/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('accepts objects right at the depth limit', () => {
      const text = `kind: Pod\nspec: ${'{a: '.repeat(98)}{}${'}'.repeat(98)}`;
      expect(parseManifestText(text, 'x.yaml').objects).toHaveLength(1);
    });

    it('refuses aliases that make an object too deep', () => {
      const deep = `${'{a: '.repeat(60)}1${'}'.repeat(60)}`;
      expect(
        errorFor(
          'deep.yaml',
          `kind: Pod\nx: &d ${deep}\ny: ${'{b: '.repeat(45)}*d${'}'.repeat(
            45,
          )}\n`,
        ),
      ).toBe('deep.yaml:1: nested deeper than 100 levels');
    });

    it('refuses deeply nested JSON', () => {
      const text = `{"kind":"Pod","spec":${'{"a":'.repeat(100000)}1${'}'.repeat(
        100000,
      )}}`;
      expect(errorFor('deep.json', text)).toBe(
        'deep.json:1: nested deeper than 100 levels',
      );
    });
  });
});
