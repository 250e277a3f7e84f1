import { FINDING_CATALOGUE } from '@meshportal/plugin-istio-common';
import { sampleReport } from '../testing/sampleReport';
import { SARIF_LEVEL, renderSarif } from './sarif';

describe('renderSarif', () => {
  const sarif = JSON.parse(renderSarif(sampleReport(), '1.2.3'));
  const run = sarif.runs[0];

  it('is a SARIF 2.1.0 log with one run by meshportal', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0\.json$/);
    expect(sarif.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({
      name: 'meshportal',
      version: '1.2.3',
    });
  });

  it('has one rule per catalogue code, with its level, help and every analyzer', () => {
    const rules = run.tool.driver.rules;
    const ids = rules.map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const definition of FINDING_CATALOGUE) {
      const rule = rules.find((r: { id: string }) => r.id === definition.code);
      expect(rule).toMatchObject({
        name: definition.name,
        shortDescription: { text: definition.description },
        defaultConfiguration: { level: SARIF_LEVEL[definition.severity] },
        helpUri: expect.stringMatching(
          new RegExp(
            `/docs/troubleshooting\\.md#${definition.code.toLowerCase()}$`,
          ),
        ),
      });
      expect(rule.help.text).toContain(definition.description);
      expect(rule.help.markdown).toContain(rule.helpUri);
      expect(rule.properties.analyzers).toContain(definition.analyzer);
    }
  });

  it('has a rule for a reported code the catalogue lacks', () => {
    const report = sampleReport();
    const [first] = report.findings;
    report.findings.push({ ...first, code: 'IST9999', name: 'NotCatalogued' });
    const rules = JSON.parse(renderSarif(report, '1.2.3')).runs[0].tool.driver
      .rules;
    expect(rules.filter((r: { id: string }) => r.id === 'IST9999')).toEqual([
      expect.objectContaining({ name: 'NotCatalogued' }),
    ]);
  });

  it('has results whose ruleIndex points at their rule', () => {
    expect(run.results.map((r: any) => [r.ruleId, r.level])).toEqual([
      ['IST0101', 'error'],
      ['IST0103', 'warning'],
      ['MESH001', 'note'],
      ['IST0102', 'note'],
    ]);
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(result.message.text).toContain(result.properties.resource);
    }
  });

  it('locates results at the file and line of the object', () => {
    const [withFile, fromStdin, withoutOrigin] = run.results;
    expect(withFile.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'deploy/web.yaml' },
      region: { startLine: 12 },
    });
    expect(fromStdin.locations).toBeUndefined();
    expect(withoutOrigin.logicalLocations).toEqual([
      {
        fullyQualifiedName:
          'MutatingWebhookConfiguration istio-sidecar-injector',
        kind: 'resource',
      },
    ]);
  });
});
