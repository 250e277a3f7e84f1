import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { ISTIO_MESH_CHECKS } from './meshChecks';
import { ISTIO_MESH_FACTS_SCHEMA } from './meshFacts';

/** The `techInsights` block of the first YAML snippet that has one. */
function techInsightsSnippet(file: string) {
  const text = readFileSync(resolve(__dirname, file), 'utf8');
  for (const [, body] of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const parsed = parse(body);
    if (parsed?.techInsights?.factChecker) return parsed.techInsights;
  }
  throw new Error(`${file} has no techInsights.factChecker snippet`);
}

describe('ISTIO_MESH_CHECKS', () => {
  it.each(['../../../docs/tech-insights.md', '../README.md'])(
    'is the snippet of %s',
    file => {
      const snippet = techInsightsSnippet(file);
      expect(snippet.factChecker.checks).toEqual(ISTIO_MESH_CHECKS);
      expect(snippet.factRetrievers['istio-mesh-facts'].cadence).toEqual(
        expect.any(String),
      );
    },
  );

  it('only uses facts the retriever stores', () => {
    for (const check of Object.values(ISTIO_MESH_CHECKS)) {
      for (const condition of check.rule.conditions.all) {
        expect(Object.keys(ISTIO_MESH_FACTS_SCHEMA)).toContain(condition.fact);
      }
    }
  });
});
