import { FINDING_CATALOGUE } from '@meshportal/plugin-istio-common';
import { sampleReport } from '../testing/sampleReport';
import { renderSarif } from './sarif';

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

  it('has a rule for every catalogue entry and every reported code', () => {
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    for (const definition of FINDING_CATALOGUE)
      expect(ids).toContain(definition.code);
    for (const rule of run.tool.driver.rules) {
      expect(rule).toMatchObject({
        id: expect.any(String),
        name: expect.any(String),
        shortDescription: { text: expect.any(String) },
        defaultConfiguration: {
          level: expect.stringMatching(/^(error|warning|note)$/),
        },
      });
    }
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
