/**
 * Keeps docs/traffic-patterns.md honest: each "input" block, run through the
 * generators, must give the "output" block that follows it, and the output
 * must pass the engine. Run with UPDATE_TRAFFIC_DOCS=1 to rewrite the outputs.
 */
import fs from 'fs';
import path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { checkGeneratedObjects } from './checkGeneratedObjects';
import { generateNamespaceOnboarding } from './namespaceOnboarding';
import { generateTrafficPattern } from './trafficPattern';

const DOC = path.resolve(__dirname, '../../../../docs/traffic-patterns.md');
const PAIR =
  /```yaml input( onboarding)?\n([\s\S]*?)```\n\nGenerates:\n\n```yaml output\n([\s\S]*?)```/g;

function render(objects: unknown[]): string {
  return objects.map(o => stringify(o, { lineWidth: 0 })).join('---\n');
}

function examples(text: string) {
  return [...text.matchAll(PAIR)].map(m => {
    const input = parse(m[2]);
    const result = m[1]
      ? generateNamespaceOnboarding(input)
      : generateTrafficPattern(input);
    const heading =
      [...text.slice(0, m.index).matchAll(/^## (.+)$/gm)].pop()?.[1] ?? '';
    return {
      heading,
      match: m,
      input,
      result,
      documented: parseAllDocuments(m[3]).map((d: any) => d.toJS()),
    };
  });
}

describe('docs/traffic-patterns.md', () => {
  const text = fs.readFileSync(DOC, 'utf8');

  if (process.env.UPDATE_TRAFFIC_DOCS) {
    it('rewrites the generated blocks', () => {
      let updated = text;
      for (const { match, result } of examples(text).reverse()) {
        const block = match[0].replace(
          /```yaml output\n[\s\S]*?```$/,
          `\`\`\`yaml output\n${render(result.objects)}\`\`\``,
        );
        updated =
          updated.slice(0, match.index!) +
          block +
          updated.slice(match.index! + match[0].length);
      }
      fs.writeFileSync(DOC, updated);
      expect(updated).toContain('kind: VirtualService');
    });
    return;
  }

  const found = examples(text);

  it('documents every pattern', () => {
    const types = found
      .filter(e => e.input.pattern)
      .map(e => e.input.pattern.type);
    expect(new Set(types)).toEqual(
      new Set([
        'canary',
        'blue-green',
        'header-routing',
        'mirror',
        'tcp-shift',
      ]),
    );
    expect(found.some(e => e.input.exposure)).toBe(true);
    expect(found.some(e => e.input.resilience?.faultInjection)).toBe(true);
    expect(found.some(e => e.input.resilience?.circuitBreaker)).toBe(true);
    expect(found.some(e => e.input.stage)).toBe(true);
  });

  it.each(found.map(e => [e.heading, e]))(
    'shows what the generator writes in "%s"',
    (_label, example: any) => {
      expect(example.result.problems).toEqual([]);
      expect(example.documented).toEqual(example.result.objects);
      const objects = example.result.objects.filter(
        (o: any) => o.kind !== 'Namespace',
      );
      expect(checkGeneratedObjects(objects).blocking).toEqual([]);
    },
  );
});
