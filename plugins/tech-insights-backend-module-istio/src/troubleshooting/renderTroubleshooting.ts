import { FindingDefinition } from '@meshportal/plugin-istio-common';

/** One code of the catalogue, with every analyzer that can emit it. */
interface CodeEntry {
  definition: FindingDefinition;
  analyzers: string[];
}

function codeOrder(a: string, b: string) {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Markdown cells must not break the table or the line. */
function inline(text: string) {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Renders docs/troubleshooting.md from the engine's finding catalogue: one
 * section per analyzer, one entry per code (a code emitted by several
 * analyzers, such as IST0101, is described once under the first and
 * listed under the others).
 */
export function renderTroubleshooting(
  catalogue: ReadonlyArray<FindingDefinition>,
  fixes: Record<string, string>,
): string {
  const byCode = new Map<string, CodeEntry>();
  for (const definition of catalogue) {
    const entry = byCode.get(definition.code);
    if (entry) {
      if (!entry.analyzers.includes(definition.analyzer)) {
        entry.analyzers.push(definition.analyzer);
      }
    } else {
      byCode.set(definition.code, {
        definition,
        analyzers: [definition.analyzer],
      });
    }
  }
  const analyzers = [...new Set(catalogue.map(d => d.analyzer))].sort(
    (a, b) => {
      // MeshPortal's own analyzers after istioctl's.
      const own = (n: string) => (/^(mtls|traffic)\./.test(n) ? 1 : 0);
      return own(a) - own(b) || a.localeCompare(b);
    },
  );

  for (const entry of byCode.values()) {
    entry.analyzers.sort((a, b) => analyzers.indexOf(a) - analyzers.indexOf(b));
  }

  const lines: string[] = [
    '# Troubleshooting: every finding',
    '',
    '<!-- Generated from FINDING_CATALOGUE of @meshportal/plugin-istio-common',
    '     by plugins/tech-insights-backend-module-istio/src/troubleshooting.',
    '     Do not edit: run',
    '     UPDATE_DOCS=1 yarn workspace @meshportal/plugin-tech-insights-backend-module-istio test src/troubleshooting --watchAll=false -->',
    '',
    'Each finding MeshPortal shows (entity tab, adoption page, `meshportal analyze`)',
    'has a code: `IST0xxx` for checks that behave like `istioctl analyze`,',
    "`MESHxxx` for MeshPortal's own. The finding itself carries a remediation",
    'computed for the objects involved (a `kubectl` command or a YAML snippet);',
    'this page gives the cause and the usual fix of each code, grouped by the',
    'analyzer that reports it.',
    '',
    '| Code | Name | Severity | Analyzers |',
    '| ---- | ---- | -------- | --------- |',
  ];
  for (const code of [...byCode.keys()].sort(codeOrder)) {
    const { definition, analyzers: from } = byCode.get(code)!;
    lines.push(
      `| [${code}](#${code.toLowerCase()}) | ${definition.name} | ${
        definition.severity
      } | ${from.map(a => `\`${a}\``).join(', ')} |`,
    );
  }

  const describedUnder = new Map<string, string>();
  for (const analyzer of analyzers) {
    lines.push('', `## \`${analyzer}\``);
    const codes = catalogue
      .filter(d => d.analyzer === analyzer)
      .map(d => d.code)
      .filter((c, i, all) => all.indexOf(c) === i)
      .sort(codeOrder);
    for (const code of codes) {
      const { definition, analyzers: from } = byCode.get(code)!;
      const under = describedUnder.get(code);
      if (under) {
        lines.push(
          '',
          `### ${code} ${definition.name} (also here)`,
          '',
          `Described under [${code}](#${code.toLowerCase()}) (\`${under}\`).`,
        );
        continue;
      }
      describedUnder.set(code, analyzer);
      lines.push(
        '',
        `<a id="${code.toLowerCase()}"></a>`,
        '',
        `### ${code} ${definition.name}`,
        '',
        `**Severity:** ${definition.severity}.${
          from.length > 1
            ? ` **Reported by:** ${from.map(a => `\`${a}\``).join(', ')}.`
            : ''
        }`,
        '',
        `**Cause.** ${inline(definition.description)}`,
        '',
        `**Typical fix.** ${inline(fixes[code] ?? '')}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
