import { Link } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EntityWorkload,
  ServicePosture,
  ToolLinks,
} from '@meshportal/plugin-istio-common';
import { DataplaneStatus, MtlsModeName, MtlsModeStatus } from '../meshStatus';

/** One port of a workload and the mTLS mode it enforces there. */
export interface WorkloadPortMode {
  port: string;
  /** Service ports that reach it, e.g. `reviews:9080`. */
  via: string[];
  mode: MtlsModeName;
  differs: boolean;
}

/**
 * The mode on each target port the workload's Services reach, plus any port
 * a PeerAuthentication sets explicitly.
 */
export function workloadPortModes(
  workload: EntityWorkload,
  services: ServicePosture[],
): WorkloadPortMode[] {
  const overrides = workload.mtls.ports ?? {};
  const byPort = new Map<string, WorkloadPortMode>();
  const entry = (port: string) => {
    let e = byPort.get(port);
    if (!e) {
      const override = overrides[port]?.mode as MtlsModeName | undefined;
      e = {
        port,
        via: [],
        mode: override ?? (workload.mtls.mode as MtlsModeName),
        differs: Boolean(override && override !== workload.mtls.mode),
      };
      byPort.set(port, e);
    }
    return e;
  };
  for (const s of services) {
    if (s.namespace !== workload.namespace) continue;
    if (!workload.services.includes(s.name)) continue;
    for (const p of s.ports ?? []) {
      entry(String(p.targetPort ?? p.port)).via.push(`${s.name}:${p.port}`);
    }
  }
  Object.keys(overrides).forEach(entry);
  return [...byPort.values()].sort((a, b) =>
    a.port.localeCompare(b.port, undefined, { numeric: true }),
  );
}

export function ToolLinkList(props: { links?: ToolLinks; label?: string }) {
  const { links } = props;
  const items = (
    [
      ['Kiali', links?.kiali],
      ['Grafana', links?.grafana],
      ['Tracing', links?.tracing],
    ] as const
  ).filter(([, url]) => url);
  if (!items.length) return null;
  return (
    <>
      {items.map(([name, url], i) => (
        <span key={name}>
          {i > 0 && ' · '}
          <Link to={url!} target="_blank" rel="noopener noreferrer">
            {name}
            {props.label ? (
              <Typography variant="srOnly" component="span">
                {' '}
                for {props.label}
              </Typography>
            ) : null}
          </Link>
        </span>
      ))}
    </>
  );
}

const useStyles = makeStyles(theme => ({
  port: { whiteSpace: 'nowrap', marginBottom: theme.spacing(0.5) },
  nowrap: { whiteSpace: 'nowrap' },
  workload: { minWidth: '10rem', overflowWrap: 'anywhere' },
}));

/** Per workload: how its pods join the mesh and the mTLS of each port. */
export function WorkloadsTable(props: {
  workloads: EntityWorkload[];
  services: ServicePosture[];
}) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label="Workloads and mTLS per port">
      <TableHead>
        <TableRow>
          <TableCell>Workload</TableCell>
          <TableCell>Data plane</TableCell>
          <TableCell>Pods with proxy</TableCell>
          <TableCell>Revision</TableCell>
          <TableCell>mTLS</TableCell>
          <TableCell>mTLS per port</TableCell>
          <TableCell>Links</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.workloads.map(w => {
          const ports = workloadPortModes(w, props.services);
          const label = `${w.namespace}/${w.name}`;
          return (
            <TableRow key={`${w.kind}/${label}`}>
              <TableCell className={classes.workload}>
                <Typography variant="body2">{label}</Typography>
                <Typography variant="caption" color="textSecondary">
                  {w.kind}
                </Typography>
              </TableCell>
              <TableCell className={classes.nowrap}>
                <DataplaneStatus workload={w} />
              </TableCell>
              <TableCell>
                {w.dataplane === 'ambient'
                  ? `${w.pods.total} (ambient)`
                  : `${w.pods.injected} of ${w.pods.total}`}
              </TableCell>
              <TableCell>
                {w.injection?.revision ?? '-'}
                {w.injection?.reason && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    display="block"
                  >
                    {w.injection.reason}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {w.dataplane === 'none' ? (
                  'No proxy'
                ) : (
                  <>
                    <MtlsModeStatus mode={w.mtls.mode as MtlsModeName} />
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      display="block"
                    >
                      {w.mtls.source.policy
                        ? `PeerAuthentication ${w.mtls.source.policy} (${w.mtls.source.level})`
                        : 'mesh default'}
                    </Typography>
                  </>
                )}
              </TableCell>
              <TableCell>
                {ports.length === 0
                  ? '-'
                  : ports.map(p => (
                      <div key={p.port} className={classes.port}>
                        <Typography variant="body2" component="span">
                          Port {p.port}:
                        </Typography>{' '}
                        <MtlsModeStatus mode={p.mode} />
                        {p.differs && (
                          <Typography variant="body2" component="span">
                            {' '}
                            (differs from the workload)
                          </Typography>
                        )}
                        {p.via.length > 0 && (
                          <Typography
                            variant="caption"
                            color="textSecondary"
                            display="block"
                          >
                            Service {p.via.join(', ')}
                          </Typography>
                        )}
                      </div>
                    ))}
              </TableCell>
              <TableCell>
                <ToolLinkList links={w.links} label={label} />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
