import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  Finding,
  MeshReport,
  Severity,
} from '@meshportal/plugin-istio-common';
import { capturedIo } from '../testing/capturedIo';
import { analyzeCommand } from './analyze';

// The exit code policy is the CLI's own: drive it with findings of a chosen
// severity instead of depending on which analyzers exist.
const analyzeMesh = jest.fn();
jest.mock('@meshportal/plugin-istio-common', () => ({
  ...jest.requireActual('@meshportal/plugin-istio-common'),
  analyzeMesh: (...args: unknown[]) => analyzeMesh(...args),
}));

function finding(severity: Severity): Finding {
  return {
    code: 'IST0000',
    name: 'Test',
    analyzer: 'test.Analyzer',
    severity,
    resource: 'Pod shop/web',
    message: 'm',
    remediation: 'r',
    ref: { kind: 'Pod', namespace: 'shop', name: 'web' },
  };
}

function report(findings: Finding[]): MeshReport {
  return { workloads: [], clientTls: [], findings, problems: [] };
}

describe('analyzeCommand', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshportal-analyze-'));
    fs.writeFileSync(
      path.join(dir, 'app.yaml'),
      'kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b}\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => analyzeMesh.mockReset());

  const exitCode = async (severities: Severity[], failOn: any) => {
    analyzeMesh.mockReturnValue(report(severities.map(finding)));
    const { io } = capturedIo(dir);
    return analyzeCommand(
      { inputs: ['app.yaml'], output: 'json', failOn },
      io,
      '0.0.0',
    );
  };

  it.each([
    [[], 'error', 0],
    [['Warning', 'Info'], 'error', 0],
    [['Error'], 'error', 1],
    [['Warning'], 'warning', 1],
    [['Error'], 'warning', 1],
    [['Info'], 'warning', 0],
    [['Info'], 'info', 1],
    [['Error', 'Warning'], 'never', 0],
  ] as Array<[Severity[], string, number]>)(
    'findings %j with --fail-on %s exit %d',
    async (severities, failOn, expected) => {
      expect(await exitCode(severities, failOn)).toBe(expected);
    },
  );

  it('gives the engine each object with its file and line', async () => {
    analyzeMesh.mockReturnValue(report([]));
    await analyzeCommand(
      { inputs: ['app.yaml'], output: 'json', failOn: 'error' },
      capturedIo(dir).io,
      '0.0.0',
    );
    const [objects, options] = analyzeMesh.mock.calls[0];
    expect(objects.map((o: any) => o.metadata.name)).toEqual(['a', 'b']);
    expect(options.meshConfig).toBeUndefined();
    expect(objects.map((o: any, i: number) => options.originOf(o, i))).toEqual([
      { file: 'app.yaml', line: 1 },
      { file: 'app.yaml', line: 4 },
    ]);
  });

  it.each([
    [
      'a MeshConfig document',
      'rootNamespace: mesh-root\nenableAutoMtls: false\n',
    ],
    [
      'the istio ConfigMap',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |\n    rootNamespace: mesh-root\n    enableAutoMtls: false\n',
    ],
  ])('passes --mesh-config from %s', async (_name, text) => {
    fs.writeFileSync(path.join(dir, 'mesh.yaml'), text);
    analyzeMesh.mockReturnValue(report([]));
    const captured = capturedIo(dir);
    const code = await analyzeCommand(
      {
        inputs: ['app.yaml'],
        meshConfig: 'mesh.yaml',
        output: 'json',
        failOn: 'error',
      },
      captured.io,
      '0.0.0',
    );
    expect(captured.stderr()).toBe('');
    expect(code).toBe(0);
    expect(analyzeMesh.mock.calls[0][1].meshConfig).toMatchObject({
      rootNamespace: 'mesh-root',
      enableAutoMtls: false,
    });
  });

  it.each([
    [
      'a MeshNetworks document',
      'networks:\n  west:\n    endpoints: [{fromRegistry: cluster-west}]\n',
    ],
    [
      'the istio ConfigMap',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  meshNetworks: |\n    networks:\n      west:\n        endpoints: [{fromRegistry: cluster-west}]\n',
    ],
  ])('passes --mesh-networks from %s, with its origin', async (_name, text) => {
    fs.writeFileSync(path.join(dir, 'networks.yaml'), text);
    analyzeMesh.mockReturnValue(report([]));
    const captured = capturedIo(dir);
    const code = await analyzeCommand(
      {
        inputs: ['app.yaml'],
        meshNetworks: 'networks.yaml',
        output: 'json',
        failOn: 'error',
      },
      captured.io,
      '0.0.0',
    );
    expect(captured.stderr()).toBe('');
    expect(code).toBe(0);
    const options = analyzeMesh.mock.calls[0][1];
    expect(options.meshNetworks).toEqual({
      networks: {
        west: { endpoints: [{ fromRegistry: 'cluster-west' }], gateways: [] },
      },
    });
    expect(options.meshNetworksOrigin).toEqual({
      file: 'networks.yaml',
      line: 1,
    });
  });

  it('refuses an istio ConfigMap without meshNetworks for --mesh-networks', async () => {
    fs.writeFileSync(
      path.join(dir, 'networks.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata: {mesh: "{}"}\n',
    );
    const captured = capturedIo(dir);
    const code = await analyzeCommand(
      {
        inputs: ['app.yaml'],
        meshNetworks: 'networks.yaml',
        output: 'json',
        failOn: 'error',
      },
      captured.io,
      '0.0.0',
    );
    expect(code).toBe(2);
    expect(captured.stderr()).toBe(
      'meshportal: --mesh-networks networks.yaml:1: ConfigMap has no "meshNetworks" key\n',
    );
    expect(analyzeMesh).not.toHaveBeenCalled();
  });

  it('reports engine problems with file and line and exits 2', async () => {
    analyzeMesh.mockReturnValue({
      ...report([finding('Error')]),
      problems: [
        {
          index: 1,
          origin: { file: 'app.yaml', line: 4 },
          message: 'Pod is odd',
        },
        { index: -1, message: 'mesh config ignored' },
      ],
    });
    const captured = capturedIo(dir);
    const code = await analyzeCommand(
      { inputs: ['app.yaml'], output: 'table', failOn: 'error' },
      captured.io,
      '0.0.0',
    );
    expect(code).toBe(2);
    expect(captured.stdout()).toBe('');
    expect(captured.stderr()).toBe(
      'meshportal: app.yaml:4: Pod is odd\nmeshportal: mesh config ignored\n',
    );
  });

  it('turns an engine exception into one line and exit 2', async () => {
    analyzeMesh.mockImplementation(() => {
      throw new TypeError('x is undefined\n    at somewhere');
    });
    const captured = capturedIo(dir);
    const code = await analyzeCommand(
      { inputs: ['app.yaml'], output: 'table', failOn: 'error' },
      captured.io,
      '0.0.0',
    );
    expect(code).toBe(2);
    expect(captured.stderr()).toBe(
      'meshportal: internal error in the analysis engine: x is undefined\n',
    );
  });
});
