import { parseManifestText } from '@meshportal/plugin-istio-common';
import {
  kubectlDump,
  measureManifestReaders,
  readWithDocumentApi,
} from './manifestBench';

describe('manifest reader benchmark', () => {
  it('generates a kubectl-style List dump of about the asked size', () => {
    const { text, objects } = kubectlDump(200_000);
    expect(text.length).toBeGreaterThanOrEqual(196_000);
    expect(text.length).toBeLessThanOrEqual(210_000);
    expect(text.startsWith('apiVersion: v1\nitems:\n- apiVersion:')).toBe(true);
    expect(text).not.toMatch(/[&*]a\d/);
    const parsed = parseManifestText(text, 'dump.yaml');
    expect(parsed.objects).toHaveLength(objects);
    expect(parsed.objects[0].metadata?.resourceVersion).toEqual(
      expect.any(String),
    );
  });

  it('reads the dump with both readers, with the same item lines', () => {
    const { text } = kubectlDump(100_000);
    expect(
      parseManifestText(text, 'dump.yaml').origins.map(o => o.line),
    ).toEqual(readWithDocumentApi(text));
  });

  it('reports both readers side by side', () => {
    const result = measureManifestReaders(100_000, 1);
    expect(result.bytes).toBeGreaterThanOrEqual(98_000);
    expect(result.before.mbPerSecond).toBeGreaterThan(0);
    expect(result.after.mbPerSecond).toBeGreaterThan(0);
    expect(result.speedup).toBeGreaterThan(1);
  });
});
