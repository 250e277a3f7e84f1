import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { IstioApi } from '../api/IstioApi';
import {
  AdoptionCounts,
  AdoptionReport,
  EntityClusterPosture,
  EntityPosture,
  EntityWorkload,
} from '@meshportal/plugin-istio-common';

export const annotatedEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'reviews',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'reviews' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

export const plainEntity: Entity = {
  ...annotatedEntity,
  metadata: { name: 'legacy-thing', namespace: 'default' },
};

export function workload(
  overrides: Partial<EntityWorkload> = {},
): EntityWorkload {
  return {
    namespace: 'bookinfo',
    name: 'reviews-v1',
    kind: 'Deployment',
    labels: { app: 'reviews' },
    dataplane: 'sidecar',
    pods: { total: 2, injected: 2 },
    injection: {
      willInject: true,
      revision: '1-24',
      reason: 'namespace label istio.io/rev=1-24',
    },
    mtls: {
      mode: 'STRICT',
      source: { level: 'mesh', policy: 'istio-system/default' },
      ports: {},
    },
    services: ['reviews'],
    links: {
      kiali:
        'https://kiali.example.test/console/namespaces/bookinfo/workloads/reviews-v1',
      grafana:
        'https://grafana.example.test/d/workload?var-workload=reviews-v1',
    },
    ...overrides,
  };
}

export function clusterPosture(
  overrides: Partial<EntityClusterPosture> = {},
): EntityClusterPosture {
  return {
    cluster: 'prod-eu',
    generatedAt: '2026-11-22T01:00:00.000Z',
    ageSeconds: 30,
    stale: false,
    workloads: [workload()],
    services: [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        ports: [{ name: 'http', port: 9080, targetPort: 9080 }],
        selector: { app: 'reviews' },
        virtualServices: [],
        destinationRules: [],
        clientTls: [],
        links: {
          kiali:
            'https://kiali.example.test/console/namespaces/bookinfo/services/reviews',
          grafana: 'https://grafana.example.test/d/service?var-service=reviews',
        },
      },
    ],
    authorizationPolicies: [],
    findings: [],
    telemetry: { available: true, window: '1h', callers: [], sources: [] },
    readiness: {
      stage: 'strict',
      blockers: [],
      exceptions: [],
      telemetryUnknown: false,
    },
    links: { namespaces: {}, graph: undefined },
    ...overrides,
  };
}

export function posture(
  clusters: EntityClusterPosture[] = [clusterPosture()],
  overrides: Partial<EntityPosture> = {},
): EntityPosture {
  return {
    entityRef: 'component:default/reviews',
    selector: { labelSelector: 'backstage.io/kubernetes-id=reviews' },
    generatedAt: '2026-11-22T01:00:00.000Z',
    ageSeconds: clusters[0]?.ageSeconds ?? 0,
    stale: clusters.some(c => c.stale),
    readiness: {
      stage: clusters[0]?.readiness.stage ?? 'not-enrolled',
      blockers: clusters.flatMap(c => c.readiness.blockers),
      exceptions: clusters.flatMap(c => c.readiness.exceptions),
      telemetryUnknown: clusters.some(c => c.readiness.telemetryUnknown),
      unverifiedReasons: clusters.flatMap(
        c => c.readiness.unverifiedReasons ?? [],
      ),
    },
    clusters,
    pendingClusters: [],
    ...overrides,
  };
}

export function counts(
  workloads: number,
  enrolled: number,
  strict: number,
): AdoptionCounts {
  const pct = (n: number) =>
    workloads ? Math.round((n / workloads) * 1000) / 10 : 0;
  const permissive = enrolled - strict;
  return {
    workloads,
    enrolled,
    strict,
    permissive,
    disable: 0,
    notInMesh: workloads - enrolled,
    percent: {
      enrolled: pct(enrolled),
      strict: pct(strict),
      permissive: pct(permissive),
      disable: 0,
      notInMesh: pct(workloads - enrolled),
    },
  };
}

export function adoptionReport(
  overrides: Partial<AdoptionReport> = {},
): AdoptionReport {
  return {
    generatedAt: '2026-11-22T01:00:00.000Z',
    filters: {},
    totals: counts(10, 6, 3),
    byOwner: [
      { owner: 'group:default/team-a', counts: counts(4, 4, 3) },
      { owner: 'group:default/team-b', counts: counts(5, 2, 0) },
      { owner: '(no catalog entity)', counts: counts(1, 0, 0) },
    ],
    bySystem: [{ system: 'system:default/bookstore', counts: counts(9, 6, 3) }],
    byNamespace: [
      {
        cluster: 'prod-eu',
        namespace: 'bookinfo',
        counts: counts(4, 4, 3),
        stage: 'strict',
        blockers: [],
        exceptions: [],
        telemetryUnknown: false,
        // No observability tool configured for the cluster: no links.
        links: {},
      },
      {
        cluster: 'prod-eu',
        namespace: 'shop',
        counts: counts(3, 2, 0),
        stage: 'permissive',
        blockers: [
          {
            type: 'pods-without-proxy',
            workload: 'cart',
            namespace: 'shop',
            pods: 1,
          },
          {
            type: 'plaintext-callers',
            workload: 'checkout',
            namespace: 'shop',
            callers: ['legacy/batch-job'],
          },
        ],
        exceptions: [],
        telemetryUnknown: false,
        links: {},
      },
      {
        cluster: 'prod-eu',
        namespace: 'legacy',
        counts: counts(3, 0, 0),
        stage: 'not-enrolled',
        blockers: [],
        exceptions: [],
        telemetryUnknown: false,
        links: {},
      },
    ],
    entities: [
      {
        entityRef: 'component:default/reviews',
        owner: 'group:default/team-a',
        stage: 'strict',
        counts: counts(2, 2, 2),
      },
    ],
    topFindings: [
      {
        code: 'IST0103',
        name: 'PodMissingProxy',
        severity: 'Warning',
        count: 4,
      },
    ],
    unmappedEntities: [],
    telemetryUnavailable: [],
    ...overrides,
  };
}

/** An IstioApi whose methods are jest mocks; unset ones never resolve. */
export function mockIstioApi(
  overrides: { [K in keyof IstioApi]?: jest.Mock } = {},
): jest.Mocked<IstioApi> {
  const pending = () => new Promise<never>(() => {});
  return {
    getEntityPosture: jest.fn(pending),
    getAdoption: jest.fn(pending),
    getAdoptionHistory: jest.fn(async () => []),
    getClusters: jest.fn(async () => []),
    getCallers: jest.fn(async () => ({
      callers: [],
      telemetryUnavailable: [],
    })),
    notifyCallerOwners: jest.fn(pending),
    ...overrides,
  } as unknown as jest.Mocked<IstioApi>;
}

/** The error IstioClient throws for an HTTP status. */
export async function responseError(
  status: number,
  message = 'no',
): Promise<ResponseError> {
  const body = JSON.stringify({
    error: { name: 'Error', message },
    response: { statusCode: status },
  });
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: status === 404 ? 'Not Found' : 'Error',
    url: 'http://localhost/api/istio/v1/x',
    headers: new Headers({ 'content-type': 'application/json' }),
    redirected: false,
    type: 'basic',
    text: async () => body,
  } as any);
}
