import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { clusterDomainProblem } from '@meshportal/plugin-istio-common';
import { PrometheusConnection } from '../telemetry/PrometheusClient';

/**
 * Everything the plugin knows about one cluster: how to reach it, and the
 * observability tools that watch it.
 * @public
 */
export interface IstioClusterConfig {
  name: string;
  url?: string;
  authProvider?: 'serviceAccount' | 'kubeconfig';
  serviceAccountToken?: string;
  kubeconfigPath?: string;
  kubeconfigContext?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  kialiUrl?: string;
  kialiClusterName?: string;
  grafanaUrl?: string;
  grafanaDashboards: { service?: string; workload?: string };
  tracingUrl?: string;
  prometheusUrl?: string;
  /** Credentials and CA for `prometheusUrl`; none by default. */
  prometheus?: PrometheusConnection;
  meshRootNamespace: string;
  /**
   * The cluster's DNS domain (istiod's `--domain`); unset, the engine's
   * default, `cluster.local`.
   */
  clusterDomain?: string;
  /** Restarts from which a proxy counts as restarting; unset, the engine's default (3). */
  proxyRestartThreshold?: number;
  snapshotPaths?: string[];
}

const CONNECTION_KEYS = [
  'url',
  'authProvider',
  'serviceAccountToken',
  'caData',
  'caFile',
] as const;

/** A base URL of a tool: absolute http(s), without a trailing slash. */
function baseUrl(config: Config | undefined, key: string, cluster: string) {
  const value = config?.getOptionalString(key);
  if (!value) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InputError(`istio cluster ${cluster}: ${key} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(`istio cluster ${cluster}: ${key} must be http(s)`);
  }
  return value.replace(/\/+$/, '');
}

/** `istio.clusters[].prometheus`: one way to authenticate, one CA source. */
function prometheusConnection(
  own: Config | undefined,
  cluster: string,
  prometheusUrl: string | undefined,
): PrometheusConnection {
  const config = own?.getOptionalConfig('prometheus');
  if (!config) return {};
  const connection: PrometheusConnection = {
    bearerToken: config.getOptionalString('bearerToken'),
    username: config.getOptionalString('basicAuth.username'),
    password: config.getOptionalString('basicAuth.password'),
    caData: config.getOptionalString('caData'),
    caFile: config.getOptionalString('caFile'),
  };
  const problems: string[] = [];
  if (!prometheusUrl) problems.push('prometheus is set without prometheusUrl');
  if (connection.bearerToken && config.has('basicAuth')) {
    problems.push(
      'give prometheus.bearerToken or prometheus.basicAuth, not both',
    );
  }
  if (
    config.has('basicAuth') &&
    (connection.username === undefined || connection.password === undefined)
  ) {
    problems.push('prometheus.basicAuth needs a username and a password');
  }
  if (connection.caData && connection.caFile) {
    problems.push('give prometheus.caData or prometheus.caFile, not both');
  }
  if (problems.length) {
    throw new InputError(`istio cluster ${cluster}: ${problems.join('; ')}`);
  }
  return connection;
}

/** The clusters of `kubernetes.clusterLocatorMethods` with `type: config`, by name. */
function kubernetesClusters(root: Config): Map<string, Config> {
  const byName = new Map<string, Config>();
  const methods =
    root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    if (method.getOptionalString('type') !== 'config') continue;
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      byName.set(cluster.getString('name'), cluster);
    }
  }
  return byName;
}

/**
 * Reads `istio.clusters`, filling connection settings from the Kubernetes
 * plugin's config-located cluster of the same name so credentials are
 * written once. Without `istio.clusters`, every such Kubernetes cluster is read.
 * @public
 */
export function readIstioClusters(root: Config): IstioClusterConfig[] {
  const kube = kubernetesClusters(root);
  const istio = root.getOptionalConfigArray('istio.clusters');
  const entries: Array<{ name: string; own?: Config; base?: Config }> = istio
    ? istio.map(own => {
        const name = own.getString('name');
        return { name, own, base: kube.get(name) };
      })
    : [...kube.entries()].map(([name, base]) => ({ name, base }));

  const seen = new Set<string>();
  return entries.map(({ name, own, base }) => {
    if (seen.has(name)) {
      throw new InputError(`istio.clusters: duplicate cluster name "${name}"`);
    }
    seen.add(name);
    // Own keys win; connection keys fall back to the Kubernetes plugin's entry.
    const str = (key: string) =>
      own?.getOptionalString(key) ??
      ((CONNECTION_KEYS as readonly string[]).includes(key)
        ? base?.getOptionalString(key)
        : undefined);
    const authProvider = str('authProvider');
    const snapshotPaths = own?.getOptionalStringArray('snapshotPaths');
    const kubeconfigPath = own?.getOptionalString('kubeconfigPath');
    if (
      authProvider !== undefined &&
      authProvider !== 'serviceAccount' &&
      authProvider !== 'kubeconfig'
    ) {
      throw new InputError(
        `istio cluster ${name}: authProvider "${authProvider}" is not supported (serviceAccount or kubeconfig)`,
      );
    }
    const url = str('url');
    const prometheusUrl = baseUrl(own, 'prometheusUrl', name);
    const clusterDomain = own?.getOptionalString('clusterDomain');
    const domainProblem =
      clusterDomain !== undefined && clusterDomainProblem(clusterDomain);
    if (domainProblem) {
      throw new InputError(
        `istio cluster ${name}: clusterDomain "${clusterDomain}" ${domainProblem}`,
      );
    }
    const proxyRestartThreshold = own?.getOptionalNumber(
      'proxyRestartThreshold',
    );
    if (
      proxyRestartThreshold !== undefined &&
      !(Number.isInteger(proxyRestartThreshold) && proxyRestartThreshold >= 1)
    ) {
      throw new InputError(
        `istio cluster ${name}: proxyRestartThreshold must be a whole number from 1 (got ${proxyRestartThreshold})`,
      );
    }
    if (!snapshotPaths?.length && !url && authProvider !== 'kubeconfig') {
      throw new InputError(
        `istio cluster ${name}: needs a url, a kubeconfig or snapshotPaths`,
      );
    }
    return {
      name,
      url,
      authProvider: authProvider as IstioClusterConfig['authProvider'],
      serviceAccountToken: str('serviceAccountToken'),
      kubeconfigPath,
      kubeconfigContext: own?.getOptionalString('kubeconfigContext'),
      caData: str('caData'),
      caFile: str('caFile'),
      skipTLSVerify:
        own?.getOptionalBoolean('skipTLSVerify') ??
        base?.getOptionalBoolean('skipTLSVerify') ??
        false,
      kialiUrl: baseUrl(own, 'kialiUrl', name),
      kialiClusterName: own?.getOptionalString('kialiClusterName'),
      grafanaUrl: baseUrl(own, 'grafanaUrl', name),
      grafanaDashboards: {
        service: own?.getOptionalString('grafanaDashboards.service'),
        workload: own?.getOptionalString('grafanaDashboards.workload'),
      },
      tracingUrl: baseUrl(own, 'tracingUrl', name),
      prometheusUrl,
      prometheus: prometheusConnection(own, name, prometheusUrl),
      meshRootNamespace:
        own?.getOptionalString('meshRootNamespace') ?? 'istio-system',
      clusterDomain,
      proxyRestartThreshold,
      snapshotPaths: snapshotPaths?.length ? snapshotPaths : undefined,
    };
  });
}
