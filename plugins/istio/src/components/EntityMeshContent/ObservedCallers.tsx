import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { alpha, makeStyles } from '@material-ui/core/styles';
import { InboundTraffic } from '@meshportal/plugin-istio-common';

/** One caller of one workload, its traffic summed over transports. */
export interface CallerRow {
  caller: string;
  destination: string;
  outsideMesh: boolean;
  total: number;
  mutualTls: number;
  plaintext: number;
  /** Percent of the caller's traffic over mTLS. */
  mtlsShare: number;
}

/** Groups the telemetry by caller and destination; plaintext callers first. */
export function callerRows(traffic: InboundTraffic): CallerRow[] {
  const rows = new Map<string, CallerRow>();
  for (const c of traffic.callers) {
    const outsideMesh = c.sourceWorkload === 'unknown';
    const caller = outsideMesh
      ? 'outside the mesh'
      : `${c.sourceNamespace}/${c.sourceWorkload}`;
    const destination = `${c.destinationNamespace}/${c.destinationWorkload}`;
    const key = `${caller}\u0000${destination}`;
    const row = rows.get(key) ?? {
      caller,
      destination,
      outsideMesh,
      total: 0,
      mutualTls: 0,
      plaintext: 0,
      mtlsShare: 0,
    };
    const n = (c.requests ?? 0) + (c.tcpConnections ?? 0);
    row.total += n;
    if (c.securityPolicy === 'mutual_tls') row.mutualTls += n;
    else if (c.securityPolicy === 'none') row.plaintext += n;
    rows.set(key, row);
  }
  for (const row of rows.values()) {
    row.mtlsShare = row.total
      ? Math.round((row.mutualTls / row.total) * 1000) / 10
      : 0;
  }
  return [...rows.values()].sort(
    (a, b) =>
      Number(b.plaintext > 0) - Number(a.plaintext > 0) || b.total - a.total,
  );
}

function CallerShare(props: { row: CallerRow }) {
  const { row } = props;
  if (row.plaintext > 0) {
    return (
      <StatusError>
        {row.mtlsShare}% mTLS, {row.plaintext} plaintext
      </StatusError>
    );
  }
  if (row.mutualTls === row.total) {
    return <StatusOK>{row.mtlsShare}% mTLS</StatusOK>;
  }
  // Neither mTLS nor plaintext reported: the transport is unknown.
  return <StatusWarning>{row.mtlsShare}% mTLS</StatusWarning>;
}

const useStyles = makeStyles(theme => ({
  plaintext: { background: alpha(theme.palette.error.main, 0.12) },
}));

/** Who called the workloads over the telemetry window, and how securely. */
export function ObservedCallers(props: { traffic?: InboundTraffic }) {
  const classes = useStyles();
  const { traffic } = props;
  if (!traffic || !traffic.available) {
    return (
      <Typography variant="body2">
        Telemetry unavailable{traffic?.reason ? ` (${traffic.reason})` : ''}:
        plaintext callers are unknown, not absent.
      </Typography>
    );
  }
  const rows = callerRows(traffic);
  if (!rows.length) {
    return (
      <Typography variant="body2">
        No inbound traffic observed
        {traffic.window ? ` over the last ${traffic.window}` : ''}.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Observed callers">
      <TableHead>
        <TableRow>
          <TableCell>Caller</TableCell>
          <TableCell>Workload called</TableCell>
          <TableCell align="right">Requests and connections</TableCell>
          <TableCell>mTLS share</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(r => (
          <TableRow
            key={`${r.caller}/${r.destination}`}
            className={r.plaintext > 0 ? classes.plaintext : undefined}
          >
            <TableCell>{r.caller}</TableCell>
            <TableCell>{r.destination}</TableCell>
            <TableCell align="right">{r.total}</TableCell>
            <TableCell>
              <CallerShare row={r} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
