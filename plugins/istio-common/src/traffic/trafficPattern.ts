import { KubeObject } from '../model/resources';
import { serviceHost } from '../posture/meshIndex';
import { InputProblem, ProblemList } from './validation';

/** A share of traffic sent to one subset (version). @public */
export interface WeightedDestination {
  subset: string;
  /** Whole percent; the weights of one route add up to 100. */
  weight: number;
}

/** How a request attribute is compared. @public */
export type StringMatchKind = 'exact' | 'prefix' | 'regex';

/** One rule of header or cookie routing; all its conditions must hold. @public */
export interface HeaderRoutingRule {
  /** Route name, shown in Envoy stats; defaults to `rule-<n>`. */
  name?: string;
  headers?: Array<{ name: string; match: StringMatchKind; value: string }>;
  /** Matches one cookie by exact value (through a regex on the `cookie` header). */
  cookie?: { name: string; value: string };
  uri?: { match: StringMatchKind; value: string };
  /** The subset requests matching this rule go to. */
  subset: string;
}

/**
 * The traffic patterns teams ask for (Kiali's wizards are the baseline).
 * @public
 */
export type TrafficPattern =
  | {
      /** Weighted shifting, one step of a rollout at a time. */
      type: 'canary';
      /** Each step's weights, e.g. 90/10, then 50/50, then 0/100. */
      steps: WeightedDestination[][];
      /** The step to render; the first one by default. */
      step?: number;
    }
  | {
      /** Everything to `active`, nothing to `idle`; flipping swaps them in one step. */
      type: 'blue-green';
      active: string;
      idle: string;
    }
  | {
      /** Dark launch: matching requests go to a subset, the rest to the default. */
      type: 'header-routing';
      rules: HeaderRoutingRule[];
      defaultSubset: string;
    }
  | {
      /** Serve from `subset`, copy a share of requests to `mirrorSubset`. */
      type: 'mirror';
      subset: string;
      mirrorSubset: string;
      percentage: number;
    }
  | {
      /** Weighted shifting of TCP connections. */
      type: 'tcp-shift';
      routes: WeightedDestination[];
    };

/** The pattern names, for forms and schemas. @public */
export const TRAFFIC_PATTERN_TYPES = [
  'canary',
  'blue-green',
  'header-routing',
  'mirror',
  'tcp-shift',
] as const;

/** Timeouts, retries, circuit breaking and fault injection. @public */
export interface ResiliencePolicy {
  /** Overall request timeout, e.g. `2s`. */
  timeout?: string;
  retries?: { attempts: number; perTryTimeout?: string; retryOn?: string };
  /** DestinationRule `connectionPool` and `outlierDetection`. */
  circuitBreaker?: {
    maxConnections?: number;
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    consecutive5xxErrors?: number;
    interval?: string;
    baseEjectionTime?: string;
    maxEjectionPercent?: number;
  };
  faultInjection?: {
    delay?: { percentage: number; fixedDelay: string };
    abort?: { percentage: number; httpStatus: number };
  };
}

/** Expose the service through the ingress gateway. @public */
export interface IngressExposure {
  /** Name of the Gateway to create in the service's namespace. */
  gateway: string;
  /** External host names, e.g. `shop.example.com`. */
  hosts: string[];
  /** Gateway server port; 80 by default. */
  port?: number;
}

/**
 * Everything a traffic pattern for one service needs.
 * @public
 */
export interface TrafficPatternInput {
  service: string;
  namespace: string;
  /** Service port to route to; needed when the Service has several ports. */
  port?: number;
  /** Values of the pods' version label; each becomes a DestinationRule subset. */
  versions: string[];
  /** The pod label that tells versions apart; `version` by default. */
  versionLabel?: string;
  pattern: TrafficPattern;
  resilience?: ResiliencePolicy;
  exposure?: IngressExposure;
}

/** Objects generated for an input, or why none could be. @public */
export interface GenerationResult {
  objects: KubeObject[];
  problems: InputProblem[];
}

/** Label put on every generated object, so a reviewer knows where it came from. @public */
export const GENERATED_BY_LABEL: Readonly<Record<string, string>> =
  Object.freeze({ 'app.kubernetes.io/managed-by': 'meshportal' });

const MAX_INT32 = 2147483647;
const HEADER_NAME = /^[A-Za-z0-9][-A-Za-z0-9_]*$/;
const COOKIE_TOKEN = /^[A-Za-z0-9._~-]+$/;
const MATCH_KINDS: ReadonlyArray<string> = ['exact', 'prefix', 'regex'];
// Envoy's retry conditions Istio passes through, plus HTTP status codes.
const RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

function checkRoute(
  list: ProblemList,
  field: string,
  value: unknown,
  subsets: ReadonlySet<string>,
): WeightedDestination[] {
  const entries = list.list(field, value, true);
  if (!entries) return [];
  if (!entries.length) {
    list.add(field, 'needs at least one subset');
    return [];
  }
  const out: WeightedDestination[] = [];
  const seen = new Set<string>();
  let total = 0;
  let complete = true;
  entries.forEach((entry, i) => {
    const at = `${field}[${i}]`;
    const record = list.record(at, entry, true);
    if (!record) {
      complete = false;
      return;
    }
    const subset = list.dnsLabel(`${at}.subset`, record.subset);
    const weight = list.integer(`${at}.weight`, record.weight, 0, 100);
    if (subset !== undefined) {
      if (!subsets.has(subset)) {
        list.add(`${at}.subset`, `"${subset}" is not one of the versions`);
      }
      if (seen.has(subset))
        list.add(`${at}.subset`, `"${subset}" is listed twice`);
      seen.add(subset);
    }
    if (subset === undefined || weight === undefined) {
      complete = false;
      return;
    }
    total += weight;
    out.push({ subset, weight });
  });
  if (complete && total !== 100) {
    list.add(field, `weights add up to ${total}; they must add up to 100`);
  }
  return out;
}

function checkSubset(
  list: ProblemList,
  field: string,
  value: unknown,
  subsets: ReadonlySet<string>,
): string {
  const subset = list.dnsLabel(field, value);
  if (subset !== undefined && !subsets.has(subset)) {
    list.add(field, `"${subset}" is not one of the versions`);
  }
  return subset ?? '';
}

function isRegex(value: string): boolean {
  try {
    return RegExp(value) instanceof RegExp;
  } catch {
    return false;
  }
}

function checkStringMatch(
  list: ProblemList,
  field: string,
  raw: Record<string, unknown>,
): { match: StringMatchKind; value: string } | undefined {
  const match = raw.match ?? 'exact';
  if (typeof match !== 'string' || !MATCH_KINDS.includes(match)) {
    list.add(`${field}.match`, 'must be one of exact, prefix, regex');
    return undefined;
  }
  const value = list.string(`${field}.value`, raw.value);
  if (value === undefined) return undefined;
  if (match === 'regex' && !isRegex(value)) {
    list.add(`${field}.value`, 'is not a valid regular expression');
    return undefined;
  }
  return { match: match as StringMatchKind, value };
}

function checkPattern(
  list: ProblemList,
  raw: unknown,
  subsets: ReadonlySet<string>,
): TrafficPattern | undefined {
  const pattern = list.record('pattern', raw, true);
  if (!pattern) return undefined;
  switch (pattern.type) {
    case 'canary': {
      const steps = list.list('pattern.steps', pattern.steps, true) ?? [];
      if (pattern.steps !== undefined && !steps.length) {
        list.add('pattern.steps', 'needs at least one step');
      }
      const checked = steps.map((s, i) =>
        checkRoute(list, `pattern.steps[${i}]`, s, subsets),
      );
      const step = list.integer(
        'pattern.step',
        pattern.step,
        0,
        Math.max(steps.length - 1, 0),
        false,
      );
      return { type: 'canary', steps: checked, step };
    }
    case 'blue-green': {
      const active = checkSubset(
        list,
        'pattern.active',
        pattern.active,
        subsets,
      );
      const idle = checkSubset(list, 'pattern.idle', pattern.idle, subsets);
      if (active && active === idle) {
        list.add('pattern.idle', 'must differ from pattern.active');
      }
      return { type: 'blue-green', active, idle };
    }
    case 'header-routing': {
      const rules = list.list('pattern.rules', pattern.rules, true) ?? [];
      if (pattern.rules !== undefined && !rules.length) {
        list.add('pattern.rules', 'needs at least one rule');
      }
      const checked = rules.map((r, i) =>
        checkRule(list, `pattern.rules[${i}]`, r, subsets),
      );
      const defaultSubset = checkSubset(
        list,
        'pattern.defaultSubset',
        pattern.defaultSubset,
        subsets,
      );
      return { type: 'header-routing', rules: checked, defaultSubset };
    }
    case 'mirror': {
      const subset = checkSubset(
        list,
        'pattern.subset',
        pattern.subset,
        subsets,
      );
      const mirrorSubset = checkSubset(
        list,
        'pattern.mirrorSubset',
        pattern.mirrorSubset,
        subsets,
      );
      if (subset && subset === mirrorSubset) {
        list.add('pattern.mirrorSubset', 'must differ from pattern.subset');
      }
      const percentage =
        list.percentage('pattern.percentage', pattern.percentage) ?? 0;
      return { type: 'mirror', subset, mirrorSubset, percentage };
    }
    case 'tcp-shift':
      return {
        type: 'tcp-shift',
        routes: checkRoute(list, 'pattern.routes', pattern.routes, subsets),
      };
    default:
      list.add(
        'pattern.type',
        `must be one of ${TRAFFIC_PATTERN_TYPES.join(', ')}`,
      );
      return undefined;
  }
}

function checkRule(
  list: ProblemList,
  field: string,
  raw: unknown,
  subsets: ReadonlySet<string>,
): HeaderRoutingRule {
  const rule = list.record(field, raw, true) ?? {};
  const out: HeaderRoutingRule = {
    subset: checkSubset(list, `${field}.subset`, rule.subset, subsets),
  };
  if (rule.name !== undefined)
    out.name = list.dnsLabel(`${field}.name`, rule.name);
  const headers = list.list(`${field}.headers`, rule.headers) ?? [];
  out.headers = [];
  headers.forEach((h, i) => {
    const at = `${field}.headers[${i}]`;
    const header = list.record(at, h, true);
    if (!header) return;
    const name = list.string(`${at}.name`, header.name);
    if (name !== undefined && (name.length > 256 || !HEADER_NAME.test(name))) {
      list.add(
        `${at}.name`,
        `"${name.slice(0, 80)}" is not a valid header name`,
      );
      return;
    }
    if (name !== undefined && name.toLowerCase() === 'cookie' && rule.cookie) {
      list.add(
        `${at}.name`,
        'matches the cookie header, which the cookie condition already uses',
      );
    }
    const match = checkStringMatch(list, at, header);
    if (name !== undefined && match)
      out.headers!.push({ name: name.toLowerCase(), ...match });
  });
  if (rule.cookie !== undefined) {
    const cookie = list.record(`${field}.cookie`, rule.cookie, true);
    const name = list.string(`${field}.cookie.name`, cookie?.name);
    const value = list.string(`${field}.cookie.value`, cookie?.value);
    if (name !== undefined && !COOKIE_TOKEN.test(name)) {
      list.add(
        `${field}.cookie.name`,
        'may contain only letters, digits and . _ ~ -',
      );
    }
    if (value !== undefined && !COOKIE_TOKEN.test(value)) {
      list.add(
        `${field}.cookie.value`,
        'may contain only letters, digits and . _ ~ -',
      );
    }
    if (name && value) out.cookie = { name, value };
  }
  if (rule.uri !== undefined) {
    const uri = list.record(`${field}.uri`, rule.uri, true);
    if (uri) out.uri = checkStringMatch(list, `${field}.uri`, uri);
  }
  if (!headers.length && rule.cookie === undefined && rule.uri === undefined) {
    list.add(field, 'needs at least one condition (headers, cookie or uri)');
  }
  return out;
}

function checkResilience(
  list: ProblemList,
  raw: unknown,
  tcp: boolean,
): ResiliencePolicy | undefined {
  const policy = list.record('resilience', raw);
  if (!policy) return undefined;
  const out: ResiliencePolicy = {};
  const httpOnly = (key: string) => {
    if (tcp && policy[key] !== undefined) {
      list.add(
        `resilience.${key}`,
        'applies to HTTP routes only, not to tcp-shift',
      );
    }
  };
  httpOnly('timeout');
  httpOnly('retries');
  httpOnly('faultInjection');
  out.timeout = list.duration('resilience.timeout', policy.timeout, false);
  const retries = list.record('resilience.retries', policy.retries);
  if (retries) {
    const attempts = list.integer(
      'resilience.retries.attempts',
      retries.attempts,
      0,
      100,
    );
    const perTryTimeout = list.duration(
      'resilience.retries.perTryTimeout',
      retries.perTryTimeout,
      false,
    );
    const retryOn = list.string(
      'resilience.retries.retryOn',
      retries.retryOn,
      false,
    );
    if (retryOn !== undefined) {
      const unknown = retryOn
        .split(',')
        .map(s => s.trim())
        .filter(s => !RETRY_ON.has(s) && !/^[1-5]\d\d$/.test(s));
      if (unknown.length) {
        list.add(
          'resilience.retries.retryOn',
          `unknown retry condition(s): ${unknown
            .map(u => `"${u.slice(0, 40)}"`)
            .join(', ')}`,
        );
      }
    }
    if (attempts !== undefined)
      out.retries = { attempts, perTryTimeout, retryOn };
  }
  const breaker = list.record(
    'resilience.circuitBreaker',
    policy.circuitBreaker,
  );
  if (breaker) {
    const at = (k: string) => `resilience.circuitBreaker.${k}`;
    out.circuitBreaker = {
      maxConnections: list.integer(
        at('maxConnections'),
        breaker.maxConnections,
        1,
        MAX_INT32,
        false,
      ),
      http1MaxPendingRequests: list.integer(
        at('http1MaxPendingRequests'),
        breaker.http1MaxPendingRequests,
        1,
        MAX_INT32,
        false,
      ),
      http2MaxRequests: list.integer(
        at('http2MaxRequests'),
        breaker.http2MaxRequests,
        1,
        MAX_INT32,
        false,
      ),
      consecutive5xxErrors: list.integer(
        at('consecutive5xxErrors'),
        breaker.consecutive5xxErrors,
        0,
        MAX_INT32,
        false,
      ),
      interval: list.duration(at('interval'), breaker.interval, false),
      baseEjectionTime: list.duration(
        at('baseEjectionTime'),
        breaker.baseEjectionTime,
        false,
      ),
      maxEjectionPercent: list.integer(
        at('maxEjectionPercent'),
        breaker.maxEjectionPercent,
        0,
        100,
        false,
      ),
    };
  }
  const fault = list.record('resilience.faultInjection', policy.faultInjection);
  if (fault) {
    out.faultInjection = {};
    const delay = list.record('resilience.faultInjection.delay', fault.delay);
    if (delay) {
      const percentage = list.percentage(
        'resilience.faultInjection.delay.percentage',
        delay.percentage,
      );
      const fixedDelay = list.duration(
        'resilience.faultInjection.delay.fixedDelay',
        delay.fixedDelay,
      );
      if (percentage !== undefined && fixedDelay) {
        out.faultInjection.delay = { percentage, fixedDelay };
      }
    }
    const abort = list.record('resilience.faultInjection.abort', fault.abort);
    if (abort) {
      const percentage = list.percentage(
        'resilience.faultInjection.abort.percentage',
        abort.percentage,
      );
      const httpStatus = list.integer(
        'resilience.faultInjection.abort.httpStatus',
        abort.httpStatus,
        200,
        599,
      );
      if (percentage !== undefined && httpStatus !== undefined) {
        out.faultInjection.abort = { percentage, httpStatus };
      }
    }
    if (!delay && !abort) {
      list.add('resilience.faultInjection', 'needs a delay, an abort, or both');
    }
  }
  return out;
}

function checkExposure(
  list: ProblemList,
  raw: unknown,
  tcp: boolean,
): IngressExposure | undefined {
  const exposure = list.record('exposure', raw);
  if (!exposure) return undefined;
  if (tcp)
    list.add(
      'exposure',
      'ingress exposure is generated for HTTP patterns only',
    );
  const gateway = list.dnsLabel('exposure.gateway', exposure.gateway) ?? '';
  const hosts = (list.list('exposure.hosts', exposure.hosts, true) ?? []).map(
    (h, i) => list.hostName(`exposure.hosts[${i}]`, h) ?? '',
  );
  if (exposure.hosts !== undefined && !hosts.length) {
    list.add('exposure.hosts', 'needs at least one host name');
  }
  const port = list.port('exposure.port', exposure.port, false);
  return { gateway, hosts, port };
}

/**
 * Checks a traffic pattern input and returns every problem, or the
 * normalised input when there is none.
 * @public
 */
export function validateTrafficPattern(raw: unknown): {
  value?: TrafficPatternInput;
  problems: InputProblem[];
} {
  const list = new ProblemList();
  const input = list.input(raw);
  const service = list.dnsLabel('service', input.service);
  const namespace = list.dnsLabel('namespace', input.namespace);
  const port = list.port('port', input.port, false);
  const versionLabel =
    input.versionLabel === undefined
      ? 'version'
      : list.string('versionLabel', input.versionLabel);
  const rawVersions = list.list('versions', input.versions, true) ?? [];
  if (input.versions !== undefined && !rawVersions.length) {
    list.add(
      'versions',
      'needs at least one version (one DestinationRule subset each)',
    );
  }
  const versions: string[] = [];
  rawVersions.forEach((v, i) => {
    const version = list.dnsLabel(`versions[${i}]`, v);
    if (version === undefined) return;
    if (versions.includes(version))
      list.add(`versions[${i}]`, `"${version}" is listed twice`);
    else versions.push(version);
  });
  if (versionLabel !== undefined && versions.length) {
    list.label('versionLabel', versionLabel, versions[0]);
  }
  const subsets = new Set(versions);
  const pattern = checkPattern(list, input.pattern, subsets);
  const tcp = pattern?.type === 'tcp-shift';
  const resilience = checkResilience(list, input.resilience, tcp);
  const exposure = checkExposure(list, input.exposure, tcp);
  if (
    list.problems.length ||
    !service ||
    !namespace ||
    !pattern ||
    !versionLabel
  ) {
    return { problems: list.problems };
  }
  return {
    value: {
      service,
      namespace,
      port,
      versions,
      versionLabel,
      pattern,
      resilience,
      exposure,
    },
    problems: [],
  };
}

/**
 * The blue-green pattern after the one-step flip: all traffic to the idle side.
 * @public
 */
export function flipBlueGreen(
  pattern: Extract<TrafficPattern, { type: 'blue-green' }>,
): Extract<TrafficPattern, { type: 'blue-green' }> {
  return { type: 'blue-green', active: pattern.idle, idle: pattern.active };
}

function prune<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = prune(v as Record<string, unknown>);
      if (Object.keys(inner).length) out[k] = inner;
    } else {
      out[k] = v;
    }
  }
  return out as T;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stringMatch(m: { match: StringMatchKind; value: string }) {
  return { [m.match]: m.value };
}

function httpMatch(rule: HeaderRoutingRule) {
  const headers: Record<string, unknown> = {};
  for (const h of rule.headers ?? []) headers[h.name] = stringMatch(h);
  if (rule.cookie) {
    // A cookie is one entry of the `cookie` header: match it anywhere in the list.
    headers.cookie = {
      regex: `^(.*?;\\s*)?(${escapeRegex(rule.cookie.name)}=${escapeRegex(
        rule.cookie.value,
      )})(;.*)?$`,
    };
  }
  return prune({
    headers: Object.keys(headers).length ? headers : undefined,
    uri: rule.uri ? stringMatch(rule.uri) : undefined,
  });
}

/**
 * The VirtualService, DestinationRule and (when exposure is asked) Gateway
 * for a pattern, or every problem of the input.
 * @public
 */
export function generateTrafficPattern(raw: unknown): GenerationResult {
  const { value, problems } = validateTrafficPattern(raw);
  if (!value) return { objects: [], problems };
  const { service, namespace, pattern, resilience, exposure } = value;
  const host = serviceHost(service, namespace);
  const metadata = (name: string) => ({
    name,
    namespace,
    labels: { ...GENERATED_BY_LABEL },
  });
  const destination = (subset: string) =>
    prune({
      host,
      subset,
      port: value.port ? { number: value.port } : undefined,
    });
  const weighted = (routes: WeightedDestination[]) =>
    routes.map(r => ({ destination: destination(r.subset), weight: r.weight }));

  const policy = prune({
    timeout: resilience?.timeout,
    retries: resilience?.retries ? prune({ ...resilience.retries }) : undefined,
    fault: resilience?.faultInjection
      ? prune({
          delay: resilience.faultInjection.delay && {
            percentage: { value: resilience.faultInjection.delay.percentage },
            fixedDelay: resilience.faultInjection.delay.fixedDelay,
          },
          abort: resilience.faultInjection.abort && {
            percentage: { value: resilience.faultInjection.abort.percentage },
            httpStatus: resilience.faultInjection.abort.httpStatus,
          },
        })
      : undefined,
  });

  const vsSpec: Record<string, unknown> = {
    hosts: exposure ? [host, ...exposure.hosts] : [host],
  };
  if (exposure) vsSpec.gateways = [`${namespace}/${exposure.gateway}`, 'mesh'];
  switch (pattern.type) {
    case 'canary':
      vsSpec.http = [
        {
          name: 'canary',
          route: weighted(pattern.steps[pattern.step ?? 0]),
          ...policy,
        },
      ];
      break;
    case 'blue-green':
      vsSpec.http = [
        {
          name: 'blue-green',
          route: weighted([
            { subset: pattern.active, weight: 100 },
            { subset: pattern.idle, weight: 0 },
          ]),
          ...policy,
        },
      ];
      break;
    case 'header-routing':
      vsSpec.http = [
        ...pattern.rules.map((rule, i) => ({
          name: rule.name ?? `rule-${i + 1}`,
          match: [httpMatch(rule)],
          route: [{ destination: destination(rule.subset) }],
          ...policy,
        })),
        {
          name: 'default',
          route: [{ destination: destination(pattern.defaultSubset) }],
          ...policy,
        },
      ];
      break;
    case 'mirror':
      vsSpec.http = [
        {
          name: 'mirror',
          route: [{ destination: destination(pattern.subset) }],
          mirror: destination(pattern.mirrorSubset),
          mirrorPercentage: { value: pattern.percentage },
          ...policy,
        },
      ];
      break;
    case 'tcp-shift':
      vsSpec.tcp = [
        prune({
          match: value.port ? [{ port: value.port }] : undefined,
          route: weighted(pattern.routes),
        }),
      ];
      break;
    default:
      break;
  }

  const breaker = resilience?.circuitBreaker;
  const trafficPolicy = breaker
    ? prune({
        connectionPool: {
          tcp: { maxConnections: breaker.maxConnections },
          http: {
            http1MaxPendingRequests: breaker.http1MaxPendingRequests,
            http2MaxRequests: breaker.http2MaxRequests,
          },
        },
        outlierDetection: {
          consecutive5xxErrors: breaker.consecutive5xxErrors,
          interval: breaker.interval,
          baseEjectionTime: breaker.baseEjectionTime,
          maxEjectionPercent: breaker.maxEjectionPercent,
        },
      })
    : undefined;

  const objects: KubeObject[] = [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: metadata(service),
      spec: vsSpec,
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: metadata(service),
      spec: prune({
        host,
        trafficPolicy:
          trafficPolicy && Object.keys(trafficPolicy).length
            ? trafficPolicy
            : undefined,
        subsets: value.versions.map(v => ({
          name: v,
          labels: { [value.versionLabel ?? 'version']: v },
        })),
      }),
    },
  ];
  if (exposure) {
    objects.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: metadata(exposure.gateway),
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: {
              number: exposure.port ?? 80,
              name: 'http',
              protocol: 'HTTP',
            },
            hosts: exposure.hosts,
          },
        ],
      },
    });
  }
  return { objects, problems: [] };
}

/**
 * True when the input asks for fault injection, which production
 * namespaces must refuse unless explicitly allowed.
 * @public
 */
export function hasFaultInjection(
  input: Pick<TrafficPatternInput, 'resilience'>,
): boolean {
  const fault = input.resilience?.faultInjection;
  return Boolean(fault && (fault.delay || fault.abort));
}
