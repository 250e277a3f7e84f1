import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIstioClusters } from '../clusters/config';
import { SnapshotFileSource } from '../clusters/SnapshotFileSource';
import { TelemetryService } from '../telemetry/TelemetryService';
import { MeshPostureService } from './MeshPostureService';

const logger = mockServices.logger.mock();

const MESH = `
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: prod, labels: {backstage.io/kubernetes-id: reviews}}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: short, namespace: prod}
spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}
---
# Istio keeps a host with a dot as written: this names no Service.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: two-labels, namespace: prod}
spec: {hosts: [reviews.prod], http: [{route: [{destination: {host: reviews.prod}}]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: default-domain, namespace: prod}
spec: {hosts: [reviews.prod.svc.cluster.local]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: own-domain, namespace: prod}
spec: {hosts: [reviews.prod.svc.corp.internal]}
`;

const reviews: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'reviews',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'reviews' },
  },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
};

describe('hosts on entity pages', () => {
  let dir: string;
  let service: MeshPostureService | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'istio-domain-'));
    writeFileSync(join(dir, 'mesh.yaml'), MESH);
  });
  afterEach(() => service?.stop());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const serviceOf = async (clusterDomain?: string) => {
    const clusters = readIstioClusters(
      new ConfigReader({
        istio: {
          clusters: [{ name: 'c1', snapshotPaths: [dir], clusterDomain }],
        },
      }),
    );
    service = new MeshPostureService({
      clusters,
      sources: [new SnapshotFileSource('c1', [dir], logger)],
      telemetry: new TelemetryService(new Map(), '1h', logger),
      logger,
    });
    await service.start();
    const posture = await service.entityPosture(reviews);
    const [svc] = posture.clusters[0].services;
    return {
      virtualServices: svc.virtualServices.map(v => v.name),
      clientTlsHosts: svc.clientTls.map(t => t.host),
    };
  };

  it('attaches only the routes Istio attaches (reviews.prod is not expanded)', async () => {
    expect(await serviceOf()).toEqual({
      virtualServices: ['short', 'default-domain'],
      clientTlsHosts: ['reviews.prod.svc.cluster.local'],
    });
  });

  it("uses the cluster's configured domain (istio.clusters[].clusterDomain)", async () => {
    expect(await serviceOf('corp.internal')).toEqual({
      virtualServices: ['short', 'own-domain'],
      clientTlsHosts: ['reviews.prod.svc.corp.internal'],
    });
  });
});
