import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import techInsightsPlugin from '@backstage-community/plugin-tech-insights-backend';
import jsonRulesEngineModule from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import { ISTIO_MESH_CHECKS } from './meshChecks';
import { ISTIO_MESH_FACTS_SCHEMA } from './meshFacts';
import techInsightsModuleIstio from './index';
import { IstioEntityPosture } from './entityPosture';
import postures from './__fixtures__/harborBankPostures.json';

const demo = postures as unknown as Record<string, IstioEntityPosture>;

/** The `techInsights` configuration exactly as docs/tech-insights.md gives it. */
const documentedConfig = (() => {
  const doc = readFileSync(
    resolve(__dirname, '../../../docs/tech-insights.md'),
    'utf8',
  );
  const snippet = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map(m => parse(m[1]))
    .find(c => c?.techInsights?.factChecker);
  return snippet.techInsights;
})();

function component(
  name: string,
  annotations: Record<string, string>,
  kind = 'Component',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  };
}

const entities: Entity[] = [
  ...Object.keys(demo).map(ref =>
    component(ref.split('/')[1], {
      'backstage.io/kubernetes-id': ref.split('/')[1],
    }),
  ),
  // The istio backend does not know this one (404): no facts, no failure.
  component('batch-export', {
    'backstage.io/kubernetes-label-selector': 'app=batch-export',
  }),
  // Not mapped to Kubernetes, or not a Component: never asked about.
  component('design-system', {}),
  component(
    'payments-platform',
    { 'backstage.io/kubernetes-id': 'payments' },
    'System',
  ),
];

/** Stands in for the istio backend: serves the demo postures to service callers only. */
function istioStandIn(requested: string[], pending: string[] = []) {
  return createBackendPlugin({
    pluginId: 'istio',
    register(reg) {
      reg.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          httpRouter.use(async (req, res, next) => {
            const match = req.path.match(
              /^\/v1\/entities\/([^/]+)\/([^/]+)\/([^/]+)$/,
            );
            if (!match) {
              next();
              return;
            }
            try {
              // The module must call with its own service credentials.
              await httpAuth.credentials(req, { allow: ['service'] });
            } catch (error) {
              next(error);
              return;
            }
            const [kind, namespace, name] = match
              .slice(1)
              .map(decodeURIComponent);
            const ref = `${kind.toLocaleLowerCase(
              'en-US',
            )}:${namespace}/${name}`;
            requested.push(ref);
            const posture = demo[ref];
            if (!posture) {
              res.status(404).json({ error: { name: 'NotFoundError' } });
              return;
            }
            res.json({ ...posture, pendingClusters: pending });
          });
        },
      });
    },
  });
}

let scheduler: SchedulerService | undefined;
const schedulerProbe = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'test-scheduler-probe',
  register(reg) {
    reg.registerInit({
      deps: { s: coreServices.scheduler },
      async init({ s }) {
        scheduler = s;
      },
    });
  },
});

async function startBackend(options: { pending?: string[] } = {}) {
  const requested: string[] = [];
  const backend = await startTestBackend({
    features: [
      techInsightsPlugin,
      jsonRulesEngineModule,
      techInsightsModuleIstio,
      istioStandIn(requested, options.pending),
      schedulerProbe,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: { techInsights: documentedConfig },
      }),
    ],
  });
  return { backend, requested };
}

const user = mockCredentials.user.header();

async function runChecks(server: any, name: string) {
  const res = await request(server)
    .post(`/api/tech-insights/checks/run/default/component/${name}`)
    .set('Authorization', user)
    .send({ checks: Object.keys(ISTIO_MESH_CHECKS) });
  expect(res.status).toBe(200);
  return Object.fromEntries(
    (res.body as Array<{ check: { id: string }; result: boolean }>).map(r => [
      r.check.id,
      r.result,
    ]),
  );
}

describe('tech-insights module istio', () => {
  it('stores mesh facts per component and the example checks score them', async () => {
    const { backend, requested } = await startBackend();
    try {
      await scheduler!.triggerTask('istio-mesh-facts');

      // Only annotated Components are asked about.
      expect(requested.sort()).toEqual(
        [...Object.keys(demo), 'component:default/batch-export'].sort(),
      );

      const facts = await request(backend.server)
        .get('/api/tech-insights/facts/latest')
        .query({
          entity: 'component:default/reconciliation',
          'ids[]': 'istio-mesh-facts',
        })
        .set('Authorization', user);
      expect(facts.status).toBe(200);
      expect(facts.body['istio-mesh-facts'].facts).toEqual({
        meshEnrolled: true,
        sidecarCoverage: 1,
        mtlsMode: 'DISABLE',
        strictReady: false,
        readinessStage: 'exception',
        blockerCount: 0,
        errorFindings: 0,
      });

      expect(await runChecks(backend.server, 'payments-api')).toEqual({
        'istio-in-mesh': true,
        'istio-mtls-strict': true,
        'istio-no-error-findings': true,
      });
      expect(await runChecks(backend.server, 'fraud-scoring')).toEqual({
        'istio-in-mesh': true,
        'istio-mtls-strict': true,
        'istio-no-error-findings': false,
      });
      expect(await runChecks(backend.server, 'ledger-service')).toEqual({
        'istio-in-mesh': true,
        'istio-mtls-strict': false,
        'istio-no-error-findings': true,
      });
      expect(await runChecks(backend.server, 'accounts-core')).toEqual({
        'istio-in-mesh': false,
        'istio-mtls-strict': false,
        'istio-no-error-findings': true,
      });

      const schemas = await request(backend.server)
        .get('/api/tech-insights/fact-schemas')
        .set('Authorization', user);
      // The schema's fact definitions are spread into the row.
      const schema = (schemas.body as Array<{ id: string }>).find(
        s => s.id === 'istio-mesh-facts',
      );
      expect(schema).toMatchObject(ISTIO_MESH_FACTS_SCHEMA);
    } finally {
      await backend.stop();
    }
  });

  it('stores no facts while a cluster has not finished its first sync', async () => {
    const { backend, requested } = await startBackend({
      pending: ['harbor-prod'],
    });
    try {
      await scheduler!.triggerTask('istio-mesh-facts');
      expect(requested.length).toBeGreaterThan(0);
      const facts = await request(backend.server)
        .get('/api/tech-insights/facts/latest')
        .query({
          entity: 'component:default/payments-api',
          'ids[]': 'istio-mesh-facts',
        })
        .set('Authorization', user);
      expect(facts.body).toEqual({});
    } finally {
      await backend.stop();
    }
  });
});
