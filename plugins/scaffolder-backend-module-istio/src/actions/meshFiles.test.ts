import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import path from 'path';
import { parse, stringify } from 'yaml';
import { plaintextReviewsYaml } from '../__fixtures__/plaintextReviews';
import { createNamespaceOnboardAction } from './namespaceOnboard';

// Real symbolic links between two real directories: the task's workspace
// and a directory beside it that stands for the rest of the host.
const workspace = createMockDirectory();
const outside = createMockDirectory();
const action = createNamespaceOnboardAction();

async function onboard(input: Record<string, unknown> = {}) {
  const ctx = createMockActionContext({
    input: { namespace: 'shop', stage: 'permissive', ...input } as any,
    workspacePath: workspace.path,
  });
  await action.handler(ctx as any);
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

const link = (target: string, at: string) => {
  fs.mkdirSync(path.dirname(workspace.resolve(at)), { recursive: true });
  fs.symlinkSync(target, workspace.resolve(at));
};

/** Every regular file of the workspace, links not followed. */
function regularFiles(dir = workspace.path): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return regularFiles(full);
    return entry.isFile() ? [path.relative(workspace.path, full)] : [];
  });
}

beforeEach(() => {
  workspace.clear();
  outside.setContent({ 'config.yaml': 'secret: value\n' });
});

describe('workspace writes and symbolic links', () => {
  it('refuses to write through a file link that points outside the workspace, and writes nothing', async () => {
    link(outside.resolve('config.yaml'), 'istio/kustomization.yaml');
    const error = await onboard().catch(e => e);
    expect(error).toMatchObject({
      name: 'InputError',
      message:
        'istio:namespace:onboard: 1 path(s) lead out of the workspace through a symbolic link, nothing was written:\n- istio/kustomization.yaml',
    });
    expect(error.stack).toBe(`InputError: ${error.message}`);
    expect(fs.readFileSync(outside.resolve('config.yaml'), 'utf8')).toBe(
      'secret: value\n',
    );
    expect(regularFiles()).toEqual([]);
  });

  it('refuses a dangling link to a path outside, and creates nothing there', async () => {
    link(outside.resolve('new.yaml'), 'istio/peer-authentication.yaml');
    await expect(onboard()).rejects.toThrow('- istio/peer-authentication.yaml');
    expect(fs.existsSync(outside.resolve('new.yaml'))).toBe(false);
    expect(regularFiles()).toEqual([]);
  });

  it('refuses a directory link on the way out of the workspace, and creates nothing there', async () => {
    link(outside.path, 'deploy');
    await expect(onboard({ path: 'deploy/istio' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('path: must stay inside the workspace'),
    });
    expect(fs.readdirSync(outside.path)).toEqual(['config.yaml']);
    expect(regularFiles()).toEqual([]);
  });

  it('refuses a link loop', async () => {
    link('loop-b.yaml', 'istio/loop-a.yaml');
    link('loop-a.yaml', 'istio/loop-b.yaml');
    link('loop-a.yaml', 'istio/kustomization.yaml');
    await expect(onboard()).rejects.toThrow('- istio/kustomization.yaml');
    expect(regularFiles()).toEqual([]);
  });

  it('writes through a link that stays inside the workspace', async () => {
    workspace.setContent({
      'base/kustomization.yaml': 'resources: [app.yaml]\n',
    });
    link('../base/kustomization.yaml', 'istio/kustomization.yaml');
    const { files } = await onboard();
    expect(files).toContain('istio/kustomization.yaml');
    expect(
      parse(
        fs.readFileSync(workspace.resolve('base/kustomization.yaml'), 'utf8'),
      ).resources,
    ).toEqual(['app.yaml', 'namespace.yaml', 'peer-authentication.yaml']);
  });

  it('does not read a manifest linked from outside the workspace as context', async () => {
    // Read as context, this DestinationRule would block STRICT (MESH001).
    outside.setContent({ 'plaintext.yaml': plaintextReviewsYaml });
    link(outside.resolve('plaintext.yaml'), 'apps/reviews.yaml');
    await expect(onboard({ stage: 'strict' })).resolves.toBeDefined();
    // The same file inside the workspace is context, and blocks.
    fs.unlinkSync(workspace.resolve('apps/reviews.yaml'));
    fs.copyFileSync(
      outside.resolve('plaintext.yaml'),
      workspace.resolve('apps/reviews.yaml'),
    );
    await expect(onboard({ stage: 'strict' })).rejects.toThrow(/MESH001/);
  });
});

describe('workspace manifests, read as the engine reads them', () => {
  it('reads a kubectl List dump in the workspace as context', async () => {
    const items = plaintextReviewsYaml
      .split('---\n')
      .map(document => parse(document));
    workspace.setContent({
      'cluster/dump.yaml': stringify({ apiVersion: 'v1', kind: 'List', items }),
    });
    await expect(onboard({ stage: 'strict' })).rejects.toThrow(/MESH001/);
  });

  it('refuses a broken kustomization.yaml with the file and line, writing nothing', async () => {
    workspace.setContent({
      'istio/kustomization.yaml': 'resources:\n\t- app.yaml\n',
    });
    await expect(onboard()).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'the existing kustomization.yaml is not a YAML mapping (kustomization.yaml:2: Tabs are not allowed as indentation)',
      ),
    });
    expect(regularFiles()).toEqual(['istio/kustomization.yaml']);
  });
});
