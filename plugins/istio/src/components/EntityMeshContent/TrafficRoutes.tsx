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
} from '@meshportal/plugin-istio-common';
import { ClientTlsList } from './ClientTlsList';
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
  return `${field} ${readable(value)}`;
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
      parts.push(describeCondition(words(key), value));
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

// How people read a DestinationRule's policy fields (paths below the
// section); `{}` is where the value goes.
const POLICY_FIELD_TEXT: Record<string, string> = {
  'tcp.maxConnections': 'at most {} TCP connections',
  'tcp.connectTimeout': 'connect timeout {}',
  'tcp.tcpKeepalive.time': 'keepalive after {} idle',
  'tcp.tcpKeepalive.interval': 'keepalive probe every {}',
  'tcp.tcpKeepalive.probes': '{} keepalive probes',
  'http.http1MaxPendingRequests': 'at most {} pending HTTP/1.1 requests',
  'http.http2MaxRequests': 'at most {} concurrent HTTP/2 requests',
  'http.maxRequestsPerConnection': 'at most {} requests per connection',
  'http.maxRetries': 'at most {} concurrent retries',
  'http.idleTimeout': 'idle timeout {}',
  'http.h2UpgradePolicy': 'HTTP/2 upgrade {}',
  consecutive5xxErrors: 'eject a host after {} consecutive 5xx errors',
  consecutiveGatewayErrors: 'eject a host after {} consecutive gateway errors',
  consecutiveLocalOriginFailures:
    'eject a host after {} consecutive local failures',
  interval: 'check every {}',
  baseEjectionTime: 'eject for at least {}',
  maxEjectionPercent: 'eject at most {}% of hosts',
  minHealthPercent: 'only while at least {}% of hosts are healthy',
  simple: '{}',
  'consistentHash.httpHeaderName': 'sticky sessions on header {}',
  'consistentHash.httpCookie.name': 'sticky sessions on cookie {}',
  'consistentHash.useSourceIp': 'sticky sessions on source IP: {}',
  'consistentHash.httpQueryParameterName':
    'sticky sessions on query parameter {}',
};

/** `maxRequests` -> `max requests`, `tcp.connectTimeout` -> `tcp connect timeout`. */
function words(path: string): string {
  return path
    .split('.')
    .map(p => p.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' ');
}

/** A value as text: no JSON quotes, maps as `key=value`. */
function readable(value: unknown): string {
  if (Array.isArray(value)) return value.map(readable).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) =>
        v && typeof v === 'object'
          ? `${k} ${readable(v)}`
          : `${k}=${readable(v)}`,
      )
      .join(', ');
  }
  return String(value);
}

function policyFields(value: unknown, path = ''): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    const text = POLICY_FIELD_TEXT[path] ?? `${words(path)} {}`;
    return [text.replace('{}', readable(value))];
  }
  return Object.entries(value).flatMap(([k, v]) =>
    policyFields(v, path ? `${path}.${k}` : k),
  );
}

/** One policy section as a sentence, e.g. `Outlier detection: check every 10s, ...`. */
function policyLine(title: string, section: unknown): string[] {
  const fields = policyFields(section);
  return fields.length ? [`${title}: ${fields.join(', ')}`] : [];
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
      }${
        rule.retries.retryOn
          ? ` on ${rule.retries.retryOn.split(',').join(', ')}`
          : ''
      }`,
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
  if (rule.redirect) features.push(`redirect: ${readable(rule.redirect)}`);
  if (rule.rewrite) features.push(`rewrite: ${readable(rule.rewrite)}`);

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

/** Client TLS, circuit breaking and load balancing of a DestinationRule, one line per section. */
export function destinationRulePolicies(dr: DestinationRuleView): string[] {
  return [
    ...(dr.tls?.mode ? [`Client TLS: ${dr.tls.mode}`] : []),
    ...policyLine('Connection pool', dr.connectionPool),
    ...policyLine('Outlier detection', dr.outlierDetection),
    ...policyLine('Load balancing', dr.loadBalancer),
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
              .join(', ') || '-'}{' '}
            <ToolLinkList links={s.links} label={s.name} />
          </Typography>
          <ClientTlsList entries={s.clientTls ?? []} />
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
