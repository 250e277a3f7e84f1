import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  InfoCard,
  Page,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Skeleton from '@material-ui/lab/Skeleton';
import { istioApiRef } from '../../api/IstioApi';
import { AdoptionHistoryPoint } from '../../api/types';
import { useAsyncValue } from '../useAsyncValue';
import { Kpis } from './Kpis';
import { computeKpis } from './kpiTrend';
import { OwnershipTable } from './OwnershipTable';
import { TopFindings } from './TopFindings';
import { TrendChart } from './TrendChart';
import { WavesBoard } from './WavesBoard';

const HISTORY_DAYS = 90;

function PageSkeleton() {
  return (
    <Grid
      container
      spacing={2}
      aria-busy="true"
      aria-label="Loading mesh adoption"
    >
      {[0, 1, 2].map(i => (
        <Grid item xs={12} md={4} key={i}>
          <Skeleton variant="rect" height={140} />
        </Grid>
      ))}
      <Grid item xs={12}>
        <Skeleton variant="rect" height={240} />
      </Grid>
    </Grid>
  );
}

/**
 * The body of the mesh adoption page, for the platform team: KPIs and their
 * trend, the namespace waves board, adoption by owner and system, top findings.
 * @public
 */
export function AdoptionPageContent(props: { now?: () => number }) {
  const api = useApi(istioApiRef);
  const now = props.now ?? Date.now;
  const result = useAsyncValue(async () => {
    const at = now();
    const [report, history] = await Promise.all([
      api.getAdoption(),
      // The trend is secondary: a failing history endpoint leaves the rest usable.
      api
        .getAdoptionHistory({
          from: new Date(at - HISTORY_DAYS * 86_400_000),
          to: new Date(at),
        })
        .then(
          points => ({ points, error: undefined }),
          (error: Error) => ({
            points: [] as AdoptionHistoryPoint[],
            error,
          }),
        ),
    ]);
    return { report, history, at };
  }, [api]);

  if (result.loading && !result.value) return <PageSkeleton />;
  if (
    (result.error as { statusCode?: number } | undefined)?.statusCode === 403
  ) {
    return (
      <EmptyState
        missing="info"
        title="Not allowed"
        description="Reading mesh adoption needs the istio.adoption.read permission. Ask the platform team for access."
      />
    );
  }
  if (result.error) {
    return (
      <ResponseErrorPanel
        error={result.error}
        title="Could not load mesh adoption"
      />
    );
  }
  const { report, history, at } = result.value!;
  const kpis = computeKpis(report, history.points, at);
  return (
    <Grid container spacing={3}>
      {(report.telemetryUnavailable?.length ?? 0) > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="info"
            title="Telemetry unavailable"
            message={`No traffic data for cluster ${report.telemetryUnavailable!.join(
              ', ',
            )}: plaintext callers there are unknown, so blockers may be missing.`}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <Kpis kpis={kpis} totals={report.totals} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Adoption over time"
          titleTypographyProps={{ component: 'h2' }}
        >
          {history.error ? (
            <Typography variant="body2">
              History unavailable: {history.error.message}
            </Typography>
          ) : (
            <TrendChart history={history.points} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Namespace waves"
          titleTypographyProps={{ component: 'h2' }}
        >
          <WavesBoard namespaces={report.byNamespace} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <OwnershipTable report={report} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Top findings"
          titleTypographyProps={{ component: 'h2' }}
        >
          <TopFindings
            findings={report.topFindings}
            namespaces={report.byNamespace}
          />
        </InfoCard>
      </Grid>
      {(report.unmappedEntities?.length ?? 0) > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="warning"
            title={`${
              report.unmappedEntities!.length
            } entities with an unreadable label selector`}
          >
            <ul>
              {report.unmappedEntities!.map(e => (
                <li key={e.entityRef}>
                  {e.entityRef}: {e.error}
                </li>
              ))}
            </ul>
          </WarningPanel>
        </Grid>
      )}
    </Grid>
  );
}

/**
 * The mesh adoption page as the new frontend system mounts it (the app
 * draws the page header).
 * @public
 */
export function AdoptionPage() {
  return (
    <Content>
      <ContentHeader title="Service mesh adoption" />
      <AdoptionPageContent />
    </Content>
  );
}

/**
 * The mesh adoption page with its own header, for apps on the legacy
 * frontend system.
 * @public
 */
export function LegacyAdoptionPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Service mesh"
        subtitle="Adoption of Istio and STRICT mTLS across the catalog"
      />
      <Content>
        <ContentHeader title="Service mesh adoption" />
        <AdoptionPageContent />
      </Content>
    </Page>
  );
}
