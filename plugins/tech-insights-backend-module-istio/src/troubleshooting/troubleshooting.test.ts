import { FINDING_CATALOGUE } from '@meshportal/plugin-istio-common';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { renderTroubleshooting } from './renderTroubleshooting';
import { TYPICAL_FIXES } from './typicalFixes';

const DOC = resolve(__dirname, '../../../../docs/troubleshooting.md');
const UPDATE =
  'UPDATE_DOCS=1 yarn workspace @meshportal/plugin-tech-insights-backend-module-istio test src/troubleshooting --watchAll=false';

describe('docs/troubleshooting.md', () => {
  it('has a typical fix for every code of the engine, and none for unknown codes', () => {
    const codes = [...new Set(FINDING_CATALOGUE.map(d => d.code))].sort();
    expect(Object.keys(TYPICAL_FIXES).sort()).toEqual(codes);
  });

  it('describes every code once, under its analyzers', () => {
    const doc = renderTroubleshooting(FINDING_CATALOGUE, TYPICAL_FIXES);
    for (const d of FINDING_CATALOGUE) {
      expect(doc).toContain(`## \`${d.analyzer}\``);
      expect(doc.split(`\n### ${d.code} ${d.name}\n`)).toHaveLength(2);
    }
  });

  it('is what the engine catalogue renders to', () => {
    // Formatted as the repository's prettier:check wants it.
    const expected = format(
      renderTroubleshooting(FINDING_CATALOGUE, TYPICAL_FIXES),
      { ...resolveConfig.sync(DOC), parser: 'markdown' },
    );
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, expected);
    let actual = '';
    try {
      actual = readFileSync(DOC, 'utf8');
    } catch {
      // Missing file: reported by the comparison below.
    }
    if (actual !== expected) {
      throw new Error(
        `docs/troubleshooting.md is out of date with the finding catalogue; run: ${UPDATE}`,
      );
    }
    expect(actual).toBe(expected);
  });
});
