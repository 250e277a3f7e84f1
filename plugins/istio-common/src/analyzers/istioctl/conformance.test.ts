/*
 * Runs Istio's own istioctl analyze test cases (kept outside the repository
 * in ../shared/conformance/istioctl-analyze) the way upstream's harness
 * does: one analyzer per case, findings filtered to that analyzer's codes,
 * compared as an unordered multiset of (code, resource, level).
 */
import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { analyzeMesh } from '../../analysis/analyzeMesh';
import { KubeObject } from '../../model/resources';
import { MeshConfig, parseMeshConfig } from '../../model/meshConfig';
import { istioctlAnalyzers } from '.';

interface ConformanceCase {
  id: number;
  name: string;
  analyzer: string;
  inputFiles: string[];
  meshConfigFile: string | null;
  expected: Array<{
    code: string;
    name: string;
    level: string;
    origin: string;
  }>;
}

function findRepoRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'backstage.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const repoRoot = findRepoRoot(__dirname);
const conformanceDir = path.resolve(
  repoRoot ?? __dirname,
  '..',
  'shared',
  'conformance',
  'istioctl-analyze',
);
const available = fs.existsSync(path.join(conformanceDir, 'cases.json'));

/** Every object of a multi-document YAML file, `kind: List` items included. */
function loadObjects(file: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if ('errors' in doc && doc.errors.length > 0) {
      throw new Error(`${file}: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (!value || typeof value !== 'object') continue;
    if (value.kind === 'List' && Array.isArray(value.items)) {
      objects.push(...value.items);
    } else {
      objects.push(value);
    }
  }
  return objects;
}

function runCase(testCase: ConformanceCase) {
  let meshConfig: MeshConfig | undefined;
  if (testCase.meshConfigFile) {
    meshConfig = parseMeshConfig(
      fs.readFileSync(
        path.join(conformanceDir, testCase.meshConfigFile),
        'utf8',
      ),
    );
  }
  const objects = testCase.inputFiles.flatMap(f =>
    loadObjects(path.join(conformanceDir, f)),
  );
  if (meshConfig?.ingressControllerMode !== 'OFF') {
    objects.push(
      ...loadObjects(path.join(conformanceDir, 'default-resources.yaml')),
    );
  }
  const analyzer = istioctlAnalyzers.find(a => a.name === testCase.analyzer);
  if (!analyzer) throw new Error(`no analyzer named ${testCase.analyzer}`);
  const codes = new Set(analyzer.definitions.map(d => d.code));
  const { findings } = analyzeMesh(objects, {
    analyzers: [testCase.analyzer],
    meshConfig,
  });
  return findings.filter(f => codes.has(f.code));
}

const describeIfAvailable = available ? describe : describe.skip;
const cases: ConformanceCase[] = available
  ? JSON.parse(fs.readFileSync(path.join(conformanceDir, 'cases.json'), 'utf8'))
      .cases
  : [];

if (!available) {
  // Say why nothing ran instead of silently passing.
  // eslint-disable-next-line no-console
  console.warn(`${conformanceDir} not found: conformance skipped`);
}

describeIfAvailable(
  available
    ? 'istioctl analyze conformance (upstream test cases)'
    : `istioctl analyze conformance: ${conformanceDir} not found, skipped`,
  () => {
    it('has the 54 upstream cases', () => {
      expect(cases).toHaveLength(54);
    });

    for (const testCase of cases) {
      it(`#${testCase.id} ${testCase.name}`, () => {
        const actual = runCase(testCase)
          .map(f => `${f.code} ${f.severity} ${f.resource}`)
          .sort();
        const expected = testCase.expected
          .map(e => `${e.code} ${e.level} ${e.origin}`)
          .sort();
        expect(actual).toEqual(expected);
      });
    }

    it('every finding carries a message and a remediation', () => {
      for (const testCase of cases) {
        for (const finding of runCase(testCase)) {
          expect(finding.analyzer).toBe(testCase.analyzer);
          expect(finding.message.length).toBeGreaterThan(20);
          expect(finding.remediation.length).toBeGreaterThan(10);
        }
      }
    });
  },
);
