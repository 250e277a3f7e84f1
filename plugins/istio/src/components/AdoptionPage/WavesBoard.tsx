import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import {
  NamespaceAdoption,
  ReadinessStage,
  describeBlocker,
} from '@meshportal/plugin-istio-common';
import {
  STAGES,
  STAGE_LABELS,
  StageStatus,
  UnverifiedReasons,
} from '../meshStatus';
import { ToolLinkList } from '../EntityMeshContent/WorkloadsTable';
import { CallerOwners } from '../CallerOwners';

const useStyles = makeStyles(theme => ({
  board: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
    gap: theme.spacing(2),
  },
  column: {
    background: theme.palette.background.default,
    padding: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
  },
  card: { padding: theme.spacing(1), marginBottom: theme.spacing(1) },
}));

/** Namespaces grouped by wave stage, in board order. */
export function namespacesByStage(
  namespaces: NamespaceAdoption[],
): Record<ReadinessStage, NamespaceAdoption[]> {
  const columns = Object.fromEntries(
    STAGES.map(s => [s, []]),
  ) as unknown as Record<ReadinessStage, NamespaceAdoption[]>;
  for (const ns of namespaces)
    (columns[ns.stage] ?? columns['not-enrolled']).push(ns);
  return columns;
}

function BlockersDialog(props: {
  namespace: NamespaceAdoption;
  onClose: () => void;
}) {
  const { namespace } = props;
  const name = `${namespace.cluster}/${namespace.namespace}`;
  const strict = namespace.stage === 'strict';
  return (
    <Dialog open onClose={props.onClose} aria-labelledby="what-breaks-title">
      <DialogTitle id="what-breaks-title">
        {strict
          ? `What fails in ${name} at STRICT`
          : `What breaks if ${name} goes STRICT now`}
      </DialogTitle>
      <DialogContent>
        {strict && (
          <Typography>
            {name} already enforces STRICT
            {namespace.blockers.length
              ? '; these requests fail there now:'
              : '.'}
          </Typography>
        )}
        {!strict &&
          namespace.blockers.length === 0 &&
          namespace.stage !== 'unverified' && (
            <Typography>
              Nothing known breaks: every workload has a proxy and no plaintext
              caller was observed.
            </Typography>
          )}
        {namespace.stage === 'unverified' && (
          <>
            <Typography>
              Nothing known breaks, but nothing proves it either:
            </Typography>
            <UnverifiedReasons reasons={namespace.unverifiedReasons} />
          </>
        )}
        {namespace.blockers.length > 0 && (
          <ul>
            {namespace.blockers.map((b, i) => (
              <li key={i}>
                <Typography variant="body2">{describeBlocker(b)}</Typography>
              </li>
            ))}
          </ul>
        )}
        <Typography variant="subtitle2" component="h3">
          Callers STRICT would refuse, and their owners
        </Typography>
        <CallerOwners
          target={{
            cluster: namespace.cluster,
            namespace: namespace.namespace,
          }}
          label={`namespace ${name}`}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} color="primary">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The namespace waves board: each namespace in its stage toward STRICT, with
 * its blockers one click away.
 */
export function WavesBoard(props: { namespaces: NamespaceAdoption[] }) {
  const classes = useStyles();
  const [open, setOpen] = useState<NamespaceAdoption | undefined>();
  // The control plane is no wave of its own: left out unless asked for.
  const [showControlPlane, setShowControlPlane] = useState(false);
  const controlPlane = props.namespaces.filter(ns => ns.controlPlane);
  const columns = namespacesByStage(
    showControlPlane
      ? props.namespaces
      : props.namespaces.filter(ns => !ns.controlPlane),
  );
  return (
    <>
      {controlPlane.length > 0 && (
        <FormControlLabel
          control={
            <Switch
              checked={showControlPlane}
              onChange={e => setShowControlPlane(e.target.checked)}
              color="primary"
            />
          }
          label={`Show the control-plane namespace (${[
            ...new Set(controlPlane.map(ns => ns.namespace)),
          ].join(', ')})`}
        />
      )}
      <div className={classes.board}>
        {STAGES.map(stage => (
          <section
            key={stage}
            className={classes.column}
            aria-label={`${STAGE_LABELS[stage]} namespaces`}
          >
            <Typography variant="subtitle1" component="h3">
              <StageStatus stage={stage} /> ({columns[stage].length})
            </Typography>
            {columns[stage].map(ns => (
              <Paper
                key={`${ns.cluster}/${ns.namespace}`}
                className={classes.card}
                variant="outlined"
              >
                <Typography variant="subtitle2" component="h4">
                  {ns.namespace}
                </Typography>
                <Typography
                  variant="caption"
                  color="textSecondary"
                  display="block"
                >
                  {ns.cluster} · {ns.counts.enrolled} of {ns.counts.workloads}{' '}
                  in mesh · {ns.counts.strict} STRICT
                </Typography>
                <Typography variant="body2">
                  {ns.blockers.length} blocker
                  {ns.blockers.length === 1 ? '' : 's'}
                </Typography>
                <UnverifiedReasons
                  reasons={ns.unverifiedReasons}
                  variant="caption"
                />
                {stage === 'strict' && ns.blockers.length > 0 && (
                  <Button
                    size="small"
                    color="primary"
                    onClick={() => setOpen(ns)}
                    aria-label={`What fails in ${ns.namespace} on ${ns.cluster} at STRICT`}
                  >
                    What fails at STRICT?
                  </Button>
                )}
                {stage !== 'strict' && (
                  <Button
                    size="small"
                    color="primary"
                    onClick={() => setOpen(ns)}
                    aria-label={`What breaks if ${ns.namespace} on ${ns.cluster} goes STRICT now`}
                  >
                    What breaks if STRICT now?
                  </Button>
                )}
                <Typography variant="caption" display="block">
                  <ToolLinkList links={ns.links} label={ns.namespace} />
                </Typography>
              </Paper>
            ))}
          </section>
        ))}
        {open && (
          <BlockersDialog namespace={open} onClose={() => setOpen(undefined)} />
        )}
      </div>
    </>
  );
}
