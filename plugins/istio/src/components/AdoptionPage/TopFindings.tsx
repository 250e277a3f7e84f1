import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { TopFinding } from '../../api/types';
import { SeverityStatus } from '../meshStatus';

/** The most frequent findings across the mesh. */
export function TopFindings(props: { findings: TopFinding[] }) {
  if (!props.findings.length) {
    return (
      <Typography variant="body2">No findings across the mesh.</Typography>
    );
  }
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
        {props.findings.map(f => (
          <TableRow key={f.code}>
            <TableCell>
              <SeverityStatus severity={f.severity} />
            </TableCell>
            <TableCell>{f.code}</TableCell>
            <TableCell>{f.name}</TableCell>
            <TableCell align="right">{f.count}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
