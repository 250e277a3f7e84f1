import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../index';
import { capturedIo } from '../testing/capturedIo';

const MANIFESTS = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: prod}
spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: prod}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews.prod.svc.corp.internal}}]}]
`;

describe('meshportal analyze --cluster-domain', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshportal-domain-'));
    fs.writeFileSync(path.join(dir, 'mesh.yaml'), MANIFESTS);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const unknownHosts = async (...options: string[]) => {
    const captured = capturedIo(dir);
    const code = await run(
      ['analyze', 'mesh.yaml', '-o', 'json', ...options],
      captured.io,
    );
    expect(captured.stderr()).toBe('');
    const { findings } = JSON.parse(captured.stdout());
    return {
      code,
      unknownHosts: findings
        .filter((f: { code: string }) => f.code === 'IST0101')
        .map((f: { resource: string }) => f.resource),
    };
  };

  it('resolves Service hosts in the given domain', async () => {
    expect(await unknownHosts('--cluster-domain', 'corp.internal')).toEqual({
      code: 0,
      unknownHosts: [],
    });
  });

  it('defaults to cluster.local, where the route names no Service', async () => {
    expect(await unknownHosts()).toEqual({
      code: 1,
      unknownHosts: ['VirtualService prod/reviews'],
    });
  });
});
