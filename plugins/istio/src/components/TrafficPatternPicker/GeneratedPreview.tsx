import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  KubeObject,
  TrafficPattern,
  checkGeneratedObjects,
  generateTrafficPattern,
} from '@meshportal/plugin-istio-common';
import { useMemo } from 'react';
import { stringify } from 'yaml';
import { FindingsList } from '../EntityMeshContent/FindingsList';
import { PatternTarget, previewInput } from './patternDraft';

const useStyles = makeStyles(theme => ({
  heading: { marginTop: theme.spacing(3), marginBottom: theme.spacing(1) },
  yaml: {
    display: 'flex',
    alignItems: 'flex-start',
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    '& pre': {
      flex: 1,
      margin: 0,
      padding: theme.spacing(1.5),
      overflowX: 'auto',
      maxHeight: '28rem',
      fontFamily: 'monospace',
      fontSize: theme.typography.body2.fontSize,
      color: theme.palette.text.primary,
    },
  },
}));

/** What the preview shows for a pattern: YAML, or why there is none. */
export function previewOf(
  target: PatternTarget,
  pattern: TrafficPattern,
  context: ReadonlyArray<KubeObject>,
) {
  const { objects, problems } = generateTrafficPattern(
    previewInput(target, pattern),
  );
  if (!objects.length)
    return { problems, yaml: '', findings: [], unverified: [] };
  const yaml = objects.map(o => stringify(o)).join('---\n');
  const check = checkGeneratedObjects(objects, context);
  const unverified = new Set(check.unverified);
  return {
    problems,
    yaml,
    findings: check.findings.filter(f => !unverified.has(f)),
    unverified: check.unverified,
  };
}

/** The generated manifests, live, and what MeshPortal's engine says about them. */
export function GeneratedPreview(props: {
  target: PatternTarget;
  pattern: TrafficPattern;
  context: ReadonlyArray<KubeObject>;
}) {
  const classes = useStyles();
  const { target, pattern, context } = props;
  const preview = useMemo(
    () => previewOf(target, pattern, context),
    [target, pattern, context],
  );
  return (
    <section aria-label="Preview">
      <Typography
        variant="subtitle1"
        component="h4"
        className={classes.heading}
      >
        Generated YAML
      </Typography>
      {preview.problems.length > 0 && (
        <>
          <Typography variant="body2" color="error">
            Nothing can be generated until these fields are fixed:
          </Typography>
          <ul>
            {preview.problems.map((p, i) => (
              <li key={i}>
                <Typography variant="body2">
                  {p.field}: {p.message}
                </Typography>
              </li>
            ))}
          </ul>
        </>
      )}
      {preview.yaml && (
        <Box className={classes.yaml}>
          {/* A scrolling region must be reachable with the keyboard. */}
          {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
          <pre aria-label="Generated YAML" role="region" tabIndex={0}>
            {preview.yaml}
          </pre>
          <CopyTextButton
            text={preview.yaml}
            aria-label="Copy the generated YAML"
          />
        </Box>
      )}
      {preview.yaml && (
        <>
          <Typography
            variant="subtitle1"
            component="h4"
            className={classes.heading}
          >
            Findings of the engine
          </Typography>
          <FindingsList findings={preview.findings} />
          {preview.unverified.length > 0 && (
            <>
              <Typography
                variant="subtitle1"
                component="h4"
                className={classes.heading}
              >
                Not confirmed here ({preview.unverified.length})
              </Typography>
              <Typography variant="body2" paragraph>
                These findings only say that a referenced object (a Service,
                pods, a gateway) was not among the objects loaded here. Check
                them against the cluster before merging.
              </Typography>
              <FindingsList findings={preview.unverified} />
            </>
          )}
        </>
      )}
    </section>
  );
}
