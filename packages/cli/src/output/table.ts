import {
  type ClientTlsEntry,
  clientTlsLineDetail,
  describeClientTls,
  type Finding,
  type MeshReport,
  type Severity,
  type WorkloadPosture,
} from '@meshportal/plugin-istio-common';

/** Options for {@link renderTable}. @public */
export interface TableOptions {
  /** ANSI colours; only for a terminal without NO_COLOR. */
  color: boolean;
}

type Paint = (text: string) => string;

function painter(color: boolean) {
  const code =
    (open: number, close: number): Paint =>
    text =>
      color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    bold: code(1, 22),
    dim: code(2, 22),
    red: code(31, 39),
    yellow: code(33, 39),
    cyan: code(36, 39),
    green: code(32, 39),
  };
}

const CLUSTER_SCOPE = '(cluster-scoped)';

function mtlsCell(workload: WorkloadPosture): string {
  const { mode, source, ports } = workload.mtls;
  const from = source.policy
    ? `${source.level} ${source.policy}`
    : source.level;
  const differing = Object.entries(ports)
    .map(([port, setting]) => `${port}:${setting.mode}`)
    .join(' ');
  return `${mode} (${from})${differing ? ` ports ${differing}` : ''}`;
}

/** Pads cells to column widths; colour is applied after padding so ANSI codes do not skew widths. */
function table(
  header: string[],
  rows: string[][],
  paintCell: (row: number, column: number, padded: string) => string,
  paint: ReturnType<typeof painter>,
): string[] {
  const widths = header.map((h, c) =>
    // reduce, not Math.max(...): a huge namespace would overflow the arguments.
    rows.reduce((width, r) => Math.max(width, r[c].length), h.length),
  );
  const line = (cells: string[], row: number) =>
    `  ${cells
      .map((cell, c) => {
        const padded = c === cells.length - 1 ? cell : cell.padEnd(widths[c]);
        return row < 0 ? padded : paintCell(row, c, padded);
      })
      .join('  ')}`.trimEnd();
  return [paint.bold(line(header, -1)), ...rows.map((r, i) => line(r, i))];
}

/**
 * The namespace a client TLS entry is listed under: its DestinationRule's,
 * or for auto mTLS alone the Service's (`<name>.<namespace>.svc...`).
 */
function clientTlsNamespace(entry: ClientTlsEntry): string {
  return entry.destinationRule
    ? entry.destinationRule.split('/')[0]
    : entry.host.split('.')[1];
}

/** Rows of the client TLS table: the host, then each port that differs. */
function clientTlsRows(entries: ClientTlsEntry[]): string[][] {
  return entries.flatMap(entry =>
    describeClientTls(entry).map(line => [
      entry.host,
      line.port ?? 'all',
      line.mode,
      line.decidedBy,
      clientTlsLineDetail(line),
    ]),
  );
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map(l => `${prefix}${l}`.trimEnd())
    .join('\n');
}

/**
 * The `-o table` report for people: per namespace, the workloads' posture,
 * then the findings with their remediation.
 * @public
 */
export function renderTable(report: MeshReport, options: TableOptions): string {
  const paint = painter(options.color);
  const severityPaint: Record<Severity, Paint> = {
    Error: paint.red,
    Warning: paint.yellow,
    Info: paint.cyan,
  };
  // A finding about a Namespace object belongs with that namespace's workloads.
  const namespaceOf = (f: Finding) =>
    (f.ref.kind === 'Namespace' ? f.ref.name : f.ref.namespace) ||
    CLUSTER_SCOPE;
  const namespaces = [
    ...new Set([
      ...report.workloads.map(w => w.namespace),
      ...report.clientTls.map(clientTlsNamespace),
      ...report.findings.map(namespaceOf),
    ]),
  ].sort((a, b) => {
    // Cluster-scoped findings first: they affect every namespace.
    if (a === CLUSTER_SCOPE || b === CLUSTER_SCOPE) {
      return Number(b === CLUSTER_SCOPE) - Number(a === CLUSTER_SCOPE);
    }
    return a.localeCompare(b);
  });

  const out: string[] = [];
  for (const namespace of namespaces) {
    out.push(paint.bold(`Namespace ${namespace}`), '');
    const workloads = report.workloads
      .filter(w => w.namespace === namespace)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (workloads.length) {
      const rows = workloads.map(w => [
        w.name,
        w.kind,
        w.dataplane,
        `${w.pods.injected}/${w.pods.total}`,
        w.injection.revision ?? '-',
        mtlsCell(w),
      ]);
      out.push(
        ...table(
          ['WORKLOAD', 'KIND', 'DATAPLANE', 'PODS', 'REVISION', 'MTLS'],
          rows,
          (row, column, padded) => {
            const w = workloads[row];
            if (column === 2 && w.dataplane === 'none')
              return paint.yellow(padded);
            if (column === 5 && w.mtls.mode === 'DISABLE')
              return paint.yellow(padded);
            return padded;
          },
          paint,
        ),
        '',
      );
    }
    const clientTls = clientTlsRows(
      report.clientTls.filter(e => clientTlsNamespace(e) === namespace),
    );
    if (clientTls.length) {
      out.push(
        ...table(
          ['HOST', 'PORT', 'CLIENTS SEND', 'DECIDED BY', 'DETAIL'],
          clientTls,
          (row, column, padded) =>
            column === 2 && clientTls[row][2] === 'DISABLE'
              ? paint.yellow(padded)
              : padded,
          paint,
        ),
        '',
      );
    }
    const findings = report.findings.filter(f => namespaceOf(f) === namespace);
    for (const f of findings) {
      const severity = severityPaint[f.severity](f.severity.padEnd(7));
      out.push(`  ${severity}  ${paint.bold(f.code)}  ${f.resource}`);
      const where = f.origin?.file
        ? `${f.origin.file}${f.origin.line ? `:${f.origin.line}` : ''}`
        : undefined;
      out.push(indent(f.message, '      '));
      if (where) out.push(paint.dim(`      at ${where}`));
      if (f.remediation) {
        out.push(paint.dim('      fix:'), indent(f.remediation, '        '));
      }
      out.push('');
    }
  }

  const count = (s: Severity) =>
    report.findings.filter(f => f.severity === s).length;
  const plural = (n: number, word: string) =>
    `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary = [
    plural(report.workloads.length, 'workload'),
    plural(count('Error'), 'error'),
    plural(count('Warning'), 'warning'),
    `${count('Info')} info`,
  ].join(', ');
  out.push(
    report.findings.length ? summary : paint.green(`${summary}: no findings`),
  );
  return `${out.join('\n')}\n`;
}
