import { checkManifestSize, decodeManifestBytes } from './manifestBytes';
import { MAX_MANIFEST_BYTES } from './manifestLimits';

describe('decodeManifestBytes', () => {
  it('decodes UTF-8 text', () => {
    expect(
      decodeManifestBytes(new TextEncoder().encode('name: café\n'), 'a.yaml'),
    ).toBe('name: café\n');
  });

  it('refuses binary files and other encodings, naming the file', () => {
    expect(() =>
      decodeManifestBytes(
        Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 1]),
        'image.yaml',
      ),
    ).toThrow('image.yaml: not a text file (contains NUL bytes)');
    expect(() =>
      decodeManifestBytes(Uint8Array.from([0x6b, 0x3a, 0xe9, 0x0a]), 'l.yaml'),
    ).toThrow('l.yaml: not a UTF-8 text file');
  });
});

describe('checkManifestSize', () => {
  it('accepts a manifest at the limit and refuses one past it', () => {
    expect(() => checkManifestSize('a.yaml', MAX_MANIFEST_BYTES)).not.toThrow();
    expect(() => checkManifestSize('a.yaml', 50 * 1024 * 1024)).toThrow(
      'a.yaml: 50 MB, more than the 20 MB limit; split it into smaller files',
    );
    expect(() => checkManifestSize('<stdin>', undefined, 1000)).toThrow(
      '<stdin>: more than the 1000 bytes limit; split it into smaller files',
    );
  });
});
