import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { analyzeMesh } from '@meshportal/plugin-istio-common';
import fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { createTrafficGenerateAction } from './trafficGenerate';

const HOST = 'reviews.shop.svc.cluster.local';
const workspace = createMockDirectory();
const action = createTrafficGenerateAction();

const skeleton = {
  'k8s/app.yaml': `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http-web, port: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec: {containers: [{name: app, ports: [{containerPort: 9080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v2, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews, version: v2}}
  template:
    metadata: {labels: {app: reviews, version: v2}}
    spec: {containers: [{name: app, ports: [{containerPort: 9080}]}]}
`,
};

function inputFor(pattern: unknown, extra: Record<string, unknown> = {}) {
  return {
    service: 'reviews',
    namespace: 'shop',
    versions: ['v1', 'v2'],
    pattern,
    ...extra,
  };
}

async function run(input: Record<string, unknown>) {
  const ctx = createMockActionContext({
    input: input as any,
    workspacePath: workspace.path,
  });
  await action.handler(ctx as any);
  const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  return {
    files: outputs.files as string[],
    objects: outputs.objects as any[],
  };
}

function readObjects(path: string) {
  const text = fs.readFileSync(workspace.resolve(path), 'utf8');
  return parseAllDocuments(text).map((d: any) => d.toJS());
}

function written() {
  return JSON.stringify(workspace.content() ?? {});
}

beforeEach(() => workspace.setContent(skeleton));

describe('istio:traffic:generate', () => {
  it.each([
    [
      'canary',
      {
        type: 'canary',
        steps: [
          [
            { subset: 'v1', weight: 90 },
            { subset: 'v2', weight: 10 },
          ],
        ],
      },
      (vs: any) => vs.spec.http[0].route.map((r: any) => r.weight),
      [90, 10],
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
            headers: [{ name: 'x-canary', match: 'exact', value: 'true' }],
            subset: 'v2',
          },
        ],
        defaultSubset: 'v1',
      },
      (vs: any) =>
        vs.spec.http.map((r: any) => [
          r.match?.[0].headers['x-canary'].exact ?? null,
          r.route[0].destination.subset,
        ]),
      [
        ['true', 'v2'],
        [null, 'v1'],
      ],
    ],
    [
      'mirror',
      { type: 'mirror', subset: 'v1', mirrorSubset: 'v2', percentage: 20 },
      (vs: any) => [
        vs.spec.http[0].mirror.subset,
        vs.spec.http[0].mirrorPercentage.value,
      ],
      ['v2', 20],
    ],
    [
      'tcp-shift',
      {
        type: 'tcp-shift',
        routes: [
          { subset: 'v1', weight: 75 },
          { subset: 'v2', weight: 25 },
        ],
      },
      (vs: any) => vs.spec.tcp[0].route.map((r: any) => r.weight),
      [75, 25],
    ],
  ])(
    'writes the %s pattern as YAML and outputs the objects',
    async (_name, pattern, pick, expected) => {
      const { files, objects } = await run(inputFor(pattern));
      expect(files).toEqual([
        'istio/reviews-virtual-service.yaml',
        'istio/reviews-destination-rule.yaml',
        'istio/kustomization.yaml',
      ]);
      const [vs] = readObjects('istio/reviews-virtual-service.yaml');
      const [dr] = readObjects('istio/reviews-destination-rule.yaml');
      expect([vs, dr]).toEqual(objects);
      expect(vs.spec.hosts).toEqual([HOST]);
      expect(pick(vs)).toEqual(expected);
      expect(dr.spec.subsets.map((s: any) => s.labels.version)).toEqual([
        'v1',
        'v2',
      ]);
      expect(readObjects('istio/kustomization.yaml')[0]).toEqual({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: [
          'reviews-virtual-service.yaml',
          'reviews-destination-rule.yaml',
        ],
      });
      // Next to the service it routes, the output passes the engine.
      const report = analyzeMesh([...readObjects('k8s/app.yaml'), vs, dr]);
      expect(report.findings.filter(f => f.severity === 'Error')).toEqual([]);
    },
  );

  it('writes a Gateway and binds the VirtualService to it when exposure is asked', async () => {
    const { files } = await run(
      inputFor(
        { type: 'blue-green', active: 'v1', idle: 'v2' },
        {
          exposure: { gateway: 'shop-gw', hosts: ['shop.example.com'] },
          path: 'deploy/mesh',
        },
      ),
    );
    expect(files).toContain('deploy/mesh/shop-gw-gateway.yaml');
    const [gw] = readObjects('deploy/mesh/shop-gw-gateway.yaml');
    expect(gw.spec.selector).toEqual({ istio: 'ingressgateway' });
    const [vs] = readObjects('deploy/mesh/reviews-virtual-service.yaml');
    expect(vs.spec.gateways).toEqual(['shop/shop-gw', 'mesh']);
  });

  it('lists every input problem in one InputError and writes nothing', async () => {
    const before = written();
    const promise = run({
      service: 'reviews; rm -rf /',
      namespace: 'shop',
      versions: ['v1', 'v2'],
      pattern: {
        type: 'canary',
        steps: [
          [
            { subset: 'v1', weight: 50 },
            { subset: 'v3', weight: 10 },
          ],
        ],
      },
      resilience: {
        timeout: 'soon',
        retries: { attempts: 3, perTryTimeout: '2 s' },
      },
      path: '../outside',
      notes: 'x'.repeat(10 * 1024 * 1024),
    });
    await expect(promise).rejects.toMatchObject({ name: 'InputError' });
    const message = await promise.catch(e => e.message);
    for (const expected of [
      'notes: is 10485760 characters long',
      'path: must be a relative path inside the workspace',
      'service: "reviews; rm -rf /" is not a valid name',
      'pattern.steps[0][1].subset: "v3" is not one of the versions',
      'pattern.steps[0]: weights add up to 60; they must add up to 100',
      'resilience.timeout: "soon" is not a duration',
      'resilience.retries.perTryTimeout: "2 s" is not a duration',
    ]) {
      expect(message).toContain(expected);
    }
    expect(message).toMatch(/^istio:traffic:generate: 7 problem\(s\)/);
    expect(written()).toBe(before);
  });

  describe('fault injection', () => {
    const faulty = (extra: Record<string, unknown>) =>
      inputFor(
        {
          type: 'canary',
          steps: [
            [
              { subset: 'v1', weight: 100 },
              { subset: 'v2', weight: 0 },
            ],
          ],
        },
        {
          resilience: {
            faultInjection: { abort: { percentage: 5, httpStatus: 503 } },
          },
          ...extra,
        },
      );

    it('is refused in a production namespace', async () => {
      for (const marker of [
        { environment: 'production' },
        { namespaceLabels: { 'meshportal.io/environment': 'production' } },
        { namespaceLabels: { environment: 'production' } },
      ]) {
        const before = written();
        await expect(run(faulty(marker))).rejects.toThrow(
          'resilience.faultInjection: fault injection is refused in production namespace "shop"; set allowFaultInjectionInProduction: true',
        );
        expect(written()).toBe(before);
      }
    });

    it('is listed with the other problems of an invalid input', async () => {
      const input = faulty({ environment: 'production' });
      await expect(run({ ...input, service: 'Bad_Name' })).rejects.toThrow(
        /2 problem\(s\)[\s\S]*service: "Bad_Name" is not a valid name[\s\S]*resilience\.faultInjection: fault injection is refused/,
      );
    });

    it('is written in production when explicitly allowed, and elsewhere', async () => {
      const allowed = await run(
        faulty({
          environment: 'production',
          allowFaultInjectionInProduction: true,
        }),
      );
      expect(allowed.objects[0].spec.http[0].fault).toEqual({
        abort: { percentage: { value: 5 }, httpStatus: 503 },
      });
      const staging = await run(
        faulty({
          environment: 'staging',
          namespaceLabels: { environment: 'staging' },
        }),
      );
      expect(staging.objects[0].spec.http[0].fault).toBeDefined();
    });
  });

  it('writes identical files when run again, without duplicate kustomization entries', async () => {
    workspace.addContent({
      'istio/kustomization.yaml':
        'namespace: shop\nresources:\n  - existing.yaml\n',
    });
    const input = inputFor({
      type: 'mirror',
      subset: 'v1',
      mirrorSubset: 'v2',
      percentage: 10,
    });
    await run(input);
    const first = workspace.content();
    await run(input);
    expect(workspace.content()).toEqual(first);
    expect(readObjects('istio/kustomization.yaml')[0]).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'shop',
      resources: [
        'existing.yaml',
        'reviews-virtual-service.yaml',
        'reviews-destination-rule.yaml',
      ],
    });
  });

  it('fails with the finding and its remediation when the output would break the mesh, writing nothing', async () => {
    // Another Gateway in the repository already serves this host on port 80.
    workspace.addContent({
      'istio/other-gateway.yaml': `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: legacy, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [shop.example.com]}]
`,
    });
    const before = written();
    const promise = run(
      inputFor(
        { type: 'blue-green', active: 'v1', idle: 'v2' },
        { exposure: { gateway: 'shop-gw', hosts: ['shop.example.com'] } },
      ),
    );
    await expect(promise).rejects.toMatchObject({ name: 'InputError' });
    const message = await promise.catch(e => e.message);
    expect(message).toContain('would break the mesh, nothing was written');
    expect(message).toMatch(
      /IST0145 ConflictingGateways on Gateway shop\/shop-gw: .+\n {2}Remediation: .+/,
    );
    expect(written()).toBe(before);
  });
});
