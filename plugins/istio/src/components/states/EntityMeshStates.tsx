import {
  CodeSnippet,
  EmptyState,
  LinkButton,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Skeleton from '@material-ui/lab/Skeleton';
import { EntityPosture } from '@meshportal/plugin-istio-common';
import { formatAge } from '../meshStatus';
import { EntityMeshState } from '../useEntityMesh';

/** Where the onboarding Software Template lives in the app. */
export const ONBOARDING_TEMPLATE_PATH =
  '/create/templates/default/istio-onboard-service';

const ANNOTATION_SNIPPET = `metadata:
  annotations:
    # the label your Deployment's pods carry: backstage.io/kubernetes-id=<value>
    backstage.io/kubernetes-id: my-service
    # or any label selector instead:
    # backstage.io/kubernetes-label-selector: 'app=my-service'`;

const INJECTION_SNIPPET = `apiVersion: v1
kind: Namespace
metadata:
  name: my-namespace
  labels:
    istio-injection: enabled   # or istio.io/rev: <revision>, or
    # istio.io/dataplane-mode: ambient`;

/** Placeholder shaped like the content while the posture loads. */
export function MeshSkeleton(props: { rows?: number }) {
  const rows = props.rows ?? 4;
  return (
    <Box aria-busy="true" aria-label="Loading service mesh posture">
      <Typography variant="srOnly" component="span">
        Loading service mesh posture
      </Typography>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} variant="text" width={`${90 - i * 12}%`} />
      ))}
      <Skeleton variant="rect" height={32} width={160} />
    </Box>
  );
}

export function NoKubernetesAnnotation() {
  return (
    <EmptyState
      missing="field"
      title="No Kubernetes annotation"
      description="The service mesh view finds this entity's workloads the way the Kubernetes plugin does. Add one of these annotations to its catalog-info.yaml:"
      action={
        <CodeSnippet
          language="yaml"
          text={ANNOTATION_SNIPPET}
          showCopyCodeButton
        />
      }
    />
  );
}

export function NotInMesh(props: { posture: EntityPosture }) {
  const workloads = props.posture.clusters.flatMap(c => c.workloads);
  const reasons = [
    ...new Set(workloads.map(w => w.injection?.reason).filter(Boolean)),
  ];
  const n = workloads.length;
  return (
    <EmptyState
      missing="content"
      title="Not in the service mesh"
      description={`${n} workload${n === 1 ? '' : 's'} run${
        n === 1 ? 's' : ''
      } without an Istio proxy: no mTLS, no mesh routing, no mesh telemetry.${
        reasons.length ? ` Why: ${reasons.join('; ')}.` : ''
      }`}
      action={
        <>
          <Typography variant="body1" paragraph>
            To onboard, enable injection (or ambient mode) on the namespace and
            restart the workloads, or let the onboarding template open the
            change for you.
          </Typography>
          <CodeSnippet language="yaml" text={INJECTION_SNIPPET} />
          <Box mt={2}>
            <LinkButton
              to={ONBOARDING_TEMPLATE_PATH}
              variant="contained"
              color="primary"
            >
              Onboard this service
            </LinkButton>
          </Box>
        </>
      }
    />
  );
}

export function IstioNotInstalled(props: { clusters: string[] }) {
  return (
    <EmptyState
      missing="info"
      title="Istio is not installed"
      description={`Cluster ${props.clusters.join(
        ', ',
      )} has no Istio resources (PeerAuthentication, VirtualService...). Install Istio there, or ask the platform team which cluster runs the mesh.`}
    />
  );
}

export function NotFoundOrForbidden() {
  return (
    <EmptyState
      missing="data"
      title="Not found or not allowed"
      description="The mesh backend does not know this entity, or you are not allowed to see its mesh posture."
    />
  );
}

export function NoWorkloads(props: { posture: EntityPosture }) {
  const { selector } = props.posture;
  return (
    <EmptyState
      missing="data"
      title="No workloads found"
      description={`No Deployment, StatefulSet, DaemonSet or pod matches ${
        selector.labelSelector
      }${selector.namespace ? ` in namespace ${selector.namespace}` : ''}${
        selector.cluster ? ` on cluster ${selector.cluster}` : ''
      }. Check the Kubernetes annotations of this entity.`}
    />
  );
}

export function ClustersPending(props: { clusters: string[] }) {
  return (
    <EmptyState
      missing="info"
      title="Cluster not synced yet"
      description={`The mesh backend is still reading cluster ${props.clusters.join(
        ', ',
      )}. This usually takes under a minute; if it lasts, the cluster is unreachable.`}
    />
  );
}

/**
 * Says when what is shown may be out of date: a cluster's cache is degraded
 * (unreachable, or a kind failing) or a cluster has not synced yet.
 */
export function StaleNotice(props: { posture: EntityPosture }) {
  const { posture } = props;
  const stale = posture.clusters.filter(c => c.stale);
  const pending = posture.pendingClusters ?? [];
  const missing = posture.missingKinds ?? [];
  if (!posture.stale && !stale.length && !pending.length && !missing.length)
    return null;
  return (
    <WarningPanel
      severity="warning"
      title={
        missing.length
          ? 'Partial data: part of the cluster could not be read'
          : 'Showing last known data'
      }
      defaultExpanded
    >
      <div>
        {missing.map(k => (
          <Typography key={`${k.cluster}/${k.kind}`} variant="body2">
            Cluster {k.cluster}: {k.kind === '*' ? 'nothing' : k.kind} could not
            be read ({k.reason ?? k.state}).
          </Typography>
        ))}
        {stale.map(c => (
          <Typography key={c.cluster} variant="body2">
            Cluster {c.cluster} is unreachable or partly failing: data from{' '}
            {formatAge(c.ageSeconds)}.
          </Typography>
        ))}
        {pending.map(c => (
          <Typography key={c} variant="body2">
            Cluster {c} has not synced yet: its workloads are not shown.
          </Typography>
        ))}
        {!stale.length && !pending.length && !missing.length && (
          <Typography variant="body2">
            Data from {formatAge(posture.ageSeconds)}.
          </Typography>
        )}
      </div>
    </WarningPanel>
  );
}

/** Renders every state but `in-mesh`; returns null for it. */
export function EntityMeshStateView(props: {
  state: EntityMeshState;
  retry?: () => void;
}) {
  const { state } = props;
  switch (state.type) {
    case 'no-annotation':
      return <NoKubernetesAnnotation />;
    case 'loading':
      return <MeshSkeleton />;
    case 'not-found':
      return <NotFoundOrForbidden />;
    case 'error':
      return (
        <>
          <ResponseErrorPanel
            error={state.error}
            title="Could not load the service mesh posture"
          />
          {props.retry && (
            <Button variant="outlined" onClick={props.retry}>
              Retry
            </Button>
          )}
        </>
      );
    case 'pending':
      return <ClustersPending clusters={state.clusters} />;
    case 'no-workloads':
      return <NoWorkloads posture={state.posture} />;
    case 'partial':
      return (
        <>
          <StaleNotice posture={state.posture} />
          <EmptyState
            missing="data"
            title="Cannot tell whether this service is in the mesh"
            description="Part of the cluster could not be read, so its workloads or their pods may be missing here. The readiness for STRICT stays unverified until they can be read."
          />
        </>
      );
    case 'istio-not-installed':
      return <IstioNotInstalled clusters={state.clusters} />;
    case 'not-in-mesh':
      return (
        <>
          <StaleNotice posture={state.posture} />
          <NotInMesh posture={state.posture} />
        </>
      );
    default:
      return null;
  }
}
