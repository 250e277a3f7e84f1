import {
  ClientTlsMode,
  DestinationRuleSpec,
  MeshResource,
  ServicePort,
} from '../../model/resources';

/**
 * A kubectl command that sets the TLS mode of an existing DestinationRule:
 * at the top level, in one `portLevelSettings` entry, or in a subset's
 * traffic policy (a merge patch keeps the rest of the top-level policy).
 * @internal
 */
export function patchDestinationRuleTls(
  rule: MeshResource<DestinationRuleSpec>,
  port: number | undefined,
  mode: ClientTlsMode,
  subsetIndex?: number,
): string {
  const base =
    subsetIndex === undefined
      ? '/spec/trafficPolicy'
      : `/spec/subsets/${subsetIndex}/trafficPolicy`;
  const policy =
    subsetIndex === undefined
      ? rule.spec?.trafficPolicy
      : rule.spec?.subsets?.[subsetIndex]?.trafficPolicy;
  const settings = policy?.portLevelSettings;
  const index =
    port === undefined || !Array.isArray(settings)
      ? -1
      : settings.findIndex(s => s?.port?.number === port);
  const json = (path: string) =>
    `kubectl -n ${rule.namespace} patch destinationrule ${rule.name} --type=json -p '[{"op":"add","path":"${path}","value":{"mode":"${mode}"}}]'`;
  if (index >= 0) return json(`${base}/portLevelSettings/${index}/tls`);
  if (subsetIndex !== undefined) return json(`${base}/tls`);
  return `kubectl -n ${rule.namespace} patch destinationrule ${rule.name} --type=merge -p '{"spec":{"trafficPolicy":{"tls":{"mode":"${mode}"}}}}'`;
}

/**
 * A new DestinationRule for one service host that sets a TLS mode, for the
 * whole host or only the given service ports.
 * @internal
 */
export function destinationRuleYaml(
  service: MeshResource,
  host: string,
  mode: ClientTlsMode,
  ports?: number[],
): string {
  const header = [
    'apiVersion: networking.istio.io/v1',
    'kind: DestinationRule',
    'metadata:',
    `  name: ${service.name}-tls`,
    `  namespace: ${service.namespace}`,
    'spec:',
    `  host: ${host}`,
    '  trafficPolicy:',
  ];
  const body =
    ports && ports.length > 0
      ? [
          '    portLevelSettings:',
          ...ports.flatMap(p => [
            '    - port:',
            `        number: ${p}`,
            '      tls:',
            `        mode: ${mode}`,
          ]),
        ]
      : ['    tls:', `      mode: ${mode}`];
  return [...header, ...body].join('\n');
}

/**
 * A PeerAuthentication that makes the selected workloads STRICT.
 * @internal
 */
export function strictPeerAuthenticationYaml(
  namespace: string,
  name: string,
  matchLabels: Record<string, string> | undefined,
): string {
  const lines = [
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
  ];
  const labels = Object.entries(matchLabels ?? {});
  if (labels.length > 0) {
    lines.push('  selector:', '    matchLabels:');
    for (const [k, v] of labels) lines.push(`      ${k}: ${JSON.stringify(v)}`);
  }
  lines.push('  mtls:', '    mode: STRICT');
  return lines.join('\n');
}

/**
 * Whether the application itself speaks TLS on a Service port (named or
 * declared so).
 * @internal
 */
export function isApplicationTlsPort(port: ServicePort): boolean {
  const protocol = `${port?.appProtocol ?? ''}`.toLowerCase();
  const name = `${port?.name ?? ''}`.toLowerCase();
  return (
    protocol === 'https' ||
    protocol === 'tls' ||
    name === 'https' ||
    name === 'tls' ||
    name.startsWith('https-') ||
    name.startsWith('tls-')
  );
}
