/**
 * Plain-data shapes of the Kubernetes and Istio objects the engine reads.
 *
 * Only the fields the rules look at are typed; everything else passes through
 * untouched so manifests from any source (a cluster cache, files) fit.
 */

/** @public */
export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

/** @public */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

/**
 * Any Kubernetes object as parsed from YAML or JSON, or received from an API server.
 * @public
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Partial<ObjectMeta>;
  spec?: any;
  status?: any;
  data?: Record<string, string>;
  webhooks?: any[];
  [key: string]: unknown;
}

/**
 * The kinds the engine understands. Anything else is skipped.
 * @public
 */
export type ResourceKind =
  | 'Namespace'
  | 'Pod'
  | 'Service'
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'MutatingWebhookConfiguration'
  | 'ConfigMap'
  | 'PeerAuthentication'
  | 'DestinationRule'
  | 'VirtualService'
  | 'Gateway'
  | 'Sidecar'
  | 'ServiceEntry'
  | 'AuthorizationPolicy'
  | 'RequestAuthentication'
  | 'Node'
  | 'ValidatingWebhookConfiguration'
  | 'CustomResourceDefinition'
  | 'Secret'
  | 'HTTPRoute'
  | 'GRPCRoute'
  | 'WorkloadEntry'
  | 'ProxyConfig'
  | 'MeshNetworks'
  | 'Telemetry'
  | 'EnvoyFilter'
  | 'WasmPlugin'
  | 'KubernetesGateway';

/**
 * API groups per kind; used to tell Istio's `Gateway` from the Gateway API's.
 * @public
 */
export const RESOURCE_GROUPS: Record<ResourceKind, string> = {
  Namespace: '',
  Pod: '',
  Service: '',
  ConfigMap: '',
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io',
  PeerAuthentication: 'security.istio.io',
  AuthorizationPolicy: 'security.istio.io',
  RequestAuthentication: 'security.istio.io',
  DestinationRule: 'networking.istio.io',
  VirtualService: 'networking.istio.io',
  Gateway: 'networking.istio.io',
  Sidecar: 'networking.istio.io',
  ServiceEntry: 'networking.istio.io',
  Node: '',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io',
  CustomResourceDefinition: 'apiextensions.k8s.io',
  Secret: '',
  HTTPRoute: 'gateway.networking.k8s.io',
  GRPCRoute: 'gateway.networking.k8s.io',
  WorkloadEntry: 'networking.istio.io',
  ProxyConfig: 'networking.istio.io',
  // Never read from input: the snapshot builds the one MeshNetworks object
  // from the mesh networks option or the `istio` ConfigMap.
  MeshNetworks: '',
  Telemetry: 'telemetry.istio.io',
  EnvoyFilter: 'networking.istio.io',
  WasmPlugin: 'extensions.istio.io',
  // The Gateway API's `Gateway`; the snapshot renames its kind to keep it
  // apart from Istio's.
  KubernetesGateway: 'gateway.networking.k8s.io',
};

/** Kinds that have no namespace in Kubernetes. @public */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<ResourceKind> = new Set([
  'Namespace',
  'MutatingWebhookConfiguration',
  'Node',
  'ValidatingWebhookConfiguration',
  'CustomResourceDefinition',
]);

/** Where an object came from, for messages that point at a file. @public */
export interface ResourceOrigin {
  file?: string;
  line?: number;
  cluster?: string;
}

/**
 * One object the engine knows, normalised: the namespace is always set
 * (`default` when the input had none, as istioctl does), and
 * `namespaceGiven` remembers whether the input named it, because istioctl's
 * resource strings differ (`Kind ns/name` or `Kind name`).
 * @public
 */
export interface MeshResource<TSpec = any> {
  kind: ResourceKind;
  apiVersion: string;
  name: string;
  namespace: string;
  namespaceGiven: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  creationTimestamp?: string;
  ownerReferences: OwnerReference[];
  uid?: string;
  spec: TSpec;
  status?: any;
  /** ConfigMap data, webhooks of a MutatingWebhookConfiguration. */
  data?: Record<string, string>;
  webhooks?: any[];
  origin?: ResourceOrigin;
}

// ---- Istio and Kubernetes specs, as far as the rules read them ----

/** @public */
export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

/** @public */
export interface WorkloadSelector {
  matchLabels?: Record<string, string>;
}

/** @public */
export interface PeerAuthenticationSpec {
  selector?: WorkloadSelector;
  mtls?: { mode?: MtlsMode };
  portLevelMtls?: Record<string, { mode?: MtlsMode }>;
}

/** @public */
export type ClientTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

/** @public */
export interface ClientTlsSettings {
  mode?: ClientTlsMode;
  caCertificates?: string;
  clientCertificate?: string;
  privateKey?: string;
  credentialName?: string;
  sni?: string;
  subjectAltNames?: string[];
  insecureSkipVerify?: boolean;
}

/** @public */
export interface TrafficPolicy {
  tls?: ClientTlsSettings;
  connectionPool?: any;
  outlierDetection?: any;
  loadBalancer?: any;
  portLevelSettings?: Array<
    { port?: { number?: number } } & Omit<TrafficPolicy, 'portLevelSettings'>
  >;
}

/** @public */
export interface DestinationRuleSpec {
  host?: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: Array<{
    name: string;
    labels?: Record<string, string>;
    trafficPolicy?: TrafficPolicy;
  }>;
  exportTo?: string[];
  workloadSelector?: WorkloadSelector;
}

/** @public */
export interface Destination {
  host?: string;
  subset?: string;
  port?: { number?: number };
}

/** @public */
export interface HttpRoute {
  name?: string;
  match?: any[];
  route?: Array<{ destination?: Destination; weight?: number; headers?: any }>;
  redirect?: any;
  rewrite?: any;
  timeout?: string;
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
  fault?: {
    delay?: {
      percentage?: { value?: number };
      /** Deprecated by Istio for `percentage`, still accepted. */
      percent?: number;
      fixedDelay?: string;
    };
    abort?: {
      percentage?: { value?: number };
      httpStatus?: number;
      grpcStatus?: string;
    };
  };
  mirror?: Destination;
  mirrorPercentage?: { value?: number };
  mirrors?: Array<{ destination?: Destination; percentage?: { value?: number } }>;
  corsPolicy?: any;
  headers?: any;
}

/** @public */
export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: HttpRoute[];
  tcp?: Array<{ match?: any[]; route?: Array<{ destination?: Destination; weight?: number }> }>;
  tls?: Array<{ match?: any[]; route?: Array<{ destination?: Destination; weight?: number }> }>;
  exportTo?: string[];
}

/** @public */
export interface GatewaySpec {
  selector?: Record<string, string>;
  servers?: Array<{
    port?: { number?: number; name?: string; protocol?: string; targetPort?: number };
    hosts?: string[];
    tls?: any;
    bind?: string;
  }>;
}

/** @public */
export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
  nodePort?: number;
}

/** @public */
export interface ServiceSpec {
  type?: string;
  selector?: Record<string, string>;
  ports?: ServicePort[];
  externalName?: string;
  clusterIP?: string;
}

/** @public */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

/** @public */
export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  restartPolicy?: string;
}

/** @public */
export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  hostNetwork?: boolean;
}

/** @public */
export interface PodTemplate {
  metadata?: Partial<ObjectMeta>;
  spec?: PodSpec;
}

/** @public */
export interface WorkloadSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: any[] };
  template?: PodTemplate;
}
