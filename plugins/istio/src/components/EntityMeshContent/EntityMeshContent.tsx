import { InfoCard, Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  EntityClusterPosture,
  EntityPosture,
  describeBlocker,
} from '@meshportal/plugin-istio-common';
import { CallerOwners } from '../CallerOwners';
import { StageStatus, UnverifiedReasons, formatAge } from '../meshStatus';
import { EntityMeshStateView, StaleNotice } from '../states/EntityMeshStates';
import { useEntityMesh } from '../useEntityMesh';
import { AuthorizationPolicies } from './AuthorizationPolicies';
import { FindingsList } from './FindingsList';
import { ObjectYaml } from './ObjectYaml';
import { ObservedCallers } from './ObservedCallers';
import { TrafficEvidence } from './TrafficEvidence';
import { TrafficRoutes } from './TrafficRoutes';
import { ToolLinkList, WorkloadsTable } from './WorkloadsTable';

function ReadinessCard(props: { posture: EntityPosture }) {
  const { readiness } = props.posture;
  return (
    <InfoCard
      title="Readiness for STRICT"
      titleTypographyProps={{ component: 'h2' }}
    >
      <StageStatus stage={readiness.stage} />
      <UnverifiedReasons reasons={readiness.unverifiedReasons} />
      {readiness.blockers.length === 0 ? (
        <Typography variant="body2">
          Nothing known blocks STRICT mTLS.
          {readiness.telemetryUnknown &&
            ' Telemetry is unavailable, so plaintext callers are unknown.'}
        </Typography>
      ) : (
        <>
          <Typography variant="body2">
            {readiness.blockers.length} blocker
            {readiness.blockers.length === 1 ? '' : 's'}:
          </Typography>
          <ul>
            {readiness.blockers.map((b, i) => (
              <li key={i}>
                <Typography variant="body2">{describeBlocker(b)}</Typography>
              </li>
            ))}
          </ul>
        </>
      )}
    </InfoCard>
  );
}

function ClusterSection(props: { cluster: EntityClusterPosture }) {
  const { cluster } = props;
  const namespaceLinks = Object.entries(cluster.links?.namespaces ?? {});
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Typography variant="h5" component="h2">
          Cluster {cluster.cluster}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Computed {formatAge(cluster.ageSeconds)}
          {cluster.stale
            ? ' (stale: cluster unreachable or partly failing)'
            : ''}
          {cluster.links?.graph && (
            <>
              {' · '}
              <Link
                to={cluster.links.graph}
                target="_blank"
                rel="noopener noreferrer"
              >
                Kiali traffic graph
              </Link>
            </>
          )}
          {namespaceLinks.map(([ns, links]) => (
            <span key={ns}>
              {' · '}namespace {ns}: <ToolLinkList links={links} label={ns} />
            </span>
          ))}
        </Typography>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Workloads" titleTypographyProps={{ component: 'h3' }}>
          <WorkloadsTable
            workloads={cluster.workloads}
            services={cluster.services}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Traffic routes"
          titleTypographyProps={{ component: 'h3' }}
        >
          <TrafficRoutes services={cluster.services} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Who may call it"
          titleTypographyProps={{ component: 'h3' }}
        >
          <AuthorizationPolicies policies={cluster.authorizationPolicies} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Observed callers"
          titleTypographyProps={{ component: 'h3' }}
        >
          <ObservedCallers traffic={cluster.telemetry} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="mTLS evidence"
          subheader={`Server-reported traffic over the last ${cluster.telemetry.window}`}
          titleTypographyProps={{ component: 'h3' }}
        >
          <TrafficEvidence
            traffic={cluster.telemetry}
            workloads={cluster.workloads.filter(w => w.dataplane !== 'none')}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title={`Findings (${cluster.findings.length})`}
          titleTypographyProps={{ component: 'h3' }}
        >
          <FindingsList findings={cluster.findings} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Istio objects"
          titleTypographyProps={{ component: 'h3' }}
        >
          <ObjectYaml posture={cluster} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/**
 * The "Service mesh" tab of an entity: per cluster, its workloads, routes,
 * authorization, callers, findings and Istio objects.
 * @public
 */
export function EntityMeshContent() {
  const { entity } = useEntity();
  const state = useEntityMesh(entity);
  if (state.type !== 'in-mesh') {
    return <EntityMeshStateView state={state} retry={state.retry} />;
  }
  const { posture } = state;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <StaleNotice posture={posture} />
      </Grid>
      <Grid item xs={12}>
        <ReadinessCard posture={posture} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Callers STRICT would refuse"
          subheader="Plaintext callers and callers from outside the mesh, with the catalog entities and owners claiming them"
          titleTypographyProps={{ component: 'h2' }}
        >
          <CallerOwners
            target={{
              entity: {
                kind: entity.kind,
                namespace: entity.metadata.namespace ?? 'default',
                name: entity.metadata.name,
              },
            }}
            label={stringifyEntityRef(entity)}
          />
        </InfoCard>
      </Grid>
      {posture.clusters.map(c => (
        <Grid item xs={12} key={c.cluster}>
          <ClusterSection cluster={c} />
        </Grid>
      ))}
    </Grid>
  );
}
