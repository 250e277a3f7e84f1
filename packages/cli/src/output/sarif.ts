import {
  FINDING_CATALOGUE,
  Finding,
  FindingDefinition,
  MeshReport,
  Severity,
} from '@meshportal/plugin-istio-common';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { STDIN_NAME } from '../manifests/readManifests';

/** SARIF levels for the engine's severities. @public */
export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  Error: 'error',
  Warning: 'warning',
  Info: 'note',
};

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Where each code's cause and usual fix are written up. */
const TROUBLESHOOTING_URI =
  'https://github.com/meshportal/meshportal/blob/main/docs/troubleshooting.md';

function rule(definition: FindingDefinition, analyzers: string[]) {
  const description = definition.description || definition.name;
  const helpUri = `${TROUBLESHOOTING_URI}#${definition.code.toLowerCase()}`;
  return {
    id: definition.code,
    name: definition.name,
    shortDescription: { text: description },
    help: {
      text: `${description}\nCause and usual fix: ${helpUri}`,
      markdown: `${description}\n\n[Cause and usual fix](${helpUri})`,
    },
    helpUri,
    defaultConfiguration: { level: SARIF_LEVEL[definition.severity] },
    properties: { analyzers },
  };
}

/**
 * One rule per code: codes several analyzers emit (IST0101) appear once,
 * with every analyzer that reports them, as SARIF wants rule ids unique.
 */
function catalogueRules() {
  const byCode = new Map<
    string,
    { definition: FindingDefinition; analyzers: string[] }
  >();
  for (const definition of FINDING_CATALOGUE) {
    const entry = byCode.get(definition.code);
    if (!entry) {
      byCode.set(definition.code, {
        definition,
        analyzers: [definition.analyzer],
      });
    } else if (!entry.analyzers.includes(definition.analyzer)) {
      entry.analyzers.push(definition.analyzer);
    }
  }
  return [...byCode.values()].map(e => rule(e.definition, e.analyzers));
}

function locations(finding: Finding) {
  const origin = finding.origin;
  const logical = [{ fullyQualifiedName: finding.resource, kind: 'resource' }];
  if (!origin?.file || origin.file === STDIN_NAME) {
    return { logicalLocations: logical };
  }
  return {
    locations: [
      {
        physicalLocation: {
          artifactLocation: {
            // Files outside the working directory keep an absolute file: URI.
            uri: path.isAbsolute(origin.file)
              ? pathToFileURL(origin.file).href
              : encodeURI(origin.file),
          },
          ...(origin.line ? { region: { startLine: origin.line } } : {}),
        },
        logicalLocations: logical,
      },
    ],
  };
}

/**
 * The `-o sarif` document (SARIF 2.1.0), for code scanning uploads: one rule
 * per catalogue entry, one result per finding, located at the file and line
 * of the object the finding is about.
 * @public
 */
export function renderSarif(report: MeshReport, version: string): string {
  const rules = catalogueRules();
  const ruleIndex = new Map(rules.map((r, index) => [r.id, index]));
  // A code missing from the catalogue still needs a rule for ruleIndex.
  for (const finding of report.findings) {
    if (!ruleIndex.has(finding.code)) {
      ruleIndex.set(finding.code, rules.length);
      rules.push(
        rule({ ...finding, description: finding.name }, [finding.analyzer]),
      );
    }
  }
  const results = report.findings.map(finding => ({
    ruleId: finding.code,
    ruleIndex: ruleIndex.get(finding.code)!,
    level: SARIF_LEVEL[finding.severity],
    message: {
      text: `${finding.resource}: ${finding.message}${
        finding.remediation ? `\nFix: ${finding.remediation}` : ''
      }`,
    },
    ...locations(finding),
    properties: {
      resource: finding.resource,
      analyzer: finding.analyzer,
      remediation: finding.remediation,
    },
  }));
  const document = {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: {
          driver: {
            name: 'meshportal',
            version,
            informationUri: 'https://github.com/meshportal/meshportal',
            rules,
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
