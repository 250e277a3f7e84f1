import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Finding } from '@meshportal/plugin-istio-common';
import { bySeverity } from '../EntityMeshCard/meshSummary';
import { SeverityStatus } from '../meshStatus';

const useStyles = makeStyles(theme => ({
  finding: { padding: theme.spacing(1.5), marginBottom: theme.spacing(1) },
  remediation: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    background: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1),
    '& pre': {
      margin: 0,
      flex: 1,
      whiteSpace: 'pre-wrap',
      fontFamily: 'monospace',
      fontSize: theme.typography.body2.fontSize,
    },
  },
}));

/** Every finding, most severe first, with a copyable remediation. */
export function FindingsList(props: { findings: Finding[] }) {
  const classes = useStyles();
  if (!props.findings.length) {
    return <Typography variant="body2">No findings.</Typography>;
  }
  return (
    <>
      {[...props.findings].sort(bySeverity).map((f, i) => (
        <Paper variant="outlined" className={classes.finding} key={i}>
          <Typography variant="subtitle2" component="h5">
            <SeverityStatus severity={f.severity}>
              {f.code} {f.name}: {f.resource}
            </SeverityStatus>
          </Typography>
          <Typography variant="body2" paragraph>
            {f.message}
          </Typography>
          {f.remediation && (
            <Box className={classes.remediation}>
              <pre>{f.remediation}</pre>
              <CopyTextButton
                text={f.remediation}
                aria-label={`Copy remediation of ${f.code} ${f.resource}`}
              />
            </Box>
          )}
          {f.origin?.file && (
            <Typography variant="caption" color="textSecondary">
              {f.origin.file}
              {f.origin.line ? `:${f.origin.line}` : ''}
            </Typography>
          )}
        </Paper>
      ))}
    </>
  );
}
