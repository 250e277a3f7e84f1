/*
 * Client configuration for a running test server: the options
 * `@kubernetes/client-node` loads and the kubeconfig YAML kubectl reads.
 */
import { stringify as stringifyYaml } from 'yaml';

/**
 * The shape `KubeConfig.loadFromOptions` accepts.
 * @public
 */
export interface KubeConfigOptions {
  clusters: { name: string; server: string; caData: string }[];
  users: { name: string; token: string }[];
  contexts: {
    name: string;
    cluster: string;
    user: string;
    namespace?: string;
  }[];
  currentContext: string;
}

/** Where a client connects and how it authenticates. */
export interface ClientEndpoint {
  url: string;
  /** PEM of the CA that issued the server certificate. */
  caData: string;
  token: string;
}

export function kubeConfigOptions(
  endpoint: ClientEndpoint,
  namespace?: string,
): KubeConfigOptions {
  return {
    clusters: [
      {
        name: 'kube-test-server',
        server: endpoint.url,
        caData: Buffer.from(endpoint.caData).toString('base64'),
      },
    ],
    users: [{ name: 'kube-test-server', token: endpoint.token }],
    contexts: [
      {
        name: 'kube-test-server',
        cluster: 'kube-test-server',
        user: 'kube-test-server',
        ...(namespace ? { namespace } : {}),
      },
    ],
    currentContext: 'kube-test-server',
  };
}

export function kubeconfigYaml(
  endpoint: ClientEndpoint,
  namespace?: string,
): string {
  return stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kube-test-server',
        cluster: {
          server: endpoint.url,
          'certificate-authority-data': Buffer.from(endpoint.caData).toString(
            'base64',
          ),
        },
      },
    ],
    users: [{ name: 'kube-test-server', user: { token: endpoint.token } }],
    contexts: [
      {
        name: 'kube-test-server',
        context: {
          cluster: 'kube-test-server',
          user: 'kube-test-server',
          ...(namespace ? { namespace } : {}),
        },
      },
    ],
    'current-context': 'kube-test-server',
    preferences: {},
  });
}
