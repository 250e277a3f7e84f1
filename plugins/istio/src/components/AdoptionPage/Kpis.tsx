import { InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import RemoveIcon from '@material-ui/icons/Remove';
import { AdoptionCounts } from '@meshportal/plugin-istio-common';
import { AdoptionKpis, Kpi } from './kpiTrend';

function Change(props: {
  change?: number;
  days: number;
  unit: string;
  /** For blockers, going down is the good direction. */
  lowerIsBetter?: boolean;
}) {
  const { change, days, unit } = props;
  if (change === undefined) {
    return (
      <Typography variant="body2" color="textSecondary">
        No data from {days} days ago
      </Typography>
    );
  }
  let Icon = RemoveIcon;
  if (change > 0) Icon = ArrowUpwardIcon;
  if (change < 0) Icon = ArrowDownwardIcon;
  const good = props.lowerIsBetter ? change < 0 : change > 0;
  let color: 'textSecondary' | 'primary' | 'error' = 'textSecondary';
  if (change !== 0) color = good ? 'primary' : 'error';
  const sign = change > 0 ? '+' : '';
  return (
    <Typography
      variant="body2"
      color={color}
      style={{ display: 'flex', alignItems: 'center', gap: 4 }}
    >
      <Icon fontSize="small" aria-hidden />
      {`${sign}${change}${unit} since ${days} days ago`}
    </Typography>
  );
}

function KpiCard(props: {
  title: string;
  kpi: Kpi;
  unit: string;
  caption: string;
  lowerIsBetter?: boolean;
}) {
  const { kpi, unit } = props;
  return (
    <InfoCard title={props.title} titleTypographyProps={{ component: 'h2' }}>
      <Typography
        variant="h3"
        component="p"
        aria-label={`${props.title}: ${kpi.value}${unit === ' pts' ? '%' : ''}`}
      >
        {kpi.value}
        {unit === ' pts' ? '%' : ''}
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {props.caption}
      </Typography>
      <Change
        change={kpi.change7}
        days={7}
        unit={unit}
        lowerIsBetter={props.lowerIsBetter}
      />
      <Change
        change={kpi.change30}
        days={30}
        unit={unit}
        lowerIsBetter={props.lowerIsBetter}
      />
    </InfoCard>
  );
}

/** Share in the mesh, share at STRICT and open blockers, with their trend. */
export function Kpis(props: { kpis: AdoptionKpis; totals: AdoptionCounts }) {
  const { kpis, totals } = props;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={4}>
        <KpiCard
          title="Services in the mesh"
          kpi={kpis.inMesh}
          unit=" pts"
          caption={`${totals.enrolled} of ${totals.workloads} workloads run with a proxy`}
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <KpiCard
          title="At STRICT mTLS"
          kpi={kpis.strict}
          unit=" pts"
          caption={`${totals.strict} of ${totals.workloads} workloads refuse plaintext`}
        />
      </Grid>
      <Grid item xs={12} md={4}>
        <KpiCard
          title="Open blockers"
          kpi={kpis.blockers}
          unit=""
          caption="What would break if every namespace went STRICT now"
          lowerIsBetter
        />
      </Grid>
    </Grid>
  );
}
