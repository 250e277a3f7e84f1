/*
 * Test-only: reads the upstream istioctl analyze cases kept outside the
 * repository (../shared/conformance/<set>) and runs one the way upstream's
 * harness does (analyzers_test.go): one analyzer per case, default
 * resources added, the mesh config merged over Istio's defaults, findings
 * of that analyzer only, de-duplicated by their full text.
 */
import fs from 'fs';
import path from 'path';
import { requireRealPart } from '@meshportal/test-parts';
import { parseAllDocuments } from 'yaml';
import { analyzeMesh } from '../../../analysis/analyzeMesh';
import { Finding } from '../../../model/findings';
import { MeshConfig, parseMeshConfig } from '../../../model/meshConfig';
import { MeshNetworks, parseMeshNetworks } from '../../../model/meshNetworks';
import { KubeObject } from '../../../model/resources';

/** One entry of `cases.json`. */
export interface ConformanceCase {
  id: number;
  name: string;
  analyzer: string;
  inputFiles: string[];
  meshConfigFile: string | null;
  meshNetworksFile?: string | null;
  /** Why the case does not count for `istioctl analyze` parity. */
  needs?: string;
  expected: Array<{
    code: string;
    name: string;
    level: string;
    origin: string;
  }>;
}

/** A case folder and what could be read from it. */
export interface ConformanceSet {
  dir: string;
  available: boolean;
  cases: ConformanceCase[];
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

/** `../shared/conformance/<name>` beside the repository root. */
export function loadConformanceSet(name: string): ConformanceSet {
  const dir = path.resolve(
    findRepoRoot(__dirname) ?? __dirname,
    '..',
    'shared',
    'conformance',
    name,
  );
  const file = path.join(dir, 'cases.json');
  if (!fs.existsSync(file)) return { dir, available: false, cases: [] };
  return {
    dir,
    available: true,
    cases: JSON.parse(fs.readFileSync(file, 'utf8')).cases,
  };
}

/**
 * The `describe` of a suite over the set: skipped, saying why, when the
 * folder is missing, and failing instead under `CI=true`, naming it.
 */
export function conformanceDescribe(set: ConformanceSet): jest.Describe {
  return requireRealPart(
    `the upstream conformance cases ${path.join(set.dir, 'cases.json')}`,
    set.available,
    'keep the shared folder (../shared) beside the repository checkout',
  );
}

/** The suite title, naming the missing folder when there is nothing to run. */
export function suiteTitle(set: ConformanceSet, title: string): string {
  return set.available
    ? title
    : `${title}: ${path.join(set.dir, 'cases.json')} not found, skipped`;
}

/** Kubernetes' own namespaces, which istioctl's sources leave out. */
const SYSTEM_NAMESPACES = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'local-path-storage',
]);

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
  return objects.filter(
    o => !SYSTEM_NAMESPACES.has(String(o?.metadata?.namespace ?? '')),
  );
}

/** The findings of the case's analyzer, as upstream's harness collects them. */
export function runConformanceCase(
  set: ConformanceSet,
  testCase: ConformanceCase,
): Finding[] {
  const read = (file: string) =>
    fs.readFileSync(path.join(set.dir, file), 'utf8');
  let meshConfig: MeshConfig | undefined;
  if (testCase.meshConfigFile) {
    meshConfig = parseMeshConfig(read(testCase.meshConfigFile));
  }
  let meshNetworks: MeshNetworks | undefined;
  if (testCase.meshNetworksFile) {
    meshNetworks = parseMeshNetworks(read(testCase.meshNetworksFile));
  }
  const objects = testCase.inputFiles.flatMap(f =>
    loadObjects(path.join(set.dir, f)),
  );
  if (meshConfig?.ingressControllerMode !== 'OFF') {
    objects.push(...loadObjects(path.join(set.dir, 'default-resources.yaml')));
  }
  const { findings } = analyzeMesh(objects, {
    analyzers: [testCase.analyzer],
    meshConfig,
    meshNetworks,
  });
  const seen = new Set<string>();
  return findings.filter(f => {
    const text = `${f.code}\u0000${f.resource}\u0000${f.message}`;
    if (f.analyzer !== testCase.analyzer || seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/** Findings as `code level origin`, sorted: the multiset a case compares. */
export function findingKeys(findings: Finding[]): string[] {
  return findings.map(f => `${f.code} ${f.severity} ${f.resource}`).sort();
}

/** The case's expected messages in the form of {@link findingKeys}. */
export function expectedKeys(testCase: ConformanceCase): string[] {
  return testCase.expected.map(e => `${e.code} ${e.level} ${e.origin}`).sort();
}
