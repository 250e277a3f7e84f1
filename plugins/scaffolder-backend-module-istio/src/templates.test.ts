/**
 * The templates under <repo>/templates, run end to end through the real
 * scaffolder of a test backend (dry-run and task APIs), with this module's
 * actions and a stand-in for the istio backend's adoption endpoint.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KubeObject,
  analyzeMesh,
  checkGeneratedObjects,
} from '@meshportal/plugin-istio-common';
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import scaffolderModuleIstio from '.';

const ROOT = path.resolve(__dirname, '../../..');
const TEMPLATES = path.join(ROOT, 'templates');

function templateEntity(name: string) {
  const template = parse(
    fs.readFileSync(path.join(TEMPLATES, name, 'template.yaml'), 'utf8'),
  );
  return {
    ...template,
    metadata: { ...template.metadata, namespace: 'default' },
  };
}

const entities = [
  templateEntity('istio-advance-mtls'),
  templateEntity('istio-mesh-ready-service'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': 'payments-api',
        'backstage.io/kubernetes-namespace': 'payments',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'mock', namespace: 'default' },
    spec: {},
  },
];

/** The demo cluster: what the generated manifests will be applied next to. */
function demoCluster(): KubeObject[] {
  const dir = path.join(ROOT, 'examples/mesh/harbor-bank');
  return fs.readdirSync(dir).flatMap(file =>
    parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).flatMap(
      (d: any) => {
        const value = d.toJS();
        return value?.kind === 'List' ? value.items : [value];
      },
    ),
  );
}

let adoption: unknown = { byNamespace: [] };
/** Who the istio backend saw asking for adoption, request by request. */
const adoptionReaders: string[] = [];
const MALLORY = 'user:default/mallory';
/**
 * Answers `/v1/adoption` as the istio backend's router does: to users
 * only, and with a 403 to those whose permission policy denies
 * istio.adoption.read (here: mallory). The real router and permission
 * backend are tested in plugins/istio-backend.
 */
const istioStandIn = createBackendPlugin({
  pluginId: 'istio',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        httpRouter.use(async (req: any, res: any, next: any) => {
          if (req.method !== 'GET' || req.path !== '/v1/adoption') {
            next();
            return;
          }
          try {
            const credentials = await httpAuth.credentials(req, {
              allow: ['user'],
            });
            const reader = credentials.principal.userEntityRef;
            adoptionReaders.push(reader);
            if (reader === MALLORY) {
              throw new NotAllowedError('not allowed to read mesh adoption');
            }
            res.json(adoption);
          } catch (error) {
            next(error);
          }
        });
      },
    });
  },
});

/** What the istio backend answers next: one namespace's readiness. */
function answerAdoption(
  namespace: string,
  stage: string,
  blockers: unknown[] = [],
) {
  adoption = {
    byNamespace: [{ cluster: 'production', namespace, stage, blockers }],
  };
  adoptionReaders.length = 0;
}

const ledger = {
  namespace: 'ledger',
  repoUrl: 'github.com?owner=harbor-bank&repo=ledger-deploy',
};

function loadTemplate(name: string) {
  const dir = path.join(TEMPLATES, name);
  const directoryContents: Array<{ path: string; base64Content: string }> = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), {
      withFileTypes: true,
    })) {
      const rel = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else
        directoryContents.push({
          path: rel,
          base64Content: fs
            .readFileSync(path.join(dir, rel))
            .toString('base64'),
        });
    }
  };
  walk('');
  return {
    template: parse(fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8')),
    directoryContents,
  };
}

interface DryRunResult {
  status: number;
  body: any;
  files: Record<string, string>;
  log: string;
}

describe('templates through the scaffolder dry-run', () => {
  let server: any;

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubModule,
        scaffolderModuleIstio,
        istioStandIn,
        catalogServiceMock.factory({ entities: entities as any }),
      ],
    });
    server = backend.server;
  }, 60_000);

  async function dryRun(
    name: string,
    values: Record<string, unknown>,
    options: { user?: string; template?: (template: any) => any } = {},
  ): Promise<DryRunResult> {
    const loaded = loadTemplate(name);
    const { directoryContents } = loaded;
    const template = options.template
      ? options.template(loaded.template)
      : loaded.template;
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header(options.user))
      .send({
        template,
        values,
        secrets: { USER_OAUTH_TOKEN: 'dry-run-token' },
        directoryContents,
      });
    const files: Record<string, string> = {};
    for (const f of response.body.directoryContents ?? []) {
      files[f.path] = Buffer.from(f.base64Content, 'base64').toString('utf8');
    }
    const log = (response.body.log ?? [])
      .map((l: any) => l.body?.message ?? '')
      .join('\n');
    return { status: response.status, body: response.body, files, log };
  }

  const objectsOf = (files: Record<string, string>, prefix: string) =>
    Object.entries(files)
      .filter(
        ([p]) =>
          p.startsWith(prefix) &&
          p.endsWith('.yaml') &&
          !p.endsWith('kustomization.yaml'),
      )
      .flatMap(([, text]) => parseAllDocuments(text).map((d: any) => d.toJS()));

  it('lists every template in templates/all.yaml', () => {
    const location = parse(
      fs.readFileSync(path.join(TEMPLATES, 'all.yaml'), 'utf8'),
    );
    const names = fs
      .readdirSync(TEMPLATES)
      .filter(n => fs.existsSync(path.join(TEMPLATES, n, 'template.yaml')));
    expect(location.spec.targets.sort()).toEqual(
      names.map(n => `./${n}/template.yaml`).sort(),
    );
  });

  it('istio-onboard-service: writes the onboarding manifests and opens the pull request', async () => {
    const result = await dryRun('istio-onboard-service', {
      entity: 'component:default/payments-api',
      namespace: 'core-banking',
      revision: 'stable',
      stage: 'permissive',
      repoUrl: 'github.com?owner=harbor-bank&repo=core-banking-deploy',
    });
    expect(result.status).toBe(200);
    expect(Object.keys(result.files).sort()).toEqual([
      'istio/core-banking/kustomization.yaml',
      'istio/core-banking/namespace-patch.yaml',
      'istio/core-banking/peer-authentication.yaml',
    ]);
    expect(result.body.steps.map((s: any) => s.id)).toEqual(['onboard', 'pr']);
    expect(result.log).toContain('Performing dry run of creating pull request');
    const objects = objectsOf(result.files, 'istio/');
    expect(
      objects.find(o => o.kind === 'PeerAuthentication').spec.mtls.mode,
    ).toBe('PERMISSIVE');
    // The namespace patch is a partial object: check the policy against the demo cluster.
    const check = checkGeneratedObjects(
      objects.filter(o => o.kind !== 'Namespace'),
      demoCluster(),
      { contextComplete: true },
    );
    expect(check.blocking).toEqual([]);
  }, 60_000);

  // The form's `pattern` is the IstioTrafficPatternPicker's value: the
  // action's pattern input as it is.
  it.each([
    [
      'canary',
      {
        type: 'canary',
        steps: [
          [
            { subset: 'v1', weight: 75 },
            { subset: 'v2', weight: 25 },
          ],
        ],
      },
      (vs: any) => vs.spec.http[0].route.map((r: any) => r.weight),
      [75, 25],
    ],
    [
      'blue-green',
      { type: 'blue-green', active: 'v2', idle: 'v1' },
      (vs: any) =>
        vs.spec.http[0].route.map(
          (r: any) => `${r.destination.subset}=${r.weight}`,
        ),
      ['v2=100', 'v1=0'],
    ],
    [
      'header-routing',
      {
        type: 'header-routing',
        rules: [
          {
            name: 'dark-launch',
            headers: [{ name: 'x-canary', match: 'exact', value: 'true' }],
            subset: 'v2',
          },
        ],
        defaultSubset: 'v1',
      },
      (vs: any) => vs.spec.http[0].match,
      [{ headers: { 'x-canary': { exact: 'true' } } }],
    ],
    [
      'mirror',
      { type: 'mirror', subset: 'v1', mirrorSubset: 'v2', percentage: 50 },
      (vs: any) => vs.spec.http[0].mirrorPercentage,
      { value: 50 },
    ],
    [
      'tcp-shift',
      {
        type: 'tcp-shift',
        routes: [
          { subset: 'v1', weight: 90 },
          { subset: 'v2', weight: 10 },
        ],
      },
      (vs: any) => vs.spec.tcp[0].route.map((r: any) => r.weight),
      [90, 10],
    ],
  ])(
    'istio-traffic-pattern: %s passes the engine next to the demo cluster',
    async (name, pattern, pick, expected) => {
      const result = await dryRun('istio-traffic-pattern', {
        entity: 'component:default/payments-api',
        namespace: 'payments',
        stableVersion: 'v1',
        newVersion: 'v2',
        versionLabel: 'version',
        pattern,
        resilience:
          name === 'tcp-shift'
            ? {}
            : {
                timeout: '2s',
                retries: { attempts: 3, perTryTimeout: '500ms' },
              },
        environment: 'production',
        repoUrl: 'github.com?owner=harbor-bank&repo=payments-deploy',
      });
      expect(result.status).toBe(200);
      expect(Object.keys(result.files).sort()).toEqual([
        'istio/kustomization.yaml',
        'istio/payments-api-destination-rule.yaml',
        'istio/payments-api-virtual-service.yaml',
      ]);
      const objects = objectsOf(result.files, 'istio/');
      const vs = objects.find(o => o.kind === 'VirtualService');
      expect(pick(vs)).toEqual(expected);
      expect(vs.spec.hosts).toEqual([
        'payments-api.payments.svc.cluster.local',
      ]);
      const check = checkGeneratedObjects(objects, demoCluster(), {
        contextComplete: true,
      });
      expect(check.findings.filter(f => f.severity === 'Error')).toEqual([]);
    },
    60_000,
  );

  it('istio-traffic-pattern: refuses fault injection in production through the form', async () => {
    const result = await dryRun('istio-traffic-pattern', {
      entity: 'component:default/payments-api',
      namespace: 'payments',
      stableVersion: 'v1',
      newVersion: 'v2',
      pattern: { type: 'blue-green', active: 'v2', idle: 'v1' },
      resilience: {
        faultInjection: { abort: { percentage: 10, httpStatus: 503 } },
      },
      environment: 'production',
      repoUrl: 'github.com?owner=harbor-bank&repo=payments-deploy',
    });
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ name: 'InputError' });
    expect(result.body.error.message).toContain(
      'fault injection is refused in production namespace "payments"',
    );
  }, 60_000);

  it('istio-advance-mtls: moves a ready namespace to STRICT after asking the istio backend', async () => {
    answerAdoption('ledger', 'ready-for-strict');
    const result = await dryRun('istio-advance-mtls', ledger);
    expect(result.status).toBe(200);
    // Asked as the person running the template, not as the scaffolder.
    expect(adoptionReaders).toEqual([
      mockCredentials.user().principal.userEntityRef,
    ]);
    expect(result.body.output.text[0].content).toBe(
      'ledger moves from permissive to strict',
    );
    expect(Object.keys(result.files).sort()).toEqual([
      'istio/ledger/kustomization.yaml',
      'istio/ledger/peer-authentication.yaml',
    ]);
    const objects = objectsOf(result.files, 'istio/');
    expect(objects[0].spec.mtls.mode).toBe('STRICT');
    expect(
      checkGeneratedObjects(objects, demoCluster(), { contextComplete: true })
        .blocking,
    ).toEqual([]);
  }, 60_000);

  it('istio-advance-mtls: refuses while the backend reports blockers', async () => {
    answerAdoption('channels', 'permissive', [
      {
        type: 'pods-without-proxy',
        workload: 'mobile-gateway',
        namespace: 'channels',
        pods: 2,
      },
    ]);
    const result = await dryRun('istio-advance-mtls', {
      namespace: 'channels',
      repoUrl: 'github.com?owner=harbor-bank&repo=channels-deploy',
    });
    expect(result.status).toBe(409);
    expect(result.body.error.message).toContain(
      '- channels/mobile-gateway: 2 pods without a sidecar: STRICT is not enforced on them',
    );
  }, 60_000);

  it('istio-mesh-ready-service: a skeleton and its routing that pass the engine together', async () => {
    const result = await dryRun('istio-mesh-ready-service', {
      name: 'quotes',
      description: 'FX quotes',
      owner: 'group:default/payments',
      namespace: 'payments',
      port: 8080,
      image: 'ghcr.io/harbor-bank/quotes:1.0.0',
      version: 'v1',
      timeout: '5s',
      repoUrl: 'github.com?owner=harbor-bank&repo=quotes',
    });
    expect(result.status).toBe(200);
    expect(Object.keys(result.files).sort()).toEqual([
      'README.md',
      'catalog-info.yaml',
      'k8s/deployment.yaml',
      'k8s/istio/kustomization.yaml',
      'k8s/istio/quotes-destination-rule.yaml',
      'k8s/istio/quotes-virtual-service.yaml',
      'k8s/kustomization.yaml',
      'k8s/service-account.yaml',
      'k8s/service.yaml',
    ]);
    const entity = parse(result.files['catalog-info.yaml']);
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/kubernetes-id': 'quotes',
      'backstage.io/kubernetes-namespace': 'payments',
    });
    const objects = objectsOf(result.files, 'k8s/');
    const deployment = objects.find(o => o.kind === 'Deployment');
    expect(deployment.spec.template.metadata.labels).toMatchObject({
      app: 'quotes',
      version: 'v1',
    });
    expect(objects.find(o => o.kind === 'Service').spec.ports[0].name).toBe(
      'http-web',
    );
    const dr = objects.find(o => o.kind === 'DestinationRule');
    expect(dr.spec.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
    ]);
    // The new service's own files, alone and inside the demo cluster.
    expect(
      analyzeMesh(objects).findings.filter(f => f.severity === 'Error'),
    ).toEqual([]);
    expect(
      checkGeneratedObjects(objects, demoCluster(), {
        contextComplete: true,
      }).findings.filter(f => f.severity === 'Error'),
    ).toEqual([]);
  }, 60_000);

  it('istio-advance-mtls: refuses a user who may not read mesh adoption, and writes nothing', async () => {
    answerAdoption('ledger', 'ready-for-strict');
    const result = await dryRun('istio-advance-mtls', ledger, {
      user: MALLORY,
    });
    expect(adoptionReaders).toEqual([MALLORY]);
    expect(result.status).toBe(403);
    expect(result.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        "istio:mtls:advance: you may not read mesh adoption (permission istio.adoption.read), which this step needs to check the namespace's readiness; nothing was written",
    });
    expect(result.files).toEqual({});
  }, 60_000);

  it('istio-advance-mtls: a task run by that user fails with the refusal in its log, without a stack trace', async () => {
    answerAdoption('ledger', 'permissive', [
      {
        type: 'plaintext-callers',
        workload: 'ledger-api',
        namespace: 'ledger',
        callers: ['legacy/batch'],
      },
    ]);
    const auth = mockCredentials.user.header(MALLORY);
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', auth)
      .send({
        templateRef: 'template:default/istio-advance-mtls',
        values: ledger,
        secrets: { USER_OAUTH_TOKEN: 'task-token' },
      });
    expect(created.status).toBe(201);
    const taskUrl = `/api/scaffolder/v2/tasks/${created.body.id}`;
    let status = '';
    for (let i = 0; i < 300 && !['failed', 'completed'].includes(status); i++) {
      await new Promise(resolve => setTimeout(resolve, 100));
      status = (await request(server).get(taskUrl).set('Authorization', auth))
        .body.status;
    }
    expect(status).toBe('failed');
    const events = (
      await request(server).get(`${taskUrl}/events`).set('Authorization', auth)
    ).body as Array<{ type: string; body: { message?: string } }>;
    const log = events
      .filter(e => e.type === 'log')
      .map(e => e.body.message ?? '')
      .join('\n');
    expect(log).toContain(
      'NotAllowedError: istio:mtls:advance: you may not read mesh adoption (permission istio.adoption.read)',
    );
    expect(log).not.toMatch(/^\s+at /m);
    // Nothing of the adoption report reaches the log of a refused user.
    expect(log).not.toContain('ledger-api');
  }, 60_000);

  describe('istio-mesh-ready-service: hostile values', () => {
    const hostile = {
      name: 'quotes\nkind: Secret',
      description: 'FX "quotes"\nspec: {owner: evil} # {{ values.name }}',
      owner: 'group:default/payments\n  x-injected: true',
      namespace: 'payments\n---\nkind: Secret',
      image: 'nginx\n          securityContext: {privileged: true}',
      version: '${{ secrets.USER_OAUTH_TOKEN }}',
    };
    const repoUrl = 'github.com?owner=harbor-bank&repo=quotes';

    it.each([
      ['image', 'a new line and a YAML key', hostile.image],
      ['image', 'a template expression', '${{ parameters.owner }}'],
      ['image', 'a flow mapping', '{privileged: true}'],
      ['owner', 'a new line and a YAML key', hostile.owner],
      ['owner', 'a document separator', 'payments\n---\nkind: Secret'],
      ['owner', 'a template expression', '{{ values.name }}'],
    ])(
      'the scaffolder API refuses %s with %s',
      async (field, _what, value) => {
        const result = await dryRun('istio-mesh-ready-service', {
          name: 'quotes',
          owner: 'group:default/payments',
          namespace: 'payments',
          image: 'ghcr.io/harbor-bank/quotes:1.0.0',
          repoUrl,
          [field]: value,
        });
        expect(result.status).toBe(400);
        expect(result.body.errors.map((e: any) => e.property)).toEqual([
          `instance.${field}`,
        ]);
        expect(result.files).toEqual({});
      },
      60_000,
    );

    it('the task API refuses them too', async () => {
      const response = await request(server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', mockCredentials.user.header())
        .send({
          templateRef: 'template:default/istio-mesh-ready-service',
          values: {
            name: 'quotes',
            owner: hostile.owner,
            namespace: 'payments',
            image: hostile.image,
            repoUrl,
          },
        });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: any) => e.property).sort()).toEqual([
        'instance.image',
        'instance.owner',
      ]);
    }, 60_000);

    // A template that copies the skeleton without the patterns (or an API
    // that skips them): the escaping alone must keep every value a scalar.
    const withoutPatterns = (template: any) => {
      const copy = JSON.parse(JSON.stringify(template));
      for (const page of copy.spec.parameters) {
        for (const property of Object.values<any>(page.properties)) {
          delete property.pattern;
        }
      }
      copy.spec.steps = copy.spec.steps.filter((s: any) => s.id === 'fetch');
      delete copy.spec.output;
      return copy;
    };

    /** Each YAML file's documents, with the parser's errors. */
    const yamlOf = (files: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(files)
          .filter(([p]) => p.endsWith('.yaml'))
          .map(([p, text]) => [
            p,
            (parseAllDocuments(text) as any[]).map(d =>
              d.errors.length
                ? { errors: d.errors.map((e: Error) => e.message) }
                : d.toJS(),
            ),
          ]),
      );

    it('the skeleton renders each value as one scalar: the objects are exactly those of harmless values', async () => {
      const harmless = {
        name: 'aname',
        description: 'adescription',
        owner: 'aowner',
        namespace: 'anamespace',
        image: 'aimage',
        version: 'aversion',
      };
      const run = async (values: Record<string, string>) => {
        const result = await dryRun(
          'istio-mesh-ready-service',
          { ...values, port: 8080, repoUrl },
          { template: withoutPatterns },
        );
        expect([
          result.status,
          result.body.errors ?? result.body.error,
        ]).toEqual([200, undefined]);
        return yamlOf(result.files);
      };
      const swaps = new Map<unknown, unknown>(
        Object.entries(harmless).map(([k, v]) => [
          v,
          hostile[k as keyof typeof hostile],
        ]),
      );
      swaps.set(
        `${harmless.name}-${harmless.version}`,
        `${hostile.name}-${hostile.version}`,
      );
      const swap = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(swap);
        if (value && typeof value === 'object')
          return Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, swap(v)]),
          );
        return swaps.has(value) ? swaps.get(value) : value;
      };
      const intended = swap(await run(harmless));
      // Every value lands somewhere, as a whole string.
      for (const value of Object.values(hostile)) {
        expect(JSON.stringify(intended)).toContain(JSON.stringify(value));
      }
      expect(await run(hostile)).toEqual(intended);
    }, 60_000);
  });
});
