import { mockServices } from '@backstage/backend-test-utils';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotFileSource } from '../clusters/SnapshotFileSource';
import {
  MeshBackend,
  component,
  entityFindingKeys,
  ingressGatewayPod,
  smallMesh,
  startMeshBackend,
} from '../reliability/__testUtils__/meshBackend';
import { TelemetryService } from '../telemetry/TelemetryService';
import { MeshPostureService } from './MeshPostureService';

jest.setTimeout(60_000);

/*
 * A cluster source never reads Secrets and keeps only the container fields
 * the engine needs. Checks that depend on them must neither guess nor
 * report what the backend simply did not read.
 */

const CHECKOUT = '/api/istio/v1/entities/component/default/checkout';
const entityLabels = (id: string) => ({ 'backstage.io/kubernetes-id': id });

/** A TLS Gateway of checkout naming a Secret the backend never reads. */
const tlsGateway = (name: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace: 'shop', labels: entityLabels('checkout') },
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: [`${name}.example.com`],
        tls: { mode: 'SIMPLE', credentialName: 'shop-cert' },
      },
    ],
  },
});

/** An istiod Deployment, with or without the JWKS fetch limit. */
const istiod = (name: string, blockedCidrs?: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace: 'istio-system',
    labels: { app: 'istiod', ...entityLabels(name) },
  },
  spec: {
    selector: { matchLabels: { app: 'istiod', ...entityLabels(name) } },
    template: {
      metadata: { labels: { app: 'istiod', ...entityLabels(name) } },
      spec: {
        containers: [
          {
            name: 'discovery',
            env: [
              { name: 'PILOT_TOKEN', value: 'do-not-copy' },
              ...(blockedCidrs
                ? [{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: blockedCidrs }]
                : []),
            ],
          },
        ],
      },
    },
  },
});

const requestAuthentication = {
  apiVersion: 'security.istio.io/v1',
  kind: 'RequestAuthentication',
  metadata: { name: 'jwt', namespace: 'shop' },
  spec: { jwtRules: [{ issuer: 'https://id.example.com' }] },
};

describe('checks on inputs a cluster source does not read', () => {
  let mesh: MeshBackend | undefined;
  afterAll(() => mesh?.stop());

  beforeAll(async () => {
    mesh = await startMeshBackend({
      objects: [
        ...smallMesh(),
        ingressGatewayPod,
        tlsGateway('edge-a'),
        tlsGateway('edge-b'),
        istiod('istiod', '10.0.0.0/8,169.254.0.0/16'),
        istiod('istiod-canary'),
        requestAuthentication,
      ],
      entities: [
        component('checkout'),
        component('istiod'),
        component('istiod-canary'),
      ],
    });
  });

  it('reports no missing or invalid gateway credential, since Secrets are never read', async () => {
    const checkout = await mesh!.get(CHECKOUT);
    expect(checkout.status).toBe(200);
    const findings = entityFindingKeys(checkout.body);
    // The Gateways reach the entity: the certificate check, which needs no
    // Secret, reports the shared credential.
    expect(findings).toEqual(
      expect.arrayContaining([
        'IST0138 Gateway shop/edge-a',
        'IST0138 Gateway shop/edge-b',
      ]),
    );
    expect(
      findings.filter((f: string) => /^IST0(101|161) Gateway/.test(f)),
    ).toEqual([]);
  });

  it('reads BLOCKED_CIDRS_IN_JWKS_URIS from istiod, and nothing else of its environment', async () => {
    const configured = await mesh!.get(
      '/api/istio/v1/entities/component/default/istiod',
    );
    const unconfigured = await mesh!.get(
      '/api/istio/v1/entities/component/default/istiod-canary',
    );
    expect(entityFindingKeys(configured.body)).not.toContain(
      'IST0175 Deployment istio-system/istiod',
    );
    expect(entityFindingKeys(unconfigured.body)).toContain(
      'IST0175 Deployment istio-system/istiod-canary',
    );
    expect(JSON.stringify(configured.body)).not.toContain('do-not-copy');
  });
});

describe('a file source, which drops Secrets as it reads', () => {
  let dir: string;
  let service: MeshPostureService | undefined;
  afterEach(async () => {
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('does not report the Secrets it dropped as missing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'istio-files-'));
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'shop-cert', namespace: 'istio-system' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'c2VjcmV0', 'tls.key': 'c2VjcmV0' },
    };
    await writeFile(
      join(dir, 'dump.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          ingressGatewayPod,
          tlsGateway('edge-a'),
          tlsGateway('edge-b'),
          secret,
        ],
      }),
    );
    const logger = mockServices.logger.mock();
    service = new MeshPostureService({
      clusters: [
        {
          name: 'files',
          skipTLSVerify: false,
          grafanaDashboards: {},
          meshRootNamespace: 'istio-system',
          snapshotPaths: [dir],
        },
      ],
      sources: [new SnapshotFileSource('files', [dir], logger)],
      telemetry: new TelemetryService(new Map(), '1h', logger),
      logger,
    });
    await service.start();
    const findings = service
      .clusterReport('files')!
      .report.findings.map(f => `${f.code} ${f.resource}`);
    expect(findings).toEqual(
      expect.arrayContaining([
        'IST0138 Gateway shop/edge-a',
        'IST0138 Gateway shop/edge-b',
      ]),
    );
    expect(findings.filter(f => /^IST0(101|161) Gateway/.test(f))).toEqual([]);
  });
});
