import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the MeshPortal Istio backend plugin. */
  istio?: {
    /**
     * Clusters to read. A cluster whose name matches a cluster of
     * `kubernetes.clusterLocatorMethods[type=config]` inherits its url and
     * credentials, so only the Istio-specific keys need to be given here.
     * When this list is absent, every config-located Kubernetes cluster is read.
     */
    clusters?: Array<{
      /** Cluster name, as used by the `backstage.io/kubernetes-cluster` annotation. */
      name: string;
      /** API server URL. */
      url?: string;
      /** How to authenticate to the API server. */
      authProvider?: 'serviceAccount' | 'kubeconfig';
      /**
       * Bearer token of a read-only service account (see docs/rbac.md).
       * @visibility secret
       */
      serviceAccountToken?: string;
      /** Path of a kubeconfig file, with `authProvider: kubeconfig`. */
      kubeconfigPath?: string;
      /** Context of the kubeconfig to use; its current context by default. */
      kubeconfigContext?: string;
      /**
       * Base64-encoded certificate authority bundle of the API server.
       * @visibility secret
       */
      caData?: string;
      /** Path of a certificate authority bundle file. */
      caFile?: string;
      /** Do not verify the API server's certificate (never in production). */
      skipTLSVerify?: boolean;
      /** Base URL of Kiali, e.g. https://kiali.example.com (the `/console` path is appended). */
      kialiUrl?: string;
      /** Cluster name Kiali knows this cluster by; only set in multi-cluster meshes. */
      kialiClusterName?: string;
      /** Base URL of Grafana. */
      grafanaUrl?: string;
      /** UIDs of this installation's Istio dashboards (they ship without a fixed uid). */
      grafanaDashboards?: {
        /** UID of "Istio Service Dashboard". */
        service?: string;
        /** UID of "Istio Workload Dashboard". */
        workload?: string;
      };
      /** Base URL of the Jaeger UI. */
      tracingUrl?: string;
      /** Base URL of the Prometheus HTTP API that scrapes this mesh. */
      prometheusUrl?: string;
      /**
       * How to authenticate to `prometheusUrl` and which CA signed its
       * certificate, for a Prometheus behind auth (Thanos, Mimir, a managed
       * Prometheus). At most one of `bearerToken` and `basicAuth`.
       */
      prometheus?: {
        /**
         * Sent as `Authorization: Bearer <token>`.
         * @visibility secret
         */
        bearerToken?: string;
        /** Sent as `Authorization: Basic ...`. */
        basicAuth?: {
          username: string;
          /** @visibility secret */
          password: string;
        };
        /**
         * Base64-encoded PEM bundle of the CA that signed Prometheus' certificate.
         * @visibility secret
         */
        caData?: string;
        /** Path of that PEM bundle. */
        caFile?: string;
      };
      /** Istio's root namespace; `istio-system` by default. */
      meshRootNamespace?: string;
      /**
       * The cluster's DNS domain, as given to istiod with `--domain`:
       * Services are `<name>.<namespace>.svc.<clusterDomain>`.
       * `cluster.local` by default.
       */
      clusterDomain?: string;
      /**
       * Restarts from which an istio-proxy container that is crash-looping
       * or restarted within the hour counts as restarting (MESH202). 3 by
       * default.
       */
      proxyRestartThreshold?: number;
      /**
       * Read the cluster from files (kubectl -o yaml dumps, multi-document
       * YAML, or directories of them) instead of an API server.
       */
      snapshotPaths?: string[];
    }>;
    /**
     * How long an API server may stay silent. A silent connection (accepted,
     * never answered) is noticed within `watchIdleTimeout` plus
     * `requestTimeout`: 50 s with the defaults.
     */
    apiServer?: {
      /**
       * Longest silence of one request (connecting, the TLS handshake, the
       * answer, each read of a list), as a duration; `{ seconds: 20 }` by default.
       */
      requestTimeout?: HumanDuration | string;
      /**
       * A watch with no event and no bookmark for this long is restarted;
       * `{ seconds: 30 }` by default.
       */
      watchIdleTimeout?: HumanDuration | string;
    };
    telemetry?: {
      /**
       * Deprecated: use `istio.readiness.observationWindow`. A Prometheus
       * duration (`6h`), read as the observation window when that is not set.
       */
      window?: string;
      /**
       * Timeout of one Prometheus query, as a duration: `{ seconds: 5 }`
       * (the default), or a string such as `5s`, `500ms` or `PT5S`.
       */
      timeout?: HumanDuration | string;
    };
    readiness?: {
      /**
       * How long telemetry must show no plaintext inbound traffic and no
       * caller from outside the mesh before a workload is `ready-for-strict`,
       * as a duration: `{ hours: 24 }` (the default), `7d`, `P7D`. Telemetry
       * covering less of it makes the verdict `unverified`. Observed callers
       * are shown over the same window.
       */
      observationWindow?: HumanDuration | string;
    };
    history?: {
      /** How often to record the adoption history, e.g. `{ hours: 1 }` (default). */
      frequency?: { days?: number; hours?: number; minutes?: number };
      /** How long to keep history, e.g. `{ days: 365 }` (default). */
      retention?: { days?: number; hours?: number };
    };
    notifications?: {
      /**
       * Mesh notices through Backstage's notifications backend: regression
       * notices to entity owners and the "Notify caller owners" action.
       * Default true; false turns both off.
       */
      enabled?: boolean;
      /**
       * How often the regression check compares each entity's mesh state
       * with the one last recorded, e.g. `{ minutes: 15 }` (the default).
       */
      frequency?: { days?: number; hours?: number; minutes?: number };
    };
  };
}
