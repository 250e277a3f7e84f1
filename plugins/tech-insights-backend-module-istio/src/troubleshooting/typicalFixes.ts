/**
 * The usual way out of each finding, for docs/troubleshooting.md. The
 * engine's findings carry a remediation computed for the objects at hand;
 * these are the general form. A code of the engine's catalogue without an
 * entry here fails the troubleshooting test.
 */
export const TYPICAL_FIXES: Record<string, string> = {
  IST0002:
    'Move to the replacement field or resource the message names (for example an OpenTelemetry provider instead of Lightstep) before upgrading; the deprecated form may already be ignored.',
  IST0101:
    'Correct the reference (host, subset, gateway, selector label or namespace) or create the missing object. For a subset, add it to the DestinationRule of the host; for a gateway, write it as `<namespace>/<name>`.',
  IST0102:
    'Label the namespace for injection (`kubectl label namespace <ns> istio-injection=enabled`, or `istio.io/rev=<revision or tag>`), then restart its workloads. Namespaces kept out of the mesh on purpose can ignore this Info.',
  IST0103:
    "Restart the workload so its pods are recreated through the injector: `kubectl -n <ns> rollout restart deployment/<name>`. If the new pods still lack `istio-proxy`, check the injector webhook and the pod's `sidecar.istio.io/inject` label.",
  IST0107:
    "Move the annotation to the resource Istio reads it from: pod annotations go under the Deployment's `spec.template.metadata.annotations`, Service and namespace annotations on those objects.",
  IST0108:
    "Fix the spelling against Istio's annotation reference (`istioctl x describe` and the Istio docs list them), or remove the annotation.",
  IST0109:
    'Keep one VirtualService per host for the mesh gateway: merge the routes into it, or narrow `exportTo` so each namespace sees only one.',
  IST0110:
    'Make the Sidecar selectors disjoint so each workload is selected by exactly one Sidecar resource, or merge them.',
  IST0111:
    'Keep a single Sidecar without `workloadSelector` in the namespace; give the others a selector or delete them.',
  IST0112:
    'Add `destination.port.number` to each route destination of a service that exposes several ports.',
  IST0116:
    'Use one protocol per port number across the Services selecting the same pods (same port name prefix or `appProtocol`), or move one of them to another port.',
  IST0118:
    'Name the Service port `<protocol>[-suffix]` (`http-web`, `grpc`, `tcp-db`) or set `appProtocol`, so Istio does not have to sniff the protocol.',
  IST0123:
    'Keep one injection label on the namespace: `istio-injection=enabled` for the default revision, `istio.io/rev=<revision or tag>` for canary upgrades, or `istio.io/dataplane-mode=ambient`. Remove the others.',
  IST0125:
    'Correct the annotation value to the form Istio expects (a number, a comma-separated port list, CIDRs, `true`/`false`), then restart the pods so the injector reads it again.',
  IST0126:
    'Name a registry Istio knows in `meshNetworks.networks.<net>.endpoints[].fromRegistry`: `Kubernetes` or the cluster name of a remote secret, or add the missing remote secret.',
  IST0127:
    'Fix the policy selector to match the labels of the pods it is meant for, or delete the policy if the workload is gone.',
  IST0128:
    'Add `tls.caCertificates` (or `credentialName` with a CA) to the DestinationRule so the server certificate is verified, or use `ISTIO_MUTUAL` toward in-mesh services.',
  IST0129:
    'Add `tls.caCertificates` to the `portLevelSettings` entry that originates TLS, or use `ISTIO_MUTUAL` toward in-mesh services.',
  IST0130:
    'Put rules in order from most to least specific and keep the one rule without `match` last; remove rules whose matches all repeat earlier ones, or give them a condition of their own.',
  IST0131:
    'Delete the repeated match, or move the narrower match (longer URI prefix, extra header) into a rule placed before the broader one.',
  IST0132:
    "Add the VirtualService host to a `servers[].hosts` entry of the bound Gateway (or use the Gateway's host), or bind the VirtualService to the right Gateway.",
  IST0134:
    'Give the ServiceEntry `addresses` (a virtual IP), declare the port as HTTP or TLS if it is, or let Istio allocate addresses with `ISTIO_META_DNS_CAPTURE` and `ISTIO_META_DNS_AUTO_ALLOCATE` set to `"true"` in `meshConfig.defaultConfig.proxyMetadata`.',
  IST0135:
    'Replace the annotation with the setting that supersedes it (often a label such as `sidecar.istio.io/inject`, or a ProxyConfig / mesh config field).',
  IST0137:
    'Give each Service port of the same pods its own `targetPort`, or keep the ports in one Service.',
  IST0138:
    'Serve each certificate from one Gateway only: merge the servers that share it into a single Gateway, or give each host its own certificate.',
  IST0139:
    'Keep one injection webhook per revision with disjoint namespace and object selectors, and make sure each points at an existing istiod Service (`istioctl tag list`, `kubectl get mutatingwebhookconfigurations`).',
  IST0140:
    'Bind the VirtualService that carries the subset routing to the gateway as well (`gateways: [<ns>/<gw>, mesh]`), or move those rules into the gateway-bound VirtualService.',
  IST0144:
    'Run the application container under another UID than 1337 (`securityContext.runAsUser`); that UID belongs to the sidecar.',
  IST0145:
    'Give each Gateway selecting the same gateway pods distinct port and host pairs, or merge them into one Gateway.',
  IST0146:
    'Label the namespace (or the pod template) for injection so the injector fills in `image: auto`, or set a real proxy image.',
  IST0147:
    'Create the pod through injection (namespace or pod labelled for injection) or replace `image: auto` with a real image; as written the pod cannot start.',
  IST0148:
    'Label namespaces explicitly (`istio-injection=enabled` or `disabled`) so injection does not depend on the `enableNamespacesByDefault` setting.',
  IST0149:
    'Apply a RequestAuthentication (with `jwtRules`) that selects the gateway pods, in their namespace or the root namespace, so the token is validated and its claims can be matched.',
  IST0150:
    'Name the ExternalName Service port with its protocol (`http`, `https`, `tls`, `grpc`...) rather than plain `tcp` or nothing.',
  IST0151:
    'Give the EnvoyFilter a `priority`, or use an absolute operation (MERGE, ADD, INSERT_FIRST), so its result no longer depends on other EnvoyFilters.',
  IST0152:
    'Use REPLACE only with `applyTo` HTTP_FILTER, NETWORK_FILTER or VIRTUAL_HOST; for other targets use MERGE or REMOVE plus ADD.',
  IST0153:
    'Use MERGE for ROUTE_CONFIGURATION and HTTP_ROUTE patches; ADD does not apply to them.',
  IST0154:
    'Remove routes or route configuration with MERGE (or by changing the VirtualService); REMOVE does not apply to ROUTE_CONFIGURATION or HTTP_ROUTE.',
  IST0155:
    'Set a `priority`, use an absolute operation, or drop the `proxyVersion` match, so the patch keeps applying while proxies of two versions run.',
  IST0157:
    'Name an access log provider in the Telemetry (`accessLogging[].providers`) or set `meshConfig.defaultProviders.accessLogging`.',
  IST0158:
    "Restart the namespace's workloads after a control plane upgrade (`kubectl -n <ns> rollout restart deployment`) so their pods get the injector's current proxy image.",
  IST0159:
    'Make the Telemetry selectors disjoint so each workload is selected by exactly one Telemetry resource, or merge them.',
  IST0160:
    'Keep a single Telemetry without `selector` in the namespace; give the others a selector or delete them.',
  IST0161:
    "Fix the Secret named in `credentialName`: it must hold `tls.crt` and `tls.key` (or `cert`/`key`) with a valid, unexpired certificate, in the gateway's namespace.",
  IST0162:
    'Expose the Gateway port on the Service in front of the gateway pods (`ports[].port`), or change the Gateway server to a port the Service exposes.',
  IST0163:
    "Give the remote cluster's Istio webhooks the external control plane's address (`clientConfig.url` or a `service`), written as a valid URL.",
  IST0164:
    'Point the webhooks at a hostname of the external control plane (with a certificate for it) instead of an IP address.',
  IST0165:
    'Attach routes to a Gateway API Gateway with an HTTPRoute, or bind the VirtualService to an Istio Gateway you own; never name the generated gateways (names containing `~istio-autogenerated-k8s-gateway`).',
  IST0166:
    'Attach the policy to the Gateway API Gateway with `targetRefs` (kind Gateway, group gateway.networking.k8s.io) instead of a workload selector.',
  IST0167:
    'Remove the Sidecar resource for ambient workloads (they have no sidecar proxy to configure), or move the workloads back to sidecar mode if they need it.',
  IST0171:
    "Read the condition's reason and message (`kubectl get <kind> <name> -o yaml`, `status.conditions`) and fix what it names: a missing backend, listener conflict, unsupported field or unresolved reference.",
  IST0173:
    'Fix the subset `labels` to match labels the pods of the host carry (often `version`), or deploy the version the subset names before routing to it.',
  IST0174:
    "Fix `spec.host` to a Service (`<svc>.<ns>.svc.cluster.local`) or ServiceEntry host visible from the rule's namespace, or delete the rule.",
  IST0175:
    'Set `BLOCKED_CIDRS_IN_JWKS_URIS` on istiod to the internal ranges it must not fetch from, or serve keys inline with `jwks` instead of `jwksUri`.',
  IST0176:
    'Upgrade the Gateway API CRDs to at least the version this Istio release requires (`kubectl get crd gateways.gateway.networking.k8s.io -o yaml`, bundle-version annotation).',
  IST0177:
    'Declare the host and port with one protocol in every ServiceEntry visible to the same namespaces, merge the entries, or narrow `exportTo` so they never meet.',
  MESH001:
    'Remove `tls.mode: DISABLE` from the DestinationRule (or set `ISTIO_MUTUAL`) for the STRICT port. If plaintext is really needed, make that port DISABLE on the server side instead (a legacy exception).',
  MESH002:
    'Add a DestinationRule for the host with `tls.mode: ISTIO_MUTUAL`, or lift the namespace or mesh DISABLE policy so auto mTLS infers mTLS.',
  MESH003:
    'Turn `enableAutoMtls` back on in the mesh config, or add a DestinationRule with `tls.mode: ISTIO_MUTUAL` for every STRICT host.',
  MESH004:
    'Inject a sidecar into the target workload (or remove its DISABLE PeerAuthentication if it is no longer needed), or take `tls` out of the DestinationRule for that host or port so auto mTLS sends plaintext to endpoints without a sidecar; set `DISABLE` where the workload only accepts plaintext.',
  MESH005:
    'Add `tls.mode: ISTIO_MUTUAL` to the host-specific DestinationRule (or to the affected port entries), or turn auto mTLS back on.',
  MESH006:
    'Use `ISTIO_MUTUAL` toward in-mesh workloads. Keep SIMPLE or MUTUAL only when the application terminates TLS itself and the server is not STRICT.',
  MESH007:
    "Move the workload to STRICT (the runbook's waves), or rewrite the policy without peer identity conditions until it is.",
  MESH008:
    'Give the DestinationRule port entry an explicit `tls.mode` (`DISABLE` toward plaintext-only endpoints), or inject the target workload and lift its DISABLE.',
  MESH101:
    'Make the destination weights integers from 0 to 100 that add up to exactly 100.',
  MESH102:
    'Remove the `fault` block from the production VirtualService, or run the experiment in a non-production namespace.',
  MESH103:
    'Set `retries.perTryTimeout` shorter than the route `timeout` (for example 2s with a 6s timeout and 3 attempts).',
  MESH104:
    'Set `mirrorPercentage.value` between 0 and 100 and give a `mirror` destination, or remove the percentage.',
  MESH201:
    'Read why the proxy is not ready: `kubectl describe pod` (events, probe failures) and `kubectl logs <pod> -c istio-proxy`; `istioctl proxy-status` shows whether it reached istiod. Common causes: istiod unreachable, a missing or unreadable root certificate, an image that cannot be pulled.',
  MESH202:
    'Read the previous run with `kubectl logs <pod> -c istio-proxy --previous`. For `OOMKilled`, raise the proxy memory with the `sidecar.istio.io/proxyMemoryLimit` (and `sidecar.istio.io/proxyMemory`) annotations on the pod template, then restart the workload.',
  MESH203:
    'Restart the workload (`kubectl rollout restart deployment/<name>`) so its pods are injected by the revision the namespace now selects; once no pod runs the old revision, the old control plane can be removed.',
  MESH204:
    'Restart the workload (`kubectl rollout restart deployment/<name>`) after an in-place upgrade so its pods get the proxy image of the running istiod.',
  MESH301:
    "Rotate the root before it expires: add the new root next to the old one in istiod's CA bundle (the `cacerts` Secret for a plugged-in CA), restart istiod so it republishes `istio-ca-root-cert`, restart the workloads, then drop the old root.",
  MESH302:
    'Restore a valid root: issue a new root (and intermediate), install it as the CA of istiod, restart istiod and then every workload so all proxies get certificates of the new chain. Connections fail until then.',
  MESH303:
    'Delete the broken `istio-ca-root-cert` ConfigMap so istiod rewrites it, and check that istiod is running; `root-cert.pem` must hold the PEM of the mesh root.',
};
