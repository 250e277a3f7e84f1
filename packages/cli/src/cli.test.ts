import { parseCommandLine } from './cli';

describe('parseCommandLine', () => {
  it('parses analyze with every option form', () => {
    expect(
      parseCommandLine([
        'analyze',
        'a.yaml',
        '--mesh-config',
        'mesh.yaml',
        '-o',
        'JSON',
        '--fail-on=warning',
        '--mesh-networks=networks.yaml',
        '--cluster-domain',
        'corp.internal',
        'dir',
        '-',
      ]),
    ).toEqual({
      command: 'analyze',
      args: {
        inputs: ['a.yaml', 'dir', '-'],
        meshConfig: 'mesh.yaml',
        meshNetworks: 'networks.yaml',
        clusterDomain: 'corp.internal',
        output: 'json',
        failOn: 'warning',
      },
    });
    expect(
      parseCommandLine(['analyze', '-osarif', '--output=table', 'x']),
    ).toMatchObject({
      args: { output: 'table', failOn: 'error' },
    });
    expect(
      parseCommandLine(['analyze', '--', '--odd-name.yaml']),
    ).toMatchObject({
      args: { inputs: ['--odd-name.yaml'] },
    });
  });

  it('answers help and version', () => {
    expect(parseCommandLine(['--help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['help', 'analyze'])).toEqual({
      command: 'help',
      topic: 'analyze',
    });
    expect(parseCommandLine(['analyze', 'x', '-h'])).toEqual({
      command: 'help',
      topic: 'analyze',
    });
    expect(parseCommandLine(['--version'])).toEqual({ command: 'version' });
  });

  it.each([
    [[], 'no command given'],
    [['lint'], 'unknown command "lint"'],
    [['--verbose'], 'unknown option --verbose'],
    [['analyze', 'x', '--verbose'], 'unknown option --verbose'],
    [['analyze', 'x', '-o'], '-o needs a value'],
    [
      ['analyze', 'x', '-o', 'xml'],
      '-o must be one of table, json, sarif, got "xml"',
    ],
    [
      ['analyze', 'x', '--fail-on', 'fatal'],
      '--fail-on must be one of error, warning, info, never, got "fatal"',
    ],
    [['analyze', 'x', '--mesh-config='], '--mesh-config needs a value'],
    [
      ['analyze', '-', '--mesh-config', '-'],
      'standard input can be read only once: "-" given twice',
    ],
    [['analyze', 'x', '--mesh-networks'], '--mesh-networks needs a value'],
    [
      ['analyze', 'x', '--cluster-domain=Corp_Local'],
      '--cluster-domain must be a DNS name such as cluster.local (lowercase letters, digits, "-" and ".")',
    ],
    [
      ['analyze', 'x', '--mesh-config', '-', '--mesh-networks', '-'],
      'standard input can be read only once: "-" given twice',
    ],
    [
      ['analyze'],
      'no input: name files or directories, or "-" for standard input',
    ],
  ])('rejects %j', (argv, message) => {
    expect(parseCommandLine(argv)).toEqual({ command: 'usage-error', message });
  });
});
