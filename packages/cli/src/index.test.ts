import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './index';
import { capturedIo } from './testing/capturedIo';

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;

// The escape that starts every ANSI colour sequence.
const ANSI_ESCAPE = '\u001b[';

describe('run', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshportal-run-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: string) => {
    fs.writeFileSync(path.join(dir, name), content);
    return name;
  };
  const meshportal = async (argv: string[], stdin?: string) => {
    const captured = capturedIo(dir, { stdin });
    const code = await run(argv, captured.io);
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  };

  it('reports unknown registries of --mesh-networks on the MeshNetworks object', async () => {
    write('app.yaml', DEPLOYMENT);
    write(
      'networks.yaml',
      'networks:\n  west:\n    endpoints:\n    - fromRegistry: Kubernetes\n  east:\n    endpoints:\n    - fromRegistry: cluster-east\n',
    );
    const result = await meshportal([
      'analyze',
      'app.yaml',
      '--mesh-networks',
      'networks.yaml',
      '-o',
      'json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout).findings.filter(
      (f: { code: string }) => f.code === 'IST0126',
    );
    expect(findings).toMatchObject([
      {
        analyzer: 'multicluster.MeshNetworksAnalyzer',
        resource: 'MeshNetworks istio-system/meshnetworks',
        origin: { file: 'networks.yaml', line: 1 },
      },
    ]);
    expect(findings[0].message).toContain('cluster-east');
  });

  it('prints only the JSON report on stdout with -o json', async () => {
    write('app.yaml', `${NAMESPACE}---\n${DEPLOYMENT}`);
    const result = await meshportal([
      'analyze',
      'app.yaml',
      '-o',
      'json',
      '--fail-on',
      'never',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(Array.isArray(report.workloads)).toBe(true);
    expect(Array.isArray(report.findings)).toBe(true);
    for (const workload of report.workloads) {
      expect(Object.keys(workload).slice(0, 7)).toEqual([
        'namespace',
        'name',
        'kind',
        'dataplane',
        'pods',
        'injection',
        'mtls',
      ]);
    }
    for (const finding of report.findings) {
      expect(Object.keys(finding).slice(0, 6)).toEqual([
        'code',
        'analyzer',
        'severity',
        'resource',
        'message',
        'remediation',
      ]);
    }
  });

  describe('with findings from the real engine', () => {
    // A pod without proxy in an injected namespace (IST0103, a warning) and a
    // route to a host nothing declares (IST0101, an error).
    const POD = `apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: nginx}]}
`;
    const ROUTE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http: [{route: [{destination: {host: nowhere}}]}]
`;

    it('exits 1 on an error by default and 0 with --fail-on never', async () => {
      write('app.yaml', `${NAMESPACE}---\n${POD}---\n${ROUTE}`);
      const failing = await meshportal(['analyze', 'app.yaml', '-o', 'json']);
      expect(failing.code).toBe(1);
      const codes = JSON.parse(failing.stdout).findings.map((f: any) => f.code);
      expect(codes).toEqual(expect.arrayContaining(['IST0101', 'IST0103']));
      const never = await meshportal([
        'analyze',
        'app.yaml',
        '--fail-on',
        'never',
      ]);
      expect(never.code).toBe(0);
      expect(never.stdout).toContain('IST0101');
    });

    it('exits 1 on a warning only with --fail-on warning', async () => {
      write('app.yaml', `${NAMESPACE}---\n${POD}`);
      expect((await meshportal(['analyze', 'app.yaml'])).code).toBe(0);
      expect(
        (await meshportal(['analyze', 'app.yaml', '--fail-on', 'warning']))
          .code,
      ).toBe(1);
    });

    it('locates SARIF results at the object', async () => {
      write('app.yaml', `${NAMESPACE}---\n${POD}---\n${ROUTE}`);
      const result = await meshportal(['analyze', 'app.yaml', '-o', 'sarif']);
      const sarif = JSON.parse(result.stdout);
      const route = sarif.runs[0].results.find(
        (r: any) => r.ruleId === 'IST0101',
      );
      expect(route.level).toBe('error');
      expect(route.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: 'app.yaml' },
        region: { startLine: 12 },
      });
    });
  });

  it('prints a SARIF log with -o sarif', async () => {
    write('app.yaml', DEPLOYMENT);
    const result = await meshportal([
      'analyze',
      'app.yaml',
      '-o',
      'sarif',
      '--fail-on',
      'never',
    ]);
    expect(result.code).toBe(0);
    const sarif = JSON.parse(result.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.name).toBe('meshportal');
    expect(Array.isArray(sarif.runs[0].results)).toBe(true);
  });

  it('prints the table without colour when not on a terminal', async () => {
    write('app.yaml', DEPLOYMENT);
    const result = await meshportal([
      'analyze',
      'app.yaml',
      '--fail-on',
      'never',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /\d+ workloads?, \d+ errors?, \d+ warnings?, \d+ info/,
    );
    expect(result.stdout).not.toContain(ANSI_ESCAPE);
  });

  it('reads standard input for "-"', async () => {
    const result = await meshportal(
      ['analyze', '-', '-o', 'json', '--fail-on', 'never'],
      DEPLOYMENT,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty('workloads');
  });

  it('skips unknown kinds silently', async () => {
    write(
      'crd.yaml',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
    );
    const result = await meshportal(['analyze', 'crd.yaml', '-o', 'json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it('shows help and version on stdout with exit 0', async () => {
    expect(await meshportal(['--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Usage: meshportal <command>'),
    });
    expect(await meshportal(['analyze', '--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('--fail-on SEVERITY'),
    });
    expect(await meshportal(['--version'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/),
    });
  });

  describe('exit code 2 with one line on stderr and no report', () => {
    const expectRefused = async (argv: string[], message: string | RegExp) => {
      const result = await meshportal(argv);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toEqual(
        typeof message === 'string' ? message : expect.stringMatching(message),
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    };

    it('for bad usage', async () => {
      await expectRefused(
        ['analyze', 'x.yaml', '-o', 'xml'],
        /^meshportal: -o must be one of/,
      );
      await expectRefused(['analyze'], /^meshportal: no input/);
      await expectRefused(
        ['frobnicate'],
        'meshportal: unknown command "frobnicate"',
      );
    });

    it('for a missing file', async () => {
      await expectRefused(
        ['analyze', 'nope.yaml'],
        'meshportal: nope.yaml: no such file or directory',
      );
    });

    it('for a document without kind, naming file and line', async () => {
      write('app.yaml', `${DEPLOYMENT}---\nmetadata: {name: orphan}\n`);
      await expectRefused(
        ['analyze', 'app.yaml'],
        'meshportal: app.yaml:10: document has no "kind"',
      );
    });

    it('for an object the engine cannot use, naming file and line', async () => {
      write(
        'app.yaml',
        `${NAMESPACE}---\napiVersion: v1\nkind: Service\nmetadata:\n  namespace: shop\n`,
      );
      await expectRefused(
        ['analyze', 'app.yaml'],
        'meshportal: app.yaml:7: Service has no metadata.name',
      );
    });

    it('for input without any object', async () => {
      write('empty.yaml', '# nothing\n');
      await expectRefused(
        ['analyze', 'empty.yaml'],
        'meshportal: no Kubernetes objects found in the input',
      );
      fs.mkdirSync(path.join(dir, 'nothing'));
      await expectRefused(
        ['analyze', 'nothing'],
        'meshportal: no Kubernetes objects found in the input',
      );
    });

    it('for an unreadable --mesh-networks', async () => {
      write('app.yaml', DEPLOYMENT);
      write('networks.yaml', 'networks: [unclosed\n');
      await expectRefused(
        ['analyze', 'app.yaml', '--mesh-networks', 'networks.yaml'],
        /^meshportal: --mesh-networks networks\.yaml:\d+: /,
      );
    });

    it('for an unreadable --mesh-config', async () => {
      write('app.yaml', DEPLOYMENT);
      write('mesh.yaml', 'rootNamespace: [unclosed\n');
      await expectRefused(
        ['analyze', 'app.yaml', '--mesh-config', 'mesh.yaml'],
        /^meshportal: --mesh-config mesh\.yaml:\d+: /,
      );
      await expectRefused(
        ['analyze', 'app.yaml', '--mesh-config', 'absent.yaml'],
        'meshportal: --mesh-config absent.yaml: no such file or directory',
      );
    });
  });
});
