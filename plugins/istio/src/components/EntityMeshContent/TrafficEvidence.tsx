import {
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  InboundTraffic,
  PortTrafficEvidence,
} from '@meshportal/plugin-istio-common';
import { formatAge } from '../meshStatus';

/** A share of mTLS traffic, with the count it is taken from; a dash without any. */
function Share(props: { share: number | null; total: number }) {
  if (props.share === null) return <>–</>;
  const percent = Math.round(props.share * 1000) / 10;
  const text = `${percent}% of ${props.total}`;
  return props.share === 1 ? (
    <StatusOK>{text}</StatusOK>
  ) : (
    <StatusError>{text}</StatusError>
  );
}

function LastPlaintext(props: { port: PortTrafficEvidence; now: number }) {
  const at = props.port.lastPlaintextAt;
  if (!at) return <StatusOK>Never in the window</StatusOK>;
  return (
    <StatusError>
      <time dateTime={at} title={at}>
        {formatAge((props.now - Date.parse(at)) / 1000)}
      </time>
    </StatusError>
  );
}

/**
 * The evidence a STRICT verdict rests on, per workload and port: the
 * share of requests and TCP connections over mTLS in the observation
 * window, when plaintext was last seen, and since when metrics exist.
 */
export function TrafficEvidence(props: {
  traffic?: InboundTraffic;
  workloads: Array<{ namespace: string; name: string }>;
  now?: number;
}) {
  const { traffic, workloads } = props;
  if (!traffic?.available) {
    return (
      <Typography variant="body2">
        <StatusPending>No telemetry</StatusPending> so the verdict has no
        evidence{traffic?.reason ? ` (${traffic.reason})` : ''}.
      </Typography>
    );
  }
  const observedAt = Date.parse(traffic.observedAt ?? '');
  const now =
    props.now ?? (Number.isFinite(observedAt) ? observedAt : Date.now());
  const evidence = new Map(
    (traffic.evidence ?? []).map(e => [`${e.namespace}/${e.workload}`, e]),
  );
  return (
    <Table size="small" aria-label="mTLS evidence per port">
      <TableHead>
        <TableRow>
          <TableCell>Workload</TableCell>
          <TableCell>Port</TableCell>
          <TableCell>Requests over mTLS</TableCell>
          <TableCell>TCP connections over mTLS</TableCell>
          <TableCell>Plaintext last seen</TableCell>
          <TableCell>Metrics since</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {workloads.flatMap(w => {
          const name = `${w.namespace}/${w.name}`;
          const e = evidence.get(name);
          if (!e) {
            return [
              <TableRow key={name}>
                <TableCell>{name}</TableCell>
                <TableCell colSpan={5}>
                  <StatusPending>
                    No inbound traffic recorded over the last {traffic.window}
                  </StatusPending>
                </TableCell>
              </TableRow>,
            ];
          }
          const since = (
            <time dateTime={e.observedSince} title={e.observedSince}>
              {formatAge((now - Date.parse(e.observedSince)) / 1000)}
            </time>
          );
          const ports = e.ports.length
            ? e.ports
            : [
                {
                  requests: 0,
                  mtlsRequests: 0,
                  tcpConnections: 0,
                  mtlsTcpConnections: 0,
                  requestsMtlsShare: null,
                  tcpMtlsShare: null,
                } as PortTrafficEvidence,
              ];
          return ports.map(p => (
            <TableRow key={`${name}:${p.port ?? ''}`}>
              <TableCell>{name}</TableCell>
              <TableCell>{p.port ?? 'all ports'}</TableCell>
              <TableCell>
                <Share share={p.requestsMtlsShare} total={p.requests} />
              </TableCell>
              <TableCell>
                <Share share={p.tcpMtlsShare} total={p.tcpConnections} />
              </TableCell>
              <TableCell>
                <LastPlaintext port={p} now={now} />
              </TableCell>
              <TableCell>{since}</TableCell>
            </TableRow>
          ));
        })}
      </TableBody>
    </Table>
  );
}
