import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  NamespaceAdoption,
  SEVERITY_RANK,
  TopFinding,
} from '@meshportal/plugin-istio-common';
import { SeverityStatus } from '../meshStatus';

/**
 * The objects each finding code is about, from the namespaces.
 * conflict blockers: the report counts findings but names only these.
 */
export function blockingResources(
  namespaces: ReadonlyArray<NamespaceAdoption>,
): Map<string, string[]> {
  const byCode = new Map<string, string[]>();
  for (const ns of namespaces) {
    for (const b of ns.blockers) {
      if (b.type !== 'conflict-finding') continue;
      const list = byCode.get(b.code) ?? [];
      if (!list.includes(b.resource)) list.push(b.resource);
      byCode.set(b.code, list);
    }
  }
  return byCode;
}

/** The most frequent findings across the mesh, most severe first. */
export function TopFindings(props: {
  findings: TopFinding[];
  namespaces?: ReadonlyArray<NamespaceAdoption>;
}) {
  if (!props.findings.length) {
    return (
      <Typography variant="body2">No findings across the mesh.</Typography>
    );
  }
  const where = blockingResources(props.namespaces ?? []);
  const findings = [...props.findings].sort(
    (a, b) =>
      (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0) ||
      b.count - a.count,
  );
  return (
    <Table size="small" aria-label="Top findings">
      <TableHead>
        <TableRow>
          <TableCell>Severity</TableCell>
          <TableCell>Code</TableCell>
          <TableCell>Finding</TableCell>
          <TableCell align="right">Occurrences</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {findings.map(f => (
          <TableRow key={f.code}>
            <TableCell>
              <SeverityStatus severity={f.severity} />
            </TableCell>
            <TableCell>{f.code}</TableCell>
            <TableCell>
              {f.name}
              {where.get(f.code)?.length ? (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  display="block"
                >
                  On {where.get(f.code)!.join(', ')}
                </Typography>
              ) : null}
            </TableCell>
            <TableCell align="right">{f.count}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
