import {
  EmptyState,
  InfoCard,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Skeleton } from '@backstage/ui';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useEffect, useState } from 'react';
import {
  MeshCheckResult,
  MeshScorecard,
  loadMeshScorecard,
} from './meshScorecardApi';

const useStyles = makeStyles(theme => ({
  checks: {
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(1, 0, 2),
    '& > li + li': { marginTop: theme.spacing(1.5) },
  },
}));

type LoadState =
  | { status: 'loading' }
  | { status: 'error'; error: Error }
  | { status: 'done'; scorecard: MeshScorecard };

function ScorecardSkeleton() {
  return (
    <Box aria-busy="true" aria-label="Loading mesh scorecard">
      <Typography variant="srOnly" component="span">
        Loading mesh scorecard
      </Typography>
      {[0, 1, 2].map(row => (
        <Box key={row} marginBottom={2}>
          <Skeleton width="40%" height={20} />
          <Box marginTop={0.5}>
            <Skeleton width="85%" height={16} />
          </Box>
        </Box>
      ))}
    </Box>
  );
}

/** A fact value the check looked at, as a person reads it. */
function formatFactValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function CheckRow(props: { result: MeshCheckResult }) {
  const { check, result, facts } = props.result;
  const seen = Object.entries(facts ?? {})
    .map(([name, fact]) => `${name}: ${formatFactValue(fact?.value)}`)
    .join(', ');
  return (
    <li>
      <Typography variant="body1" component="div">
        {/* The word says it too: colour is never the only signal. */}
        {result ? (
          <StatusOK>Pass</StatusOK>
        ) : (
          <StatusError>Fail</StatusError>
        )}{' '}
        <strong>{check.name}</strong>
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {check.description}
      </Typography>
      {seen && (
        <Typography variant="caption" color="textSecondary">
          Fact {seen}
        </Typography>
      )}
    </li>
  );
}

function CollectedAt(props: { at?: string }) {
  if (!props.at) {
    return (
      <Typography variant="body2" color="textSecondary">
        Tech Insights did not report when these facts were collected.
      </Typography>
    );
  }
  const when = new Date(props.at);
  return (
    <Typography variant="body2" color="textSecondary">
      Facts collected{' '}
      <time dateTime={props.at}>
        {when.toLocaleString(undefined, {
          dateStyle: 'medium',
          timeStyle: 'short',
        })}
      </time>
    </Typography>
  );
}

function ScorecardBody(props: { state: LoadState }) {
  const { state } = props;
  const classes = useStyles();
  if (state.status === 'loading') {
    return <ScorecardSkeleton />;
  }
  if (state.status === 'error') {
    return <ResponseErrorPanel error={state.error} />;
  }
  const { scorecard } = state;
  if (scorecard.state === 'no-facts') {
    return (
      <EmptyState
        missing="data"
        title="No mesh facts yet"
        description="Facts are collected every 5 minutes; first run pending."
      />
    );
  }
  if (scorecard.results.length === 0) {
    return (
      <EmptyState
        missing="field"
        title="No mesh checks configured"
        description="Add the istio-in-mesh, istio-mtls-strict and istio-no-error-findings checks under techInsights.factChecker.checks in app-config.yaml."
      />
    );
  }
  const failed = scorecard.results.filter(r => !r.result).length;
  return (
    <>
      <Typography variant="body2">
        {failed === 0
          ? `All ${scorecard.results.length} checks pass`
          : `${failed} of ${scorecard.results.length} checks fail`}
      </Typography>
      <ul className={classes.checks} aria-label="Mesh checks">
        {scorecard.results.map(result => (
          <CheckRow key={result.check.id} result={result} />
        ))}
      </ul>
      <CollectedAt at={scorecard.collectedAt} />
    </>
  );
}

/**
 * The entity's Tech Insights mesh checks (fact retriever `istio-mesh-facts`),
 * each with its verdict in an icon and a word.
 */
export function MeshScorecardCard() {
  const { entity } = useEntity();
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [state, setState] = useState<LoadState>({ status: 'loading' });

  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    loadMeshScorecard(
      { discoveryApi, fetchApi },
      { kind, namespace, name },
    ).then(
      scorecard => current && setState({ status: 'done', scorecard }),
      error => current && setState({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [discoveryApi, fetchApi, kind, namespace, name]);

  return (
    <InfoCard title="Mesh scorecard">
      <ScorecardBody state={state} />
    </InfoCard>
  );
}
