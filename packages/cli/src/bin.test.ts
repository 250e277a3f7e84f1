import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(__dirname, '../bin/meshportal');

// Runs the real executable with the node on PATH, as `yarn meshportal` does:
// proves the bin works from source through the TypeScript transform.
function meshportal(args: string[], cwd: string, input?: string) {
  return spawnSync('node', [BIN, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
}

describe('bin/meshportal', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshportal-bin-'));
    fs.writeFileSync(
      path.join(dir, 'app.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n',
    );
    fs.writeFileSync(
      path.join(dir, 'broken.yaml'),
      'kind: Pod\nmetadata:\n\tname: x\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('analyzes files and prints JSON', () => {
    const result = meshportal(
      ['analyze', 'app.yaml', '-o', 'json', '--fail-on', 'never'],
      dir,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout))).toEqual(
      expect.arrayContaining(['workloads', 'findings']),
    );
  }, 60_000);

  it('reads standard input', () => {
    const result = meshportal(
      ['analyze', '-', '-o', 'json', '--fail-on', 'never'],
      dir,
      'kind: Pod\nmetadata: {name: a, namespace: b}\n',
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty('findings');
  }, 60_000);

  it('exits 2 with one line and no stack trace on bad input', () => {
    const result = meshportal(['analyze', 'broken.yaml'], dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'meshportal: broken.yaml:3: Tabs are not allowed as indentation\n',
    );
  }, 60_000);

  it('prints its version', () => {
    const result = meshportal(['--version'], dir);
    expect(result.status).toBe(0);
    const { version } = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8'),
    );
    expect(result.stdout).toBe(`${version}\n`);
  }, 60_000);
});
