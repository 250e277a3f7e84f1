import {
  Finding,
  FindingDefinition,
  Severity,
  findingAbout,
} from '../../model/findings';
import { MeshResource } from '../../model/resources';

/**
 * The istioctl analyze message types this project reproduces: code, upstream
 * name and level as in Istio's `msg/messages.yaml`; the descriptions are ours.
 */
const MESSAGE_TYPES = {
  IST0002: {
    name: 'Deprecated',
    severity: 'Warning',
    description:
      'The resource uses a field or resource type Istio has deprecated or removed; it may be ignored now or stop working in a later release.',
  },
  IST0101: {
    name: 'ReferencedResourceNotFound',
    severity: 'Error',
    description:
      'The resource points at another resource (host, subset, gateway, selector, namespace) that does not exist, so the reference has no effect.',
  },
  IST0102: {
    name: 'NamespaceNotInjected',
    severity: 'Info',
    description:
      'The namespace has no injection label, so new pods there get no sidecar unless they opt in one by one.',
  },
  IST0103: {
    name: 'PodMissingProxy',
    severity: 'Warning',
    description:
      'The pod runs in a namespace labelled for injection but has no istio-proxy: it was created before the label, or injection failed. It is outside the mesh until restarted.',
  },
  IST0107: {
    name: 'MisplacedAnnotation',
    severity: 'Warning',
    description:
      'An Istio annotation sits on a kind of resource that Istio does not read it from (for example a pod annotation on a Deployment instead of its pod template), so it has no effect.',
  },
  IST0108: {
    name: 'UnknownAnnotation',
    severity: 'Warning',
    description:
      'An annotation in an Istio domain (`*.istio.io`) is not one Istio knows, usually a typo, so it has no effect.',
  },
  IST0109: {
    name: 'ConflictingMeshGatewayVirtualServiceHosts',
    severity: 'Error',
    description:
      'Several VirtualServices bound to the mesh gateway claim the same host for the same namespaces; which one sidecars use is undefined.',
  },
  IST0110: {
    name: 'ConflictingSidecarWorkloadSelectors',
    severity: 'Error',
    description:
      'More than one Sidecar resource selects the same workload; the proxy configuration it gets is undefined.',
  },
  IST0111: {
    name: 'MultipleSidecarsWithoutWorkloadSelectors',
    severity: 'Error',
    description:
      'A namespace has more than one Sidecar resource without a workload selector; only one namespace-wide Sidecar is allowed.',
  },
  IST0112: {
    name: 'VirtualServiceDestinationPortSelectorRequired',
    severity: 'Error',
    description:
      'The route targets a service with several ports but names none, so Istio cannot tell which port to send to.',
  },
  IST0116: {
    name: 'DeploymentAssociatedToMultipleServices',
    severity: 'Warning',
    description:
      'Services selecting the same pods use one port number with different protocols; the sidecar can serve only one protocol per port.',
  },
  IST0118: {
    name: 'PortNameIsNotUnderNamingConvention',
    severity: 'Info',
    description:
      'The Service port name (or appProtocol) does not declare a protocol, so Istio has to sniff it; HTTP features may not apply.',
  },
  IST0123: {
    name: 'NamespaceMultipleInjectionLabels',
    severity: 'Warning',
    description:
      'The namespace carries more than one of istio-injection, istio.io/rev and istio.io/dataplane-mode; only one decides and the others mislead.',
  },
  IST0125: {
    name: 'InvalidAnnotation',
    severity: 'Warning',
    description:
      'An Istio annotation has a value the injector rejects (not a number, a bad port list or CIDR...), so injection fails or ignores it.',
  },
  IST0126: {
    name: 'UnknownMeshNetworksServiceRegistry',
    severity: 'Error',
    description:
      'A network of MeshNetworks takes endpoints from a service registry that is neither built in nor a cluster of a remote secret, so that network gets no endpoints.',
  },
  IST0127: {
    name: 'NoMatchingWorkloadsFound',
    severity: 'Warning',
    description:
      'The AuthorizationPolicy selects no workload in the mesh, so it enforces nothing.',
  },
  IST0128: {
    name: 'NoServerCertificateVerificationDestinationLevel',
    severity: 'Warning',
    description:
      'The DestinationRule originates TLS (SIMPLE or MUTUAL) without caCertificates, so the server certificate is not verified.',
  },
  IST0129: {
    name: 'NoServerCertificateVerificationPortLevel',
    severity: 'Warning',
    description:
      'A port of the DestinationRule originates TLS (SIMPLE or MUTUAL) without caCertificates, so the server certificate is not verified.',
  },
  IST0130: {
    name: 'VirtualServiceUnreachableRule',
    severity: 'Warning',
    description:
      'A VirtualService rule can never be chosen: an earlier rule without matches, or earlier rules with the same matches, take all of its traffic.',
  },
  IST0131: {
    name: 'VirtualServiceIneffectiveMatch',
    severity: 'Info',
    description:
      'A match of a VirtualService rule repeats (or is covered by) a match of an earlier rule, so requests it describes never reach this rule.',
  },
  IST0132: {
    name: 'VirtualServiceHostNotFoundInGateway',
    severity: 'Warning',
    description:
      'None of the VirtualService hosts is served by a gateway it is bound to, so the gateway never uses its routes.',
  },
  IST0134: {
    name: 'ServiceEntryAddressesRequired',
    severity: 'Warning',
    description:
      'A ServiceEntry port serves TCP (or no protocol) without addresses; sidecars cannot tell its traffic apart by IP unless Istio allocates virtual IPs.',
  },
  IST0135: {
    name: 'DeprecatedAnnotation',
    severity: 'Info',
    description:
      'The resource uses an Istio annotation that is deprecated and may stop working in a later release.',
  },
  IST0137: {
    name: 'DeploymentConflictingPorts',
    severity: 'Warning',
    description:
      'Services selecting the same pods send different service ports to the same target port; Istio cannot keep them apart.',
  },
  IST0138: {
    name: 'GatewayDuplicateCertificate',
    severity: 'Warning',
    description:
      'Gateways on the same gateway pods serve one certificate; clients reuse an HTTP/2 connection for all its hosts and get 404s from the Gateway that does not serve the host.',
  },
  IST0139: {
    name: 'InvalidWebhook',
    severity: 'Error',
    description:
      'An Istio injection webhook overlaps another one (pods would be injected twice) or calls a control plane Service that does not exist (pod creation fails or skips injection).',
  },
  IST0140: {
    name: 'IngressRouteRulesNotAffected',
    severity: 'Warning',
    description:
      'A gateway-bound VirtualService routes to a host whose subset routing lives in another VirtualService; those rules do not apply to traffic entering through the gateway.',
  },
  IST0144: {
    name: 'InvalidApplicationUID',
    severity: 'Warning',
    description:
      "An application container runs as UID 1337, the sidecar's own user: its traffic bypasses the proxy's capture rules.",
  },
  IST0145: {
    name: 'ConflictingGateways',
    severity: 'Error',
    description:
      'Gateways selecting the same gateway pods declare the same port and host; only one of them takes effect.',
  },
  IST0146: {
    name: 'ImageAutoWithoutInjectionWarning',
    severity: 'Warning',
    description:
      'A Deployment has an istio-proxy container with `image: auto`, which only the injector fills in, but no injection webhook selects its pods: they will fail to start.',
  },
  IST0147: {
    name: 'ImageAutoWithoutInjectionError',
    severity: 'Error',
    description:
      'A Pod has an istio-proxy container with `image: auto`, which only the injector replaces; the pod as it stands cannot run.',
  },
  IST0148: {
    name: 'NamespaceInjectionEnabledByDefault',
    severity: 'Info',
    description:
      'The injector injects every unlabelled namespace (enableNamespacesByDefault), so this namespace gets sidecars without saying so.',
  },
  IST0149: {
    name: 'JwtClaimBasedRoutingWithoutRequestAuthN',
    severity: 'Error',
    description:
      'The VirtualService routes on a JWT claim at a gateway whose pods no RequestAuthentication validates, so the claim is never available and the rule never matches.',
  },
  IST0150: {
    name: 'ExternalNameServiceTypeInvalidPortName',
    severity: 'Warning',
    description:
      'An ExternalName Service port must name a protocol other than plain tcp, or traffic to it is not routed correctly.',
  },
  IST0151: {
    name: 'EnvoyFilterUsesRelativeOperation',
    severity: 'Warning',
    description:
      'The EnvoyFilter has no priority and a relative patch operation (INSERT_BEFORE, INSERT_AFTER, REPLACE, REMOVE), so whether it applies depends on the order of other EnvoyFilters.',
  },
  IST0152: {
    name: 'EnvoyFilterUsesReplaceOperationIncorrectly',
    severity: 'Error',
    description:
      'REPLACE works only on HTTP filters, network filters and virtual hosts; on anything else the patch is not applied.',
  },
  IST0153: {
    name: 'EnvoyFilterUsesAddOperationIncorrectly',
    severity: 'Error',
    description:
      'ADD is ignored when applyTo is ROUTE_CONFIGURATION or HTTP_ROUTE, so the patch does nothing.',
  },
  IST0154: {
    name: 'EnvoyFilterUsesRemoveOperationIncorrectly',
    severity: 'Error',
    description:
      'REMOVE is ignored when applyTo is ROUTE_CONFIGURATION or HTTP_ROUTE, so the patch does nothing.',
  },
  IST0155: {
    name: 'EnvoyFilterUsesRelativeOperationWithProxyVersion',
    severity: 'Warning',
    description:
      'The EnvoyFilter has no priority, a relative patch operation and a proxyVersion match on the same filter, so during an upgrade its patches may apply in another order or not at all.',
  },
  IST0157: {
    name: 'InvalidTelemetryProvider',
    severity: 'Warning',
    description:
      'A Telemetry access logging entry names no provider and the mesh config has no default one, so Istio ignores the entry.',
  },
  IST0158: {
    name: 'PodsIstioProxyImageMismatchInNamespace',
    severity: 'Warning',
    description:
      'Pods in an injected namespace run a proxy image other than the one the injector now sets, usually after a control plane upgrade: they keep the old proxy until restarted.',
  },
  IST0159: {
    name: 'ConflictingTelemetryWorkloadSelectors',
    severity: 'Error',
    description:
      'Several Telemetry resources select the same workload; which settings its proxy gets is undefined.',
  },
  IST0160: {
    name: 'MultipleTelemetriesWithoutWorkloadSelectors',
    severity: 'Error',
    description:
      'A namespace has more than one Telemetry without a selector; only one namespace-wide Telemetry may exist.',
  },
  IST0161: {
    name: 'InvalidGatewayCredential',
    severity: 'Error',
    description:
      'The Secret a Gateway names in credentialName lacks the certificate keys, holds no parsable certificate, or the certificate is expired or not yet valid, so TLS on that server fails.',
  },
  IST0162: {
    name: 'GatewayPortNotDefinedOnService',
    severity: 'Warning',
    description:
      'The Gateway listens on a port that no Service in front of its gateway pods exposes, so clients cannot reach it.',
  },
  IST0163: {
    name: 'InvalidExternalControlPlaneConfig',
    severity: 'Warning',
    description:
      'An Istio webhook of a remote cluster has no address (neither URL nor Service) or an unparsable URL, so it cannot reach the external control plane.',
  },
  IST0164: {
    name: 'ExternalControlPlaneAddressIsNotAHostname',
    severity: 'Info',
    description:
      'An Istio webhook reaches the external control plane by IP address; a hostname survives address changes and suits production better.',
  },
  IST0165: {
    name: 'ReferencedInternalGateway',
    severity: 'Warning',
    description:
      'The VirtualService names a gateway Istio generates internally for a Gateway API Gateway; such names can change at any time.',
  },
  IST0166: {
    name: 'IneffectiveSelector',
    severity: 'Warning',
    description:
      'A policy selects the pods of a Gateway API Gateway with a workload selector, which Istio ignores there; targetRef is needed.',
  },
  IST0167: {
    name: 'IneffectivePolicy',
    severity: 'Warning',
    description:
      'The policy has no effect where it applies, for example a Sidecar resource for workloads in ambient mode.',
  },
  IST0171: {
    name: 'NegativeConditionStatus',
    severity: 'Warning',
    description:
      'A status condition Istio (or the Gateway API controller) writes says the resource is not accepted, programmed, bound or resolved, so it does not work as configured.',
  },
  IST0173: {
    name: 'DestinationRuleSubsetNotSelectPods',
    severity: 'Error',
    description:
      'A DestinationRule subset selects no pod of its host, so traffic routed to that subset fails (503 NR).',
  },
  IST0174: {
    name: 'UnknownDestinationRuleHost',
    severity: 'Warning',
    description:
      'The DestinationRule host matches no Service or ServiceEntry visible from its namespace, so it applies to nothing.',
  },
  IST0175: {
    name: 'JwksUriFetchUnrestricted',
    severity: 'Warning',
    description:
      'RequestAuthentications make istiod fetch JWKS from their jwksUri, and BLOCKED_CIDRS_IN_JWKS_URIS is not set, so a jwksUri can point istiod at internal addresses.',
  },
  IST0176: {
    name: 'GatewayAPICRDVersionBelowMinimum',
    severity: 'Warning',
    description:
      'A Gateway API CRD is older than this Istio version processes; istiod ignores it and every resource of that kind.',
  },
  IST0177: {
    name: 'ConflictingServiceEntryProtocol',
    severity: 'Warning',
    description:
      'ServiceEntries visible in the same namespace declare one host and port with different protocols; proxies can use only one of them.',
  },
} as const satisfies Record<
  string,
  { name: string; severity: Severity; description: string }
>;

/** An istioctl message code reproduced here. */
export type IstioMessageCode = keyof typeof MESSAGE_TYPES;

/** The catalogue entries of one analyzer, in the order given. */
export function definitionsFor(
  analyzer: string,
  codes: IstioMessageCode[],
): FindingDefinition[] {
  return codes.map(code => ({ code, analyzer, ...MESSAGE_TYPES[code] }));
}

/**
 * Builds a finding about `resource` from one of the analyzer's definitions.
 */
export function report(
  definitions: FindingDefinition[],
  code: IstioMessageCode,
  resource: MeshResource,
  message: string,
  remediation: string,
): Finding {
  const definition = definitions.find(d => d.code === code);
  if (!definition) {
    throw new Error(`analyzer does not declare ${code}`);
  }
  return findingAbout(definition, resource, message, remediation);
}

/** `-n <namespace>` for kubectl, empty for objects that had none. */
export function kubectlNamespace(resource: MeshResource): string {
  return resource.namespaceGiven ? ` -n ${resource.namespace}` : '';
}
