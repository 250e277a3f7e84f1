import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  BackendFeature,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { HumanDuration, JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  KubeTestServer,
  KubeTestServerOptions,
  startKubeTestServer,
} from '@meshportal/kube-test-server';
import request from 'supertest';
import { istioPlugin } from '../../plugin';

/*
 * Shared by the reliability tests: the real istio plugin in a test backend,
 * reading a real (test) Kubernetes API server over HTTPS.
 */

/** A small mesh: namespace `shop` with `checkout` (sidecar, 2 pods) and `ledger` (no sidecar). */
export function smallMesh(): any[] {
  const app = (name: string, sidecar: boolean) => {
    const labels = { app: name, 'backstage.io/kubernetes-id': name };
    const annotations = sidecar
      ? { 'sidecar.istio.io/status': '{"revision":"default"}' }
      : {};
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'shop', labels },
        spec: {
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels, annotations }, spec: {} },
        },
      },
      ...[0, 1].map(i => pod(name, i, sidecar)),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: 'shop', labels },
        spec: {
          selector: { app: name },
          ports: [{ name: 'http', port: 80, targetPort: 8080 }],
        },
      },
    ];
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
    ...app('checkout', true),
    ...app('ledger', false),
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'checkout', namespace: 'shop' },
      spec: {
        hosts: ['checkout.shop.svc.cluster.local'],
        http: [{ route: [{ destination: { host: 'checkout' } }] }],
      },
    },
    peerAuthentication('PERMISSIVE'),
  ];
}

/** A pod of app `name` (pods 0 and 1 exist in {@link smallMesh}). */
export function pod(name: string, index: number, sidecar = true) {
  const labels = { app: name, 'backstage.io/kubernetes-id': name };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-${index}`,
      namespace: 'shop',
      labels,
      annotations: sidecar
        ? { 'sidecar.istio.io/status': '{"revision":"default"}' }
        : {},
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name, controller: true },
      ],
    },
    spec: {
      containers: [
        { name: 'app', ports: [{ containerPort: 8080, name: 'http' }] },
        ...(sidecar ? [{ name: 'istio-proxy' }] : []),
      ],
    },
    status: { phase: 'Running' },
  };
}

/** The namespace-wide PeerAuthentication of `shop`. */
export function peerAuthentication(mode: string) {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: 'shop' },
    spec: { mtls: { mode } },
  };
}

/** A catalog Component mapped by `backstage.io/kubernetes-id` unless annotations say otherwise. */
export function component(
  name: string,
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': name,
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/team-shop',
      lifecycle: 'production',
    },
  };
}

/** A catalog that hides entities named in `hiddenFrom[user]`, as a permission policy would. */
function catalogWithHiding(
  entities: Entity[],
  hiddenFrom: Record<string, string[]>,
) {
  const catalog = catalogServiceMock({ entities });
  const visible = (credentials: BackstageCredentials, e?: Entity) => {
    const user = (credentials.principal as { userEntityRef?: string })
      .userEntityRef;
    return e && !(hiddenFrom[user ?? '']?.includes(e.metadata.name) ?? false)
      ? e
      : undefined;
  };
  return catalogServiceMock.mock({
    queryEntities: async (req, opts) => {
      const result = await catalog.queryEntities(req, opts);
      const { credentials } = opts as { credentials: BackstageCredentials };
      return {
        ...result,
        items: result.items.filter(e => visible(credentials, e)),
      };
    },
    getEntityByRef: async (ref, opts) => {
      const { credentials } = opts as { credentials: BackstageCredentials };
      return visible(credentials, await catalog.getEntityByRef(ref, opts));
    },
  });
}

/** A permission service deciding each (basic) permission with `allow`. */
function permissionsDecidedBy(
  allow: (permission: string, user: string | undefined) => boolean,
) {
  return mockServices.permissions.mock({
    authorize: async (requests, opts) => {
      const user = (
        opts.credentials.principal as { userEntityRef?: string } | undefined
      )?.userEntityRef;
      return requests.map(r => ({
        result: allow(r.permission.name, user)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })) as any;
    },
  });
}

/** A running ingress gateway pod (`istio: ingressgateway`) in istio-system. */
export const ingressGatewayPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'ingress-0',
    namespace: 'istio-system',
    labels: { istio: 'ingressgateway' },
  },
  spec: { containers: [{ name: 'istio-proxy' }] },
  status: { phase: 'Running' },
};

/** `code resource` of every finding of an entity posture body, sorted. */
export function entityFindingKeys(body: any): string[] {
  return body.clusters
    .flatMap((c: any) => c.findings)
    .map((f: any) => `${f.code} ${f.resource}`)
    .sort();
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - start > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
}

export interface MeshBackend {
  server: KubeTestServer;
  /** GET as a signed-in user (`user:default/mock` unless given). */
  get(path: string, user?: string): Promise<request.Response>;
  /** The cluster entry of GET /v1/clusters. */
  cluster(): Promise<any>;
  stop(): Promise<void>;
  httpServer: any;
}

/**
 * Starts a kube test server holding `objects` and a backend with the istio
 * plugin reading it; resolves once the first report is computed.
 */
export async function startMeshBackend(
  options: {
    objects?: any[];
    server?: KubeTestServerOptions;
    entities?: Entity[];
    hiddenFrom?: Record<string, string[]>;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    /** Decides each permission per user instead of `permission`. */
    allow?: (permission: string, user: string | undefined) => boolean;
    /** Extra keys of the `istio.clusters` entry (prometheusUrl, …). */
    cluster?: Record<string, unknown>;
    /** `istio.telemetry`. */
    telemetry?: { window?: string; timeout?: HumanDuration | string };
    /** `istio.apiServer` (request and watch idle timeouts). */
    apiServer?: { requestTimeout?: string; watchIdleTimeout?: string };
    /** Wait for a synced, non-degraded cluster (default true). */
    waitForSync?: boolean;
    /**
     * Real plugins (catalog, permission backend) in place of the catalog
     * and permission mocks, with their config; `entities`, `hiddenFrom`,
     * `permission` and `allow` are then unused.
     */
    stack?: { features: BackendFeature[]; config: JsonObject };
  } = {},
): Promise<MeshBackend> {
  const server = await startKubeTestServer({
    bookmarkIntervalMs: 500,
    objects: options.objects ?? smallMesh(),
    ...options.server,
  });
  const entities = options.entities ?? [
    component('checkout'),
    component('ledger'),
  ];
  const backend = await startTestBackend({
    features: [
      istioPlugin,
      mockServices.rootConfig.factory({
        data: {
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'prod',
                    url: server.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: server.token,
                    caData: Buffer.from(server.caData).toString('base64'),
                  },
                ],
              },
            ],
          },
          istio: {
            clusters: [
              {
                name: 'prod',
                kialiUrl: 'https://kiali.example.com',
                ...options.cluster,
              },
            ],
            ...(options.telemetry ? { telemetry: options.telemetry } : {}),
            ...(options.apiServer ? { apiServer: options.apiServer } : {}),
          },
          ...options.stack?.config,
        },
      }),
      // No token, no credentials (the mock's default is a signed-in user).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      ...(options.stack?.features ?? [
        options.allow
          ? permissionsDecidedBy(options.allow).factory
          : mockServices.permissions.factory({
              result: options.permission ?? AuthorizeResult.ALLOW,
            }),
        catalogWithHiding(entities, options.hiddenFrom ?? {}).factory,
      ]),
    ],
  });
  const get = (path: string, user?: string) =>
    request(backend.server)
      .get(path)
      .set('authorization', mockCredentials.user.header(user));
  const cluster = async () =>
    (await get('/api/istio/v1/clusters')).body.clusters?.[0];
  const result: MeshBackend = {
    server,
    get,
    cluster,
    httpServer: backend.server,
    stop: async () => {
      await backend.stop();
      await server.close();
    },
  };
  if (options.waitForSync ?? true) {
    try {
      await waitFor('the first sync', async () => {
        const c = await cluster();
        return c?.computedAt && c.ready && !c.degraded;
      });
    } catch (error) {
      await result.stop();
      throw error;
    }
  }
  return result;
}
