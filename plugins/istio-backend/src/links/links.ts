import { serviceHost, ToolLinks } from '@meshportal/plugin-istio-common';
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
  | 'clusterDomain'
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

  /** A Kiali console page, or undefined when Kiali is not configured. */
  private kiali(
    path: string,
    params: Record<string, string | undefined> = {},
  ): string | undefined {
    const base = kialiConsole(this.config);
    return base
      ? `${base}${path}${query({
          ...params,
          clusterName: this.config.kialiClusterName,
        })}`
      : undefined;
  }

  /** A Grafana dashboard by uid, or undefined when either is not configured. */
  private grafana(
    uid: string | undefined,
    variables: Record<string, string> = {},
  ): string | undefined {
    return this.config.grafanaUrl && uid
      ? `${this.config.grafanaUrl}/d/${seg(uid)}${query(variables)}`
      : undefined;
  }

  namespace(namespace: string): ToolLinks {
    return {
      kiali: this.kiali(`/namespaces/${seg(namespace)}`),
      grafana: this.grafana(MESH_DASHBOARD_UID),
    };
  }

  workload(namespace: string, name: string): ToolLinks {
    return {
      kiali: this.kiali(
        `/namespaces/${seg(namespace)}/workloads/${seg(name)}`,
        { tab: 'info' },
      ),
      grafana: this.grafana(this.config.grafanaDashboards.workload, {
        'var-namespace': namespace,
        'var-workload': name,
      }),
      // Istio reports spans under the canonical service `<name>.<namespace>`.
      tracing: this.config.tracingUrl
        ? `${this.config.tracingUrl}/search${query({
            service: `${name}.${namespace}`,
          })}`
        : undefined,
    };
  }

  service(namespace: string, name: string): ToolLinks {
    return {
      kiali: this.kiali(`/namespaces/${seg(namespace)}/services/${seg(name)}`, {
        tab: 'info',
      }),
      grafana: this.grafana(this.config.grafanaDashboards.service, {
        'var-service': serviceHost(name, namespace, this.config.clusterDomain),
        'var-namespace': namespace,
      }),
    };
  }

  /** Kiali's traffic graph over several namespaces. */
  graph(namespaces: string[]): string | undefined {
    if (!namespaces.length) return undefined;
    return this.kiali('/graph/namespaces', {
      namespaces: namespaces.join(','),
    });
  }
}
