import { CopyTextButton } from '@backstage/core-components';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { stringify } from 'yaml';
import { EntityClusterPosture } from '@meshportal/plugin-istio-common';

/** One Istio object that applies, ready to show and copy. */
export interface ObjectDocument {
  title: string;
  yaml: string;
  /** The backend sent its summary, not the manifest. */
  summary: boolean;
}

/**
 * The Istio objects of one cluster posture as YAML: the manifests when the
 * backend sends them, else the backend's summary of each routing and
 * authorization object (which keeps the fields that decide behaviour).
 */
export function objectDocuments(
  posture: EntityClusterPosture,
): ObjectDocument[] {
  if (posture.objects?.length) {
    return posture.objects.map(o => ({
      title: `${o.kind} ${
        o.metadata.namespace ? `${o.metadata.namespace}/` : ''
      }${o.metadata.name}`,
      yaml: stringify(o),
      summary: false,
    }));
  }
  const seen = new Set<string>();
  const docs: ObjectDocument[] = [];
  const add = (kind: string, view: { namespace: string; name: string }) => {
    const title = `${kind} ${view.namespace}/${view.name}`;
    if (seen.has(title)) return;
    seen.add(title);
    docs.push({ title, yaml: stringify({ kind, ...view }), summary: true });
  };
  for (const s of posture.services) {
    s.virtualServices.forEach(v => add('VirtualService', v));
    s.destinationRules.forEach(d => add('DestinationRule', d));
  }
  posture.authorizationPolicies.forEach(p => add('AuthorizationPolicy', p));
  return docs;
}

const useStyles = makeStyles(theme => ({
  yaml: {
    margin: 0,
    flex: 1,
    overflowX: 'auto',
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    background: theme.palette.background.default,
    padding: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
  },
}));

/** The YAML of each Istio object that applies, collapsed, each copyable. */
export function ObjectYaml(props: { posture: EntityClusterPosture }) {
  const classes = useStyles();
  const docs = objectDocuments(props.posture);
  if (!docs.length) {
    return (
      <Typography variant="body2">
        No VirtualService, DestinationRule or AuthorizationPolicy applies.
      </Typography>
    );
  }
  return (
    <>
      {docs.some(d => d.summary) && (
        <Typography variant="body2" color="textSecondary" paragraph>
          As the mesh backend summarizes them (hosts qualified, routes
          flattened).
        </Typography>
      )}
      {docs.map(d => (
        <Accordion key={d.title} TransitionProps={{ unmountOnExit: true }}>
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <Typography variant="body2">{d.title}</Typography>
          </AccordionSummary>
          <AccordionDetails>
            <Box display="flex" width="100%" alignItems="flex-start">
              <pre className={classes.yaml}>{d.yaml}</pre>
              <CopyTextButton
                text={d.yaml}
                aria-label={`Copy YAML of ${d.title}`}
              />
            </Box>
          </AccordionDetails>
        </Accordion>
      ))}
    </>
  );
}
