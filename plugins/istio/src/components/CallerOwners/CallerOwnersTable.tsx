import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ResolvedCaller } from '@meshportal/plugin-istio-common';

function CallerName(props: { caller: ResolvedCaller }) {
  const { caller } = props;
  if (caller.kind === 'outside-mesh') return <>outside the mesh</>;
  return (
    <>
      {caller.sourceNamespace}/{caller.sourceWorkload}
      <Typography variant="caption" display="block" color="textSecondary">
        plaintext
      </Typography>
    </>
  );
}

function Claimants(props: { caller: ResolvedCaller }) {
  const { caller } = props;
  if (!caller.entities.length) {
    return (
      <span
        title={
          caller.kind === 'outside-mesh'
            ? 'A caller without a proxy is not identified, so no entity can claim it'
            : 'No catalog entity you can read selects this workload'
        }
      >
        Unclaimed
      </span>
    );
  }
  return (
    <>
      {caller.entities.map(e => (
        <div key={e.entityRef}>
          <EntityRefLink entityRef={e.entityRef} />
        </div>
      ))}
    </>
  );
}

function Owners(props: { caller: ResolvedCaller }) {
  const owners = [
    ...new Set(props.caller.entities.flatMap(e => (e.owner ? [e.owner] : []))),
  ];
  if (!owners.length) return <>—</>;
  return (
    <>
      {owners.map(owner => (
        <div key={owner}>
          <EntityRefLink entityRef={owner} defaultKind="group" />
        </div>
      ))}
    </>
  );
}

/**
 * The callers STRICT would refuse, each with the catalog entity claiming
 * its workload and that entity's owner, linked; an unclaimed caller says so.
 */
export function CallerOwnersTable(props: {
  callers: ResolvedCaller[];
  /** Shows the cluster, for views spanning several. */
  showCluster?: boolean;
}) {
  return (
    <Table size="small" aria-label="Callers refused under STRICT">
      <TableHead>
        <TableRow>
          <TableCell>Caller</TableCell>
          <TableCell>Workload called</TableCell>
          <TableCell align="right">Requests and connections</TableCell>
          <TableCell>Catalog entity</TableCell>
          <TableCell>Owner</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.callers.map(c => (
          <TableRow
            key={`${c.cluster}/${c.destination}/${c.kind}/${c.sourceNamespace}/${c.sourceWorkload}`}
          >
            <TableCell>
              <CallerName caller={c} />
            </TableCell>
            <TableCell>
              {props.showCluster ? `${c.cluster}: ` : ''}
              {c.destination}
            </TableCell>
            <TableCell align="right">{c.count}</TableCell>
            <TableCell>
              <Claimants caller={c} />
            </TableCell>
            <TableCell>
              <Owners caller={c} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
