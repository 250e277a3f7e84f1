import {
  InfoCard,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import { ReactNode } from 'react';
import {
  EntityPosture,
  ReadinessStage,
  UnverifiedReason,
} from '@meshportal/plugin-istio-common';
import {
  MtlsModeStatus,
  SeverityStatus,
  UnverifiedReasons,
} from '../meshStatus';
import { EntityMeshStateView, StaleNotice } from '../states/EntityMeshStates';
import { useEntityMesh } from '../useEntityMesh';
import { summarizeMesh } from './meshSummary';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    // minmax(0, 1fr): long pod names wrap instead of widening the card.
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
    '& dt': {
      ...theme.typography.body2,
      color: theme.palette.text.secondary,
      fontWeight: 500,
    },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
  actions: { display: 'flex', gap: theme.spacing(1), flexWrap: 'wrap' },
}));

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/** The answer to "can this service go STRICT?", in words and an icon. */
/** What most keeps an `unverified` verdict from being proven, in a few words. */
function unverifiedSummary(reasons: UnverifiedReason[] = []): string {
  const codes = new Set(reasons.map(r => r.code));
  if (codes.has('partial')) return 'part of the cluster is unreadable';
  if (codes.has('no-telemetry')) return 'no telemetry';
  if (codes.has('window-too-short'))
    return 'telemetry covers less than the window';
  return 'no evidence';
}

function ReadinessStatus(props: {
  stage: ReadinessStage;
  blockers: number;
  reasons?: UnverifiedReason[];
}) {
  const { stage, blockers } = props;
  const count = `${blockers} blocker${blockers === 1 ? '' : 's'}`;
  switch (stage) {
    case 'strict':
      return <StatusOK>Already STRICT</StatusOK>;
    case 'ready-for-strict':
      return <StatusOK>Ready: no blockers</StatusOK>;
    case 'permissive':
      return <StatusWarning>Not yet: {count}</StatusWarning>;
    case 'exception':
      return <StatusError>Exception: mTLS disabled ({count})</StatusError>;
    case 'unverified':
      // Neutral, never green: nothing known blocks STRICT, nothing proves it.
      return (
        <StatusPending>
          Unverified: {unverifiedSummary(props.reasons)}
        </StatusPending>
      );
    default:
      return <StatusAborted>Not enrolled ({count})</StatusAborted>;
  }
}

function MeshCardBody(props: { posture: EntityPosture }) {
  const classes = useStyles();
  const summary = summarizeMesh(props.posture);
  return (
    <>
      <StaleNotice posture={props.posture} />
      <dl className={classes.facts}>
        <Fact label="Mesh">
          {summary.fullyEnrolled ? (
            <StatusOK>{summary.dataplane}</StatusOK>
          ) : (
            <StatusWarning>{summary.dataplane}</StatusWarning>
          )}
          {summary.revisions.length > 0 && (
            <Typography variant="body2" component="span">
              {' '}
              revision {summary.revisions.join(', ')}
            </Typography>
          )}
        </Fact>
        <Fact label="mTLS">
          {summary.mtls ? (
            <>
              <MtlsModeStatus mode={summary.mtls.mode} />
              <Typography variant="body2" color="textSecondary">
                decided by {summary.mtls.decidedBy}
              </Typography>
              {summary.mtls.differingPorts.length > 0 && (
                <Typography variant="body2">
                  Differs on {summary.mtls.differingPorts.join(', ')}
                </Typography>
              )}
            </>
          ) : (
            'None'
          )}
        </Fact>
        <Fact label="Ready for STRICT">
          <ReadinessStatus
            stage={summary.stage}
            blockers={summary.blockers}
            reasons={props.posture.readiness.unverifiedReasons}
          />
          <UnverifiedReasons
            reasons={props.posture.readiness.unverifiedReasons}
            variant="caption"
          />
        </Fact>
        <Fact label="Findings">
          {summary.findingCount === 0 ? (
            'No findings'
          ) : (
            <List dense disablePadding>
              {summary.topFindings.map((f, i) => (
                <ListItem key={i} disableGutters>
                  <ListItemText
                    primary={
                      <SeverityStatus severity={f.severity}>
                        {f.code} {f.name}
                      </SeverityStatus>
                    }
                    secondary={f.message}
                  />
                </ListItem>
              ))}
              {summary.findingCount > summary.topFindings.length && (
                <Typography variant="body2" color="textSecondary">
                  and {summary.findingCount - summary.topFindings.length} more
                  on the Service mesh tab
                </Typography>
              )}
            </List>
          )}
        </Fact>
      </dl>
      <Box mt={2} className={classes.actions}>
        {summary.kialiUrl && (
          <Button
            variant="outlined"
            href={summary.kialiUrl}
            target="_blank"
            rel="noopener noreferrer"
            endIcon={<OpenInNewIcon />}
          >
            Kiali
          </Button>
        )}
        {summary.grafanaUrl && (
          <Button
            variant="outlined"
            href={summary.grafanaUrl}
            target="_blank"
            rel="noopener noreferrer"
            endIcon={<OpenInNewIcon />}
          >
            Grafana
          </Button>
        )}
      </Box>
    </>
  );
}

/**
 * The "Service mesh" card of an entity's overview: enrollment, effective
 * mTLS, readiness for STRICT and the most severe findings.
 * @public
 */
export function EntityMeshCard() {
  const { entity } = useEntity();
  const state = useEntityMesh(entity);
  return (
    <InfoCard
      title="Service mesh"
      variant="gridItem"
      titleTypographyProps={{ component: 'h2' }}
    >
      {state.type === 'in-mesh' ? (
        <MeshCardBody posture={state.posture} />
      ) : (
        <EntityMeshStateView state={state} retry={state.retry} />
      )}
    </InfoCard>
  );
}
