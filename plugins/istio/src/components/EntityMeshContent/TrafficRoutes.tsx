import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  DestinationRuleView,
  RouteDestination,
  RouteRule,
  ServicePosture,
  VirtualServiceView,
} from '../../api/types';
import { ToolLinkList } from './WorkloadsTable';

const useStyles = makeStyles(theme => ({
  rule: {
    padding: theme.spacing(1.5),
    marginBottom: theme.spacing(1),
  },
  barTrack: {
    height: 12,
    flex: 1,
    minWidth: 80,
    background: theme.palette.action.hover,
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
  },
  bar: {
    height: '100%',
    background: theme.palette.primary.main,
  },
  destination: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  },
  destinationName: { minWidth: 200, wordBreak: 'break-all' },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(1),
  },
}));

const MATCH_OPERATORS = ['exact', 'prefix', 'regex'];

/** Match fields that hold a map of named conditions. */
const NAMED_CONDITIONS: Record<string, string> = {
  headers: 'header',
  queryParams: 'query',
  withoutHeaders: 'without header',
};

function describeCondition(field: string, value: any): string {
  if (value && typeof value === 'object') {
    const op = MATCH_OPERATORS.find(o => value[o] !== undefined);
    if (op) return `${field} ${op} "${value[op]}"`;
  }
  return `${field} = ${JSON.stringify(value)}`;
}

/** One HTTP/TCP/TLS match as readable conditions, e.g. `header end-user exact "jason"`. */
export function describeMatch(match: any): string[] {
  if (!match || typeof match !== 'object') return [];
  const parts: string[] = [];
  for (const [key, value] of Object.entries(match)) {
    if (key === 'name') continue;
    const label = NAMED_CONDITIONS[key];
    if (label && value && typeof value === 'object') {
      for (const [name, cond] of Object.entries(value as object)) {
        parts.push(describeCondition(`${label} ${name}`, cond));
      }
    } else {
      parts.push(describeCondition(key, value));
    }
  }
  return parts;
}

function destinationLabel(d: RouteDestination): string {
  const host = d.host.replace(/\.svc\.cluster\.local$/, '');
  return `${host}${d.subset ? ` (${d.subset})` : ''}${
    d.port ? `:${d.port}` : ''
  }`;
}

/** Weights as Istio applies them: a single destination gets everything. */
export function routeWeights(destinations: RouteDestination[]): number[] {
  if (destinations.length === 1) return [destinations[0].weight ?? 100];
  return destinations.map(d => d.weight ?? 0);
}

function flatten(value: any, prefix = ''): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    return [`${prefix}: ${JSON.stringify(value)}`];
  }
  return Object.entries(value).flatMap(([k, v]) =>
    flatten(v, prefix ? `${prefix}.${k}` : k),
  );
}

function RuleView(props: { rule: RouteRule }) {
  const classes = useStyles();
  const { rule } = props;
  const matches = (rule.match ?? []).map(describeMatch).filter(m => m.length);
  const weights = routeWeights(rule.destinations);
  const features: string[] = [];
  if (rule.timeout) features.push(`timeout ${rule.timeout}`);
  if (rule.retries) {
    features.push(
      `retries ${rule.retries.attempts ?? '?'}${
        rule.retries.perTryTimeout ? ` × ${rule.retries.perTryTimeout}` : ''
      }${rule.retries.retryOn ? ` on ${rule.retries.retryOn}` : ''}`,
    );
  }
  const delay = rule.fault?.delay;
  if (delay) {
    features.push(
      `fault: delay ${delay.fixedDelay ?? '?'} for ${
        delay.percentage?.value ?? delay.percent ?? 100
      }%`,
    );
  }
  const abort = rule.fault?.abort;
  if (abort) {
    features.push(
      `fault: abort ${abort.httpStatus ?? abort.grpcStatus ?? '?'} for ${
        abort.percentage?.value ?? 100
      }%`,
    );
  }
  for (const m of rule.mirrors ?? []) {
    features.push(
      `mirror to ${destinationLabel({ host: m.host, subset: m.subset })} (${
        m.percentage ?? 100
      }%)`,
    );
  }
  if (rule.redirect) features.push(`redirect ${JSON.stringify(rule.redirect)}`);
  if (rule.rewrite) features.push(`rewrite ${JSON.stringify(rule.rewrite)}`);

  return (
    <Paper variant="outlined" className={classes.rule}>
      <Typography variant="subtitle2">
        {rule.protocol.toUpperCase()} {rule.name ? `"${rule.name}"` : 'rule'}:{' '}
        {matches.length
          ? matches.map(m => m.join(' and ')).join(' or ')
          : 'all traffic'}
      </Typography>
      {rule.destinations.map((d, i) => (
        <div className={classes.destination} key={i}>
          <Typography variant="body2" className={classes.destinationName}>
            {destinationLabel(d)}
          </Typography>
          <div
            className={classes.barTrack}
            role="meter"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={weights[i]}
            aria-label={`Weight of ${destinationLabel(d)}`}
          >
            <div className={classes.bar} style={{ width: `${weights[i]}%` }} />
          </div>
          <Typography variant="body2" style={{ minWidth: 40 }}>
            {weights[i]}%
          </Typography>
        </div>
      ))}
      {features.length > 0 && (
        <div className={classes.chips}>
          {features.map(f => (
            <Chip key={f} size="small" label={f} />
          ))}
        </div>
      )}
    </Paper>
  );
}

function VirtualServiceBlock(props: { vs: VirtualServiceView }) {
  const { vs } = props;
  return (
    <Box mb={2}>
      <Typography variant="subtitle1">
        VirtualService {vs.namespace}/{vs.name}
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        hosts {vs.hosts.join(', ') || '-'}
        {vs.gateways.length ? `; gateways ${vs.gateways.join(', ')}` : ''}
      </Typography>
      {vs.rules.map((r, i) => (
        <RuleView rule={r} key={i} />
      ))}
    </Box>
  );
}

/** Circuit breaking and load balancing of a DestinationRule, in one line each. */
export function destinationRulePolicies(dr: DestinationRuleView): string[] {
  return [
    ...(dr.tls?.mode ? [`client TLS ${dr.tls.mode}`] : []),
    ...flatten(dr.connectionPool, 'connection pool'),
    ...flatten(dr.outlierDetection, 'outlier detection'),
    ...flatten(dr.loadBalancer, 'load balancer'),
  ];
}

function DestinationRuleBlock(props: { dr: DestinationRuleView }) {
  const { dr } = props;
  const policies = destinationRulePolicies(dr);
  return (
    <Box mb={2}>
      <Typography variant="subtitle1">
        DestinationRule {dr.namespace}/{dr.name}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        host {dr.host}
        {dr.subsets.length
          ? `; subsets ${dr.subsets
              .map(
                s =>
                  `${s.name} (${Object.entries(s.labels ?? {})
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')})`,
              )
              .join(', ')}`
          : ''}
      </Typography>
      {policies.length > 0 && (
        <ul>
          {policies.map(p => (
            <li key={p}>
              <Typography variant="body2">{p}</Typography>
            </li>
          ))}
        </ul>
      )}
    </Box>
  );
}

/** Routing and traffic policies of the entity's services. */
export function TrafficRoutes(props: { services: ServicePosture[] }) {
  if (!props.services.length) {
    return (
      <Typography variant="body2">
        No Services select these workloads.
      </Typography>
    );
  }
  return (
    <>
      {props.services.map(s => (
        <Box key={`${s.namespace}/${s.name}`} mb={3}>
          <Typography variant="h6" component="h4">
            Service {s.namespace}/{s.name}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            ports{' '}
            {(s.ports ?? [])
              .map(p => `${p.name ? `${p.name} ` : ''}${p.port}`)
              .join(', ') || '-'}
            {s.clientTls?.length
              ? `; clients send ${[
                  ...new Set(
                    s.clientTls.map(
                      t =>
                        `${t.mode} (${
                          t.source === 'autoMtls'
                            ? 'auto mTLS'
                            : `DestinationRule ${t.destinationRule}`
                        })`,
                    ),
                  ),
                ].join(', ')}`
              : ''}{' '}
            <ToolLinkList links={s.links} label={s.name} />
          </Typography>
          {s.virtualServices.length === 0 &&
            s.destinationRules.length === 0 && (
              <Typography variant="body2">
                Default routing: no VirtualService or DestinationRule applies.
              </Typography>
            )}
          {s.virtualServices.map(vs => (
            <VirtualServiceBlock vs={vs} key={`${vs.namespace}/${vs.name}`} />
          ))}
          {s.destinationRules.map(dr => (
            <DestinationRuleBlock dr={dr} key={`${dr.namespace}/${dr.name}`} />
          ))}
        </Box>
      ))}
    </>
  );
}
