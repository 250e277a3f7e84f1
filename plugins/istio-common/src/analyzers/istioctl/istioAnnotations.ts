/*
 * The Istio annotations istioctl knows (istio/api `annotation`), reduced to
 * what `annotations.K8sAnalyzer` needs: the resource types each applies to,
 * whether it is deprecated, and the injector's check of its value
 * (istio/istio `pkg/kube/inject/validate.go`).
 */
import { parse as parseYaml } from 'yaml';
import { isCidr } from './ipAddresses';

/** Where an annotation takes effect: resource kinds, or `Any`. */
export interface IstioAnnotation {
  /** Kinds as istioctl prints them (`Pod`, `Service`...); `['Any']` for any kind. */
  resources: string[];
  deprecated: boolean;
}

const ANY = ['Any'];
const POD = ['Pod'];
const SERVICE = ['Service'];
const WORKLOAD_ENTRY = ['WorkloadEntry'];
const GATEWAY = ['Gateway'];

/** Annotation names by resource types, deprecated ones apart. */
const BY_RESOURCES: Array<[string[], string[]]> = [
  [
    ANY,
    ['galley.istio.io/analyze-suppress', 'gateway.istio.io/controller-version'],
  ],
  [
    POD,
    [
      'ambient.istio.io/bypass-inbound-capture',
      'ambient.istio.io/dns-capture',
      'ambient.istio.io/redirection',
      'inject.istio.io/templates',
      'istio.io/reroute-virtual-interfaces',
      'istio.io/rev',
      'prometheus.istio.io/merge-metrics',
      'proxy.istio.io/config',
      'proxy.istio.io/overrides',
      'readiness.status.sidecar.istio.io/applicationPorts',
      'readiness.status.sidecar.istio.io/failureThreshold',
      'readiness.status.sidecar.istio.io/initialDelaySeconds',
      'readiness.status.sidecar.istio.io/periodSeconds',
      'sidecar.istio.io/agentLogLevel',
      'sidecar.istio.io/bootstrapOverride',
      'sidecar.istio.io/componentLogLevel',
      'sidecar.istio.io/interceptionMode',
      'sidecar.istio.io/logLevel',
      'sidecar.istio.io/nativeSidecar',
      'sidecar.istio.io/proxyCPU',
      'sidecar.istio.io/proxyCPULimit',
      'sidecar.istio.io/proxyImage',
      'sidecar.istio.io/proxyImageType',
      'sidecar.istio.io/proxyMemory',
      'sidecar.istio.io/proxyMemoryLimit',
      'sidecar.istio.io/rewriteAppHTTPProbers',
      'sidecar.istio.io/statsEvictionInterval',
      'sidecar.istio.io/statsFlushInterval',
      'sidecar.istio.io/statsHistogramBins',
      'sidecar.istio.io/statsHistogramBuckets',
      'sidecar.istio.io/status',
      'sidecar.istio.io/userVolume',
      'sidecar.istio.io/userVolumeMount',
      'status.sidecar.istio.io/port',
      'traffic.sidecar.istio.io/excludeInboundPorts',
      'traffic.sidecar.istio.io/excludeInterfaces',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges',
      'traffic.sidecar.istio.io/excludeOutboundPorts',
      'traffic.sidecar.istio.io/includeInboundPorts',
      'traffic.sidecar.istio.io/includeOutboundIPRanges',
      'traffic.sidecar.istio.io/includeOutboundPorts',
    ],
  ],
  [SERVICE, ['networking.istio.io/exportTo', 'traffic.istio.io/nodeSelector']],
  [
    GATEWAY,
    [
      'gateway.istio.io/name-override',
      'gateway.istio.io/service-account',
      'networking.istio.io/service-type',
    ],
  ],
  [['GatewayClass', 'Gateway'], ['ambient.istio.io/waypoint-inbound-binding']],
  [
    ['Service', 'ServiceEntry', 'Namespace'],
    ['istio.io/use-waypoint-canary-weight'],
  ],
  [
    ['Namespace', 'Service', 'ServiceEntry'],
    ['networking.istio.io/traffic-distribution'],
  ],
  [['Namespace'], ['topology.istio.io/controlPlaneClusters']],
  [['AuthorizationPolicy'], ['istio.io/dry-run']],
  [['Ingress'], ['kubernetes.io/ingress.class']],
  [
    WORKLOAD_ENTRY,
    [
      'istio.io/autoRegistrationGroup',
      'istio.io/connectedAt',
      'istio.io/disconnectedAt',
      'istio.io/workloadController',
    ],
  ],
];

const DEPRECATED: Array<[string[], string[]]> = [
  [
    SERVICE,
    [
      'alpha.istio.io/canonical-serviceaccounts',
      'alpha.istio.io/kubernetes-serviceaccounts',
    ],
  ],
  [
    POD,
    [
      'sidecar.istio.io/discoveryAddress',
      'sidecar.istio.io/extraStatTags',
      'sidecar.istio.io/inject',
      'sidecar.istio.io/statsCompression',
      'sidecar.istio.io/statsInclusionPrefixes',
      'sidecar.istio.io/statsInclusionRegexps',
      'sidecar.istio.io/statsInclusionSuffixes',
      'traffic.sidecar.istio.io/kubevirtInterfaces',
    ],
  ],
];

/** Every annotation istioctl knows, by name. */
export const ISTIO_ANNOTATIONS: ReadonlyMap<string, IstioAnnotation> = new Map(
  [
    ...BY_RESOURCES.map(([r, names]) => [r, names, false] as const),
    ...DEPRECATED.map(([r, names]) => [r, names, true] as const),
  ].flatMap(([resources, names, deprecated]) =>
    names.map((n): [string, IstioAnnotation] => [n, { resources, deprecated }]),
  ),
);

/** Annotations Istio itself writes, which istioctl never reports. */
export const ISTIO_WRITTEN_ANNOTATIONS: ReadonlySet<string> = new Set([
  'sidecar.istio.io/status',
  'gateway.istio.io/controller-version',
  'istio.io/rev',
]);

/**
 * Whether istioctl judges the annotation: any name in an `istio.io` domain,
 * and the Kubernetes ingress class annotation Istio documents.
 */
export function isIstioAnnotation(name: string): boolean {
  if (name === 'kubernetes.io/ingress.class') return true;
  return name.split('/')[0].endsWith('istio.io');
}

// ---- value checks, as the injector makes them ----

/** Go's strconv.ParseUint(value, 10, bits). */
function parseUnsigned(value: string, max: number): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n <= max ? n : undefined;
}

function checkPort(value: string): string | undefined {
  return parseUnsigned(value.trim(), 65535) === undefined
    ? `"${value}" is not a port number (0-65535)`
    : undefined;
}

function checkPortList(value: string): string | undefined {
  const list = value.trim();
  if (!list) return undefined;
  for (const port of list.split(',')) {
    const problem = checkPort(port);
    if (problem) return problem;
  }
  return undefined;
}

function checkCidrList(value: string): string | undefined {
  if (!value) return undefined;
  const bad = value.split(',').find(c => !isCidr(c));
  return bad === undefined ? undefined : `"${bad}" is not a CIDR`;
}

function checkInterfaces(value: string): string | undefined {
  if (!value) return undefined;
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (!name) return 'empty interface name';
    if (name.length > 15)
      return `interface name "${name}" is longer than 15 characters`;
    if (!/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(name)) {
      return `interface name "${name}" has characters Linux does not allow`;
    }
  }
  return undefined;
}

const QUANTITY =
  /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

const BOOLEANS = new Set([
  '1',
  't',
  'T',
  'TRUE',
  'true',
  'True',
  '0',
  'f',
  'F',
  'FALSE',
  'false',
  'False',
]);

/**
 * The injector's value checks by annotation name; each returns the problem,
 * or undefined when the value is accepted.
 */
export const ANNOTATION_VALUE_CHECKS: ReadonlyMap<
  string,
  (value: string) => string | undefined
> = new Map<string, (value: string) => string | undefined>([
  [
    'sidecar.istio.io/interceptionMode',
    v =>
      ['REDIRECT', 'TPROXY', 'NONE'].includes(v)
        ? undefined
        : `"${v}" is not REDIRECT, TPROXY or NONE`,
  ],
  ['status.sidecar.istio.io/port', checkPort],
  ...[
    'readiness.status.sidecar.istio.io/initialDelaySeconds',
    'readiness.status.sidecar.istio.io/periodSeconds',
    'readiness.status.sidecar.istio.io/failureThreshold',
  ].map(
    name =>
      [
        name,
        (v: string) =>
          parseUnsigned(v, 4294967295) === undefined
            ? `"${v}" is not a whole number of at most 32 bits`
            : undefined,
      ] as const,
  ),
  [
    'traffic.sidecar.istio.io/includeOutboundIPRanges',
    v => (v === '*' ? undefined : checkCidrList(v)),
  ],
  ['traffic.sidecar.istio.io/excludeOutboundIPRanges', checkCidrList],
  [
    'traffic.sidecar.istio.io/includeInboundPorts',
    v => (v === '*' ? undefined : checkPortList(v)),
  ],
  ['traffic.sidecar.istio.io/excludeInboundPorts', checkPortList],
  ['traffic.sidecar.istio.io/excludeOutboundPorts', checkPortList],
  ['traffic.sidecar.istio.io/excludeInterfaces', checkInterfaces],
  ['traffic.sidecar.istio.io/kubevirtInterfaces', checkInterfaces],
  ['istio.io/reroute-virtual-interfaces', checkInterfaces],
  [
    'prometheus.istio.io/merge-metrics',
    v => (BOOLEANS.has(v) ? undefined : `"${v}" is not a boolean`),
  ],
  [
    'proxy.istio.io/config',
    v => {
      // Istio then validates the ProxyConfig fields; only its shape is checked here.
      try {
        const doc = parseYaml(v, { maxAliasCount: 100 });
        return doc === null || (typeof doc === 'object' && !Array.isArray(doc))
          ? undefined
          : 'not a ProxyConfig document';
      } catch (e) {
        return `not valid YAML (${
          String((e as Error).message).split('\n')[0]
        })`;
      }
    },
  ],
  ...[
    'sidecar.istio.io/proxyCPU',
    'sidecar.istio.io/proxyMemory',
    'sidecar.istio.io/proxyCPULimit',
    'sidecar.istio.io/proxyMemoryLimit',
  ].map(
    name =>
      [
        name,
        (v: string) =>
          QUANTITY.test(v)
            ? undefined
            : `"${v}" is not a Kubernetes resource quantity`,
      ] as const,
  ),
]);
