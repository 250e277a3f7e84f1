import { ToolLinks } from '@meshportal/plugin-istio-common';
import { IstioClusterConfig } from '../clusters/config';

/** Grafana's "Istio Mesh Dashboard", which ships with a fixed uid. */
const MESH_DASHBOARD_UID = '1a9a8ea49444aae205c7737573e894f9';

type LinkConfig = Pick<
  IstioClusterConfig,
  | 'kialiUrl'
  | 'kialiClusterName'
  | 'grafanaUrl'
  | 'grafanaDashboards'
  | 'tracingUrl'
>;

const seg = encodeURIComponent;

function query(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${seg(k)}=${seg(v!)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Kiali's console root: `<kiali>/console`, unless the base already ends with it. */
function kialiConsole(config: LinkConfig): string | undefined {
  if (!config.kialiUrl) return undefined;
  return config.kialiUrl.endsWith('/console')
    ? config.kialiUrl
    : `${config.kialiUrl}/console`;
}

/**
 * Builds links from the configured base URLs only. Names are always
 * percent-encoded and nothing is ever read from entity annotations, so a
 * catalog author cannot point users at another host.
 * @public
 */
export class LinkBuilder {
  constructor(private readonly config: LinkConfig) {}

  namespace(namespace: string): ToolLinks {
    const kiali = kialiConsole(this.config);
    return {
      kiali: kiali
        ? `${kiali}/namespaces/${seg(namespace)}${query({
            clusterName: this.config.kialiClusterName,
          })}`
        : undefined,
      grafana: this.config.grafanaUrl
        ? `${this.config.grafanaUrl}/d/${MESH_DASHBOARD_UID}`
        : undefined,
    };
  }

  workload(namespace: string, name: string): ToolLinks {
    const kiali = kialiConsole(this.config);
    const uid = this.config.grafanaDashboards.workload;
    return {
      kiali: kiali
        ? `${kiali}/namespaces/${seg(namespace)}/workloads/${seg(name)}${query({
            tab: 'info',
            clusterName: this.config.kialiClusterName,
          })}`
        : undefined,
      grafana:
        this.config.grafanaUrl && uid
          ? `${this.config.grafanaUrl}/d/${seg(uid)}${query({
              'var-namespace': namespace,
              'var-workload': name,
            })}`
          : undefined,
      // Istio reports spans under the canonical service `<name>.<namespace>`.
      tracing: this.config.tracingUrl
        ? `${this.config.tracingUrl}/search${query({
            service: `${name}.${namespace}`,
          })}`
        : undefined,
    };
  }

  service(namespace: string, name: string): ToolLinks {
    const kiali = kialiConsole(this.config);
    const uid = this.config.grafanaDashboards.service;
    return {
      kiali: kiali
        ? `${kiali}/namespaces/${seg(namespace)}/services/${seg(name)}${query({
            tab: 'info',
            clusterName: this.config.kialiClusterName,
          })}`
        : undefined,
      grafana:
        this.config.grafanaUrl && uid
          ? `${this.config.grafanaUrl}/d/${seg(uid)}${query({
              'var-service': `${name}.${namespace}.svc.cluster.local`,
              'var-namespace': namespace,
            })}`
          : undefined,
    };
  }

  /** Kiali's traffic graph over several namespaces. */
  graph(namespaces: string[]): string | undefined {
    const kiali = kialiConsole(this.config);
    if (!kiali || !namespaces.length) return undefined;
    return `${kiali}/graph/namespaces${query({
      namespaces: namespaces.join(','),
      clusterName: this.config.kialiClusterName,
    })}`;
  }
}
