import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
import { parseAllDocuments } from 'yaml';
import { Blocker, ReadinessStage } from '@meshportal/plugin-istio-common';
import {
  HttpMeshReadinessClient,
  MeshReadinessService,
  NamespaceReadiness,
} from '../readiness/MeshReadinessClient';
import { createMtlsAdvanceAction } from './mtlsAdvance';

const workspace = createMockDirectory();
const alice = mockCredentials.user('user:default/alice');

function fakeReadiness(entries: NamespaceReadiness[]) {
  const service: MeshReadinessService & { calls: unknown[] } = {
    calls: [],
    async namespaceReadiness(namespace, options) {
      service.calls.push([namespace, options]);
      return entries.filter(
        e =>
          e.namespace === namespace &&
          (!options?.cluster || e.cluster === options.cluster),
      );
    },
  };
  return service;
}

async function run(
  readiness: MeshReadinessService,
  input: Record<string, unknown>,
  initiator: BackstageCredentials = alice,
) {
  const ctx = createMockActionContext({
    input: input as any,
    workspacePath: workspace.path,
  });
  ctx.getInitiatorCredentials = async () => initiator;
  await createMtlsAdvanceAction({ readiness }).handler(ctx as any);
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

const read = (path: string) =>
  parseAllDocuments(fs.readFileSync(workspace.resolve(path), 'utf8')).map(
    (d: any) => d.toJS(),
  );

const entry = (
  stage: ReadinessStage,
  blockers: NamespaceReadiness['blockers'] = [],
  cluster = 'prod',
): NamespaceReadiness => ({
  cluster,
  namespace: 'shop',
  stage,
  blockers,
});

const plaintextCaller: Blocker = {
  type: 'plaintext-callers',
  workload: 'reviews',
  namespace: 'shop',
  callers: ['legacy/cron'],
};
const missingProxy: Blocker = {
  type: 'pods-without-proxy',
  workload: 'ratings',
  namespace: 'shop',
  pods: 2,
};

beforeEach(() => workspace.clear());

describe('istio:mtls:advance', () => {
  it('enrolls a namespace that is not in the mesh: injection patch and PERMISSIVE', async () => {
    const readiness = fakeReadiness([entry('not-enrolled', [missingProxy])]);
    const out = await run(readiness, { namespace: 'shop', revision: 'stable' });
    expect(readiness.calls).toEqual([
      ['shop', { cluster: undefined, credentials: alice }],
    ]);
    expect(out.fromStage).toBe('not-enrolled');
    expect(out.toStage).toBe('permissive');
    expect(out.blockers).toEqual([]);
    expect(out.files).toEqual([
      'istio/namespace-patch.yaml',
      'istio/peer-authentication.yaml',
      'istio/kustomization.yaml',
    ]);
    expect(
      read('istio/namespace-patch.yaml')[0].metadata.labels['istio.io/rev'],
    ).toBe('stable');
    expect(read('istio/peer-authentication.yaml')[0].spec.mtls.mode).toBe(
      'PERMISSIVE',
    );
  });

  it('moves a ready namespace to STRICT without touching its labels', async () => {
    const out = await run(fakeReadiness([entry('ready-for-strict')]), {
      namespace: 'shop',
    });
    expect([out.fromStage, out.toStage]).toEqual(['permissive', 'strict']);
    expect(out.files).toEqual([
      'istio/peer-authentication.yaml',
      'istio/kustomization.yaml',
    ]);
    expect(out.objects[0].spec.mtls.mode).toBe('STRICT');
  });

  it('refuses STRICT while blockers exist, listing them, and writes nothing', async () => {
    const readiness = fakeReadiness([
      entry('permissive', [plaintextCaller]),
      entry('permissive', [missingProxy], 'prod-eu'),
    ]);
    const promise = run(readiness, { namespace: 'shop' });
    await expect(promise).rejects.toMatchObject({ name: 'ConflictError' });
    const message = await promise.catch(e => e.message);
    expect(message).toContain(
      'namespace "shop" is not ready for STRICT mTLS (2 blocker(s))',
    );
    expect(message).toContain(
      '- shop/reviews: plaintext callers would be refused (legacy/cron)',
    );
    expect(message).toContain(
      '- shop/ratings: 2 pods without a sidecar: STRICT is not enforced on them',
    );
    expect(workspace.content()).toEqual({});
  });

  it('goes STRICT despite blockers when overridden, and reports them', async () => {
    const out = await run(
      fakeReadiness([entry('permissive', [plaintextCaller])]),
      { namespace: 'shop', overrideBlockers: true },
    );
    expect(out.toStage).toBe('strict');
    expect(out.blockers).toEqual([
      'shop/reviews: plaintext callers would be refused (legacy/cron)',
    ]);
  });

  it('refuses STRICT for an unverified namespace, with the reasons, unless overridden', async () => {
    const unverified: NamespaceReadiness = {
      ...entry('unverified'),
      unverifiedReasons: [
        {
          code: 'no-telemetry',
          message:
            'No telemetry (no prometheusUrl configured for this cluster): plaintext callers and callers from outside the mesh are unknown, not absent',
        },
      ],
    };
    const promise = run(fakeReadiness([unverified]), { namespace: 'shop' });
    await expect(promise).rejects.toMatchObject({ name: 'ConflictError' });
    const message = await promise.catch(e => e.message);
    expect(message).toContain('not ready for STRICT mTLS (1 blocker(s))');
    expect(message).toContain(
      '- prod/shop: unverified: No telemetry (no prometheusUrl configured for this cluster)',
    );
    expect(workspace.content()).toEqual({});

    // An older answer without reasons is refused all the same.
    await expect(
      run(fakeReadiness([entry('unverified')]), { namespace: 'shop' }),
    ).rejects.toThrow(/prod\/shop: unverified: the backend gave no evidence/);

    const out = await run(fakeReadiness([unverified]), {
      namespace: 'shop',
      overrideBlockers: true,
    });
    expect([out.fromStage, out.toStage]).toEqual(['permissive', 'strict']);
    expect(out.blockers).toEqual([
      expect.stringMatching(/^prod\/shop: unverified: No telemetry/),
    ]);
  });

  it('takes the least advanced cluster, or only the cluster asked for', async () => {
    const readiness = fakeReadiness([
      entry('strict', [], 'a'),
      entry('not-enrolled', [], 'b'),
    ]);
    expect((await run(readiness, { namespace: 'shop' })).fromStage).toBe(
      'not-enrolled',
    );
    expect(
      (await run(readiness, { namespace: 'shop', cluster: 'a' })).fromStage,
    ).toBe('strict');
  });

  it('fails when the backend knows nothing of the namespace', async () => {
    await expect(
      run(fakeReadiness([]), { namespace: 'shop' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('validates every input before asking the backend', async () => {
    const readiness = fakeReadiness([entry('permissive')]);
    const promise = run(readiness, {
      namespace: 'Shop!',
      revision: 'a b',
      manifest: 'full',
      cluster: 'x'.repeat(5000),
    });
    await expect(promise).rejects.toMatchObject({ name: 'InputError' });
    expect(await promise.catch(e => e.message)).toMatch(
      /^istio:mtls:advance: 4 problem\(s\)/,
    );
    expect(readiness.calls).toEqual([]);
  });

  it('is idempotent once STRICT', async () => {
    const readiness = fakeReadiness([entry('strict')]);
    await run(readiness, { namespace: 'shop' });
    const first = workspace.content();
    await run(readiness, { namespace: 'shop' });
    expect(workspace.content()).toEqual(first);
  });
});

describe('istio:mtls:advance against the istio backend over HTTP', () => {
  // Stands in for the istio backend: authenticates the token as the istio
  // plugin does and denies istio.adoption.read to mallory only.
  let server: http.Server;
  let readiness: HttpMeshReadinessClient;
  const seen: string[] = [];
  const istioAuth = mockServices.auth({ pluginId: 'istio' });

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const credentials = await istioAuth.authenticate(
        req.headers.authorization?.replace(/^Bearer /, '') ?? '',
      );
      const who = istioAuth.isPrincipal(credentials, 'user')
        ? credentials.principal.userEntityRef
        : 'not a user';
      seen.push(who);
      if (who === 'user:default/mallory') {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              name: 'NotAllowedError',
              message: 'not allowed to read mesh adoption',
            },
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          byNamespace: [
            {
              cluster: 'prod',
              namespace: 'shop',
              stage: 'permissive',
              blockers: [plaintextCaller],
            },
          ],
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/istio`;
    readiness = new HttpMeshReadinessClient({
      discovery: { getBaseUrl: async () => baseUrl },
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
    });
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  beforeEach(() => {
    seen.length = 0;
  });

  it('refuses a user the backend denies adoption to, without a stack trace, and writes nothing', async () => {
    const mallory = mockCredentials.user('user:default/mallory');
    const error = await run(
      readiness,
      { namespace: 'shop', overrideBlockers: true },
      mallory,
    ).catch(e => e);
    expect(seen).toEqual(['user:default/mallory']);
    expect(error).toMatchObject({
      name: 'NotAllowedError',
      message:
        "istio:mtls:advance: you may not read mesh adoption (permission istio.adoption.read), which this step needs to check the namespace's readiness; nothing was written",
    });
    // The scaffolder writes a failed step's stack into the task log.
    expect(error.stack).toBe(`NotAllowedError: ${error.message}`);
    expect(workspace.content()).toEqual({});
  });

  it('reads readiness as the initiating user, whose blockers it reports', async () => {
    const out = await run(readiness, {
      namespace: 'shop',
      overrideBlockers: true,
    });
    expect(seen).toEqual(['user:default/alice']);
    expect(out.toStage).toBe('strict');
    expect(out.blockers).toEqual([
      'shop/reviews: plaintext callers would be refused (legacy/cron)',
    ]);
  });
});
