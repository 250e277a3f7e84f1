import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CallersTarget, istioApiRef } from '../../api/IstioApi';
import { useAsyncValue } from '../useAsyncValue';
import { CallerOwnersTable } from './CallerOwnersTable';
import { NotifyCallerOwnersButton } from './NotifyCallerOwnersDialog';

/**
 * Who STRICT would refuse, resolved to catalog entities and owners, with
 * the "Notify caller owners" action: on the entity tab and in the adoption
 * page's "what breaks if STRICT now" dialog.
 */
export function CallerOwners(props: {
  target: CallersTarget;
  /** What goes STRICT, as the notify dialog names it. */
  label: string;
}) {
  const api = useApi(istioApiRef);
  const { target } = props;
  const key =
    'entity' in target
      ? `${target.entity.kind}:${target.entity.namespace}/${target.entity.name}`
      : `${target.cluster}/${target.namespace}`;
  const state = useAsyncValue(() => api.getCallers(target), [api, key]);
  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { callers, telemetryUnavailable } = state.value!;
  const owned = callers.some(c => c.entities.some(e => e.owner));
  return (
    <Box>
      {telemetryUnavailable.length > 0 && (
        <Typography variant="body2" paragraph>
          Telemetry of {telemetryUnavailable.join(', ')} could not be read:
          callers there are unknown, not absent.
        </Typography>
      )}
      {callers.length === 0 ? (
        telemetryUnavailable.length === 0 && (
          <Typography variant="body2">
            No plaintext caller and no caller from outside the mesh was
            observed.
          </Typography>
        )
      ) : (
        <CallerOwnersTable
          callers={callers}
          showCluster={new Set(callers.map(c => c.cluster)).size > 1}
        />
      )}
      {callers.length > 0 && (
        <Box mt={1}>
          <NotifyCallerOwnersButton
            target={target}
            label={props.label}
            disabled={!owned}
          />
          {!owned && (
            <Typography variant="caption" display="block">
              No caller has an owner you can see in the catalog.
            </Typography>
          )}
        </Box>
      )}
    </Box>
  );
}
