import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { createNamespaceOnboardAction } from './namespaceOnboard';
import { plaintextReviewsYaml } from '../__fixtures__/plaintextReviews';

const workspace = createMockDirectory();
const action = createNamespaceOnboardAction();

async function run(input: Record<string, unknown>) {
  const ctx = createMockActionContext({
    input: input as any,
    workspacePath: workspace.path,
  });
  await action.handler(ctx as any);
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls) as {
    files: string[];
    objects: any[];
  };
}

const read = (path: string) =>
  parseAllDocuments(fs.readFileSync(workspace.resolve(path), 'utf8')).map(
    (d: any) => d.toJS(),
  );

beforeEach(() => workspace.clear());

describe('istio:namespace:onboard', () => {
  it('writes a labelled namespace, a PERMISSIVE policy and the kustomization', async () => {
    const { files, objects } = await run({
      namespace: 'shop',
      stage: 'permissive',
    });
    expect(files).toEqual([
      'istio/namespace.yaml',
      'istio/peer-authentication.yaml',
      'istio/kustomization.yaml',
    ]);
    expect(
      read('istio/namespace.yaml')[0].metadata.labels['istio-injection'],
    ).toBe('enabled');
    expect(read('istio/peer-authentication.yaml')).toEqual([objects[1]]);
    expect(objects[1].spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    expect(read('istio/kustomization.yaml')[0].resources).toEqual([
      'namespace.yaml',
      'peer-authentication.yaml',
    ]);
  });

  it('patches an existing namespace onto a revision, STRICT, with workload exceptions', async () => {
    const { files, objects } = await run({
      namespace: 'shop',
      revision: 'stable',
      stage: 'strict',
      manifest: 'patch',
      path: 'clusters/prod/shop',
      exceptions: [
        {
          name: 'metrics',
          selector: { app: 'web' },
          portLevelMtls: { '9090': 'PERMISSIVE' },
        },
      ],
    });
    expect(files).toEqual([
      'clusters/prod/shop/namespace-patch.yaml',
      'clusters/prod/shop/peer-authentication.yaml',
      'clusters/prod/shop/workload-exceptions.yaml',
      'clusters/prod/shop/kustomization.yaml',
    ]);
    expect(
      read('clusters/prod/shop/namespace-patch.yaml')[0].metadata.labels,
    ).toEqual({
      'istio.io/rev': 'stable',
      'istio-injection': null,
    });
    expect(
      objects.map(
        o => o.spec?.mtls?.mode ?? o.spec?.portLevelMtls?.['9090']?.mode,
      ),
    ).toEqual([undefined, 'STRICT', 'PERMISSIVE']);
    expect(read('clusters/prod/shop/kustomization.yaml')[0]).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['peer-authentication.yaml', 'workload-exceptions.yaml'],
      patches: [{ path: 'namespace-patch.yaml' }],
    });
  });

  it('lists every input problem in one InputError and writes nothing', async () => {
    const promise = run({
      namespace: 'shop$(reboot)',
      revision: 'Stable',
      stage: 'mostly',
      exceptions: [{ name: 'x', selector: { app: 'a' }, mode: 'LOOSE' }],
      path: '/etc',
    });
    await expect(promise).rejects.toMatchObject({ name: 'InputError' });
    const message = await promise.catch(e => e.message);
    expect(message).toMatch(/^istio:namespace:onboard: 5 problem\(s\)/);
    for (const field of [
      'path:',
      'namespace:',
      'revision:',
      'stage:',
      'exceptions[0].mode:',
    ]) {
      expect(message).toContain(`\n${field}`);
    }
    expect(workspace.content()).toEqual({});
  });

  it('is idempotent', async () => {
    const input = {
      namespace: 'shop',
      stage: 'strict',
      exceptions: [{ name: 'db', selector: { app: 'db' }, mode: 'PERMISSIVE' }],
    };
    await run(input);
    const first = workspace.content();
    await run(input);
    expect(workspace.content()).toEqual(first);
  });

  it('refuses a STRICT stage that breaks a plaintext DestinationRule in the repository', async () => {
    workspace.setContent({
      'apps/reviews.yaml': plaintextReviewsYaml,
    });
    const before = workspace.content();
    await expect(
      run({ namespace: 'shop', stage: 'strict', manifest: 'patch' }),
    ).rejects.toThrow(
      /MESH001 DestinationRuleDisablesTlsToStrictWorkload on DestinationRule shop\/reviews-plaintext: .*\n {2}Remediation: /,
    );
    expect(workspace.content()).toEqual(before);
    // PERMISSIVE still accepts the plaintext: allowed.
    await expect(
      run({ namespace: 'shop', stage: 'permissive', manifest: 'patch' }),
    ).resolves.toBeDefined();
  });
});
