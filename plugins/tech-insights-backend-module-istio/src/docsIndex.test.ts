import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const DOCS = resolve(__dirname, '../../../docs');

describe('docs/README.md', () => {
  const index = readFileSync(resolve(DOCS, 'README.md'), 'utf8');

  it('links every page of docs/', () => {
    const pages = readdirSync(DOCS).filter(
      f => f.endsWith('.md') && f !== 'README.md',
    );
    expect(pages.filter(p => !index.includes(`](${p})`))).toEqual([]);
  });

  it('links only pages that exist', () => {
    const links = [...index.matchAll(/\]\(([\w-]+\.md)(#[\w-]*)?\)/g)].map(
      m => m[1],
    );
    expect(links.length).toBeGreaterThan(0);
    const pages = new Set(readdirSync(DOCS));
    expect(links.filter(l => !pages.has(l))).toEqual([]);
  });
});
