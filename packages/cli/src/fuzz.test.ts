import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom as random } from '@meshportal/bench';
import { run } from './index';
import { capturedIo } from './testing/capturedIo';

describe('meshportal analyze on hostile input', () => {
  // Each input's time is bounded by the assertions below; the loops as a whole
  // may take longer than jest's default on a busy 2-core CI machine.
  jest.setTimeout(60_000);

  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshportal-fuzz-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const analyze = async (name: string, content: Buffer | string) => {
    fs.writeFileSync(path.join(dir, name), content);
    const captured = capturedIo(dir);
    const started = Date.now();
    const code = await run(['analyze', name, '-o', 'json'], captured.io);
    return {
      code,
      stdout: captured.stdout(),
      stderr: captured.stderr(),
      ms: Date.now() - started,
    };
  };

  const expectRefused = (
    result: Awaited<ReturnType<typeof analyze>>,
    name: string,
  ) => {
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^meshportal: (${name.replace(
          '.',
          '\\.',
        )}(:\\d+)?: .+|no Kubernetes objects found in the input)\\n$`,
      ),
    );
    expect(result.ms).toBeLessThan(3000);
  };

  it('refuses 300 random byte strings with one line each', async () => {
    const next = random(20261122);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.alloc(1 + Math.floor(next() * 4096));
      for (let b = 0; b < bytes.length; b++)
        bytes[b] = Math.floor(next() * 256);
      expectRefused(
        await analyze(`random-${i}.yaml`, bytes),
        `random-${i}.yaml`,
      );
    }
  });

  it('refuses 300 random YAML-looking texts with one line each', async () => {
    const next = random(7);
    const tokens = [
      '{',
      '}',
      '[',
      ']',
      ':',
      ': ',
      '- ',
      ',',
      '&a ',
      '*a',
      '!!str ',
      '|',
      '>',
      '"',
      "'",
      '\n',
      '  ',
      '\t',
      '#',
      '---\n',
      '...\n',
      'metadata',
      'name',
      'x',
      '1',
      '%YAML 1.2\n',
      '? ',
      '<<: ',
    ];
    for (let i = 0; i < 300; i++) {
      let text = '';
      const length = 1 + Math.floor(next() * 200);
      for (let t = 0; t < length; t++)
        text += tokens[Math.floor(next() * tokens.length)];
      expectRefused(await analyze(`soup-${i}.yaml`, text), `soup-${i}.yaml`);
    }
  });

  it('refuses deeply nested YAML of every shape in bounded time', async () => {
    const next = random(42);
    for (let i = 0; i < 20; i++) {
      const depth = 150 + Math.floor(next() * 20000);
      const open = ['[', '{a: ', '- ', 'a:\n'][i % 4];
      let text: string;
      if (open === '- ' || open === 'a:\n') {
        const lines = [];
        for (let d = 0; d < Math.min(depth, 3000); d++) {
          lines.push(`${' '.repeat(d)}${open === '- ' ? '-' : 'a:'}`);
        }
        text = `kind: Pod\nspec:\n${lines.map(l => `  ${l}`).join('\n')} 1\n`;
      } else {
        const close = open === '[' ? ']' : '}';
        text = `kind: Pod\nspec: ${open.repeat(depth)}1${close.repeat(
          depth,
        )}\n`;
      }
      expectRefused(await analyze(`deep-${i}.yaml`, text), `deep-${i}.yaml`);
    }
  });
});
