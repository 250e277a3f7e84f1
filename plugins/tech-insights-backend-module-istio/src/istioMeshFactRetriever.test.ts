import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AddressInfo } from 'node:net';
import { ServerResponse, createServer } from 'node:http';
import { createIstioMeshFactRetriever } from './istioMeshFactRetriever';
import { IstioEntityPosture } from './entityPosture';
import postures from './__fixtures__/harborBankPostures.json';

const demo = postures as unknown as Record<string, IstioEntityPosture>;

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: { type: 'service', owner: 'ledger', lifecycle: 'production' },
});

/** A stand-in istio backend answering each entity as `answers` says. */
type Answer = (res: ServerResponse) => void;

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function istioBackend(answers: Record<string, Answer>) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    seen.push(`${name} ${req.headers.authorization?.split(' ')[0]}`);
    answers[name](res);
  });
  await new Promise<void>(ok => server.listen(0, ok));
  const port = (server.address() as AddressInfo).port;
  return { server, seen, baseUrl: `http://localhost:${port}/api/istio` };
}

async function run(answers: Record<string, Answer>) {
  const backend = await istioBackend(answers);
  const logger = mockServices.logger.mock();
  const retriever = createIstioMeshFactRetriever({
    catalog: catalogServiceMock({ entities: Object.keys(answers).map(entity) }),
  });
  try {
    const facts = await retriever.handler({
      config: mockServices.rootConfig(),
      discovery: {
        getBaseUrl: async () => backend.baseUrl,
        getExternalBaseUrl: async () => backend.baseUrl,
      },
      logger,
      auth: mockServices.auth(),
      urlReader: mockServices.urlReader.mock(),
      entityFilter: retriever.entityFilter,
    });
    return { facts, logger, seen: backend.seen };
  } finally {
    backend.server.close();
  }
}

const ok =
  (name: string): Answer =>
  res =>
    send(res, 200, demo[`component:default/${name}`]);
const fail =
  (status: number): Answer =>
  res =>
    send(res, status, { error: { name: 'Error', message: `boom ${status}` } });

describe('istio-mesh-facts retriever', () => {
  it('asks the istio backend with a bearer token and stores facts per entity', async () => {
    const { facts, seen } = await run({
      'ledger-service': ok('ledger-service'),
      reconciliation: ok('reconciliation'),
    });
    expect(seen.sort()).toEqual([
      'ledger-service Bearer',
      'reconciliation Bearer',
    ]);
    expect(facts).toEqual(
      expect.arrayContaining([
        {
          entity: {
            kind: 'Component',
            namespace: 'default',
            name: 'reconciliation',
          },
          facts: expect.objectContaining({ mtlsMode: 'DISABLE' }),
        },
      ]),
    );
    expect(facts).toHaveLength(2);
  });

  it('keeps the facts it got when some entities fail, and warns about the others', async () => {
    const { facts, logger } = await run({
      'ledger-service': ok('ledger-service'),
      statements: fail(400),
      reconciliation: res => send(res, 200, { nonsense: true }),
    });
    expect(facts.map(f => f.entity.name)).toEqual(['ledger-service']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/failed for 2 of 3 entities.*statements.*boom 400/),
    );
  });

  it('fails the run when the istio backend answers nothing usable', async () => {
    await expect(
      run({ 'ledger-service': fail(503), statements: fail(503) }),
    ).rejects.toThrow(/posture failed for 2 of 2 entities/);
  });
});
