import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const DOC = join(ROOT, 'docs/configuration.md');

/** The config.d.ts of every plugin and package of the repository. */
function schemaFiles(): string[] {
  return ['plugins', 'packages'].flatMap(dir =>
    readdirSync(join(ROOT, dir))
      .map(name => join(ROOT, dir, name, 'config.d.ts'))
      .filter(existsSync),
  );
}

/**
 * Every key path of a config.d.ts, e.g. `istio.clusters[].name`: a small
 * scan of `key?: {`, `key: Array<{`, `key: type;` and braces, enough for
 * the plain interfaces Backstage config schemas are.
 */
function configKeys(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const stack: Array<string | null> = [];
  const keys: string[] = [];
  const token = /(\w+)\??\s*:\s*(Array<\s*\{|\{)?|\{|\}/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    if (m[0] === '}') {
      stack.pop();
      continue;
    }
    if (m[0] === '{') {
      stack.push(null);
      continue;
    }
    const parent = stack.filter((s): s is string => s !== null).join('.');
    const path = parent ? `${parent}.${m[1]}` : m[1];
    keys.push(path);
    if (m[2]) stack.push(m[2].startsWith('Array') ? `${m[1]}[]` : m[1]);
  }
  return keys;
}

describe('docs/configuration.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  const files = schemaFiles();
  const keys = [
    ...new Set(files.flatMap(f => configKeys(readFileSync(f, 'utf8')))),
  ];

  it('finds the schema files', () => {
    expect(files.map(f => f.slice(ROOT.length + 1))).toContain(
      'plugins/istio-backend/config.d.ts',
    );
    expect(keys).toContain('istio.clusters[].grafanaDashboards.service');
  });

  it('documents every key of every config.d.ts', () => {
    const missing = keys.filter(k => !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  it('documents no key the schemas do not have', () => {
    const roots = new Set(keys.map(k => k.split(/[.[]/)[0]));
    const documented = [
      ...doc.matchAll(/`([\w-]+(?:\[\])?(?:\.[\w-]+(?:\[\])?)*)`/g),
    ]
      .map(m => m[1])
      .filter(k => roots.has(k.split(/[.[]/)[0]) && /[.[]/.test(k));
    const unknown = documented.filter(k => !keys.includes(k));
    expect(unknown).toEqual([]);
  });
});
