import {
  generateNamespaceOnboarding,
  nextMtlsStage,
  validateNamespaceOnboarding,
} from './namespaceOnboarding';

describe('generateNamespaceOnboarding', () => {
  it('labels a new namespace for the default revision and starts PERMISSIVE', () => {
    const result = generateNamespaceOnboarding({
      namespace: 'shop',
      stage: 'permissive',
    });
    expect(result.problems).toEqual([]);
    expect(result.files.map(f => f.path)).toEqual([
      'namespace.yaml',
      'peer-authentication.yaml',
    ]);
    expect(result.objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'shop',
          labels: {
            'app.kubernetes.io/managed-by': 'meshportal',
            'istio-injection': 'enabled',
          },
        },
      },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: {
          name: 'default',
          namespace: 'shop',
          labels: { 'app.kubernetes.io/managed-by': 'meshportal' },
        },
        spec: { mtls: { mode: 'PERMISSIVE' } },
      },
    ]);
    expect(result.kustomization).toEqual({
      resources: ['namespace.yaml', 'peer-authentication.yaml'],
      patches: [],
    });
  });

  it('patches an existing namespace to a revision, dropping the other injection label', () => {
    const result = generateNamespaceOnboarding({
      namespace: 'shop',
      revision: 'canary',
      stage: 'strict',
      manifest: 'patch',
    });
    expect(result.files[0]).toEqual({
      path: 'namespace-patch.yaml',
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: 'shop',
            labels: { 'istio.io/rev': 'canary', 'istio-injection': null },
          },
        },
      ],
    });
    expect(result.files[1].objects[0].spec).toEqual({
      mtls: { mode: 'STRICT' },
    });
    expect(result.kustomization).toEqual({
      resources: ['peer-authentication.yaml'],
      patches: ['namespace-patch.yaml'],
    });
    const patchDefault = generateNamespaceOnboarding({
      namespace: 'shop',
      stage: 'strict',
      manifest: 'patch',
    });
    expect(patchDefault.files[0].objects[0].metadata?.labels).toEqual({
      'istio-injection': 'enabled',
      'istio.io/rev': null,
    });
  });

  it('writes workload exceptions with a selector, a mode and port-level modes', () => {
    const result = generateNamespaceOnboarding({
      namespace: 'shop',
      stage: 'strict',
      skipNamespace: true,
      exceptions: [
        {
          name: 'legacy-db',
          selector: { app: 'legacy-db' },
          mode: 'PERMISSIVE',
        },
        {
          name: 'metrics',
          selector: { app: 'web' },
          portLevelMtls: { '9090': 'DISABLE' },
        },
      ],
    });
    expect(result.files.map(f => f.path)).toEqual([
      'peer-authentication.yaml',
      'workload-exceptions.yaml',
    ]);
    expect(
      result.files[1].objects.map(o => [o.metadata?.name, o.spec]),
    ).toEqual([
      [
        'legacy-db',
        {
          selector: { matchLabels: { app: 'legacy-db' } },
          mtls: { mode: 'PERMISSIVE' },
        },
      ],
      [
        'metrics',
        {
          selector: { matchLabels: { app: 'web' } },
          portLevelMtls: { '9090': { mode: 'DISABLE' } },
        },
      ],
    ]);
  });
});

describe('validateNamespaceOnboarding', () => {
  it('lists every problem at once', () => {
    const { problems, value } = validateNamespaceOnboarding({
      namespace: 'Shop',
      revision: '1.24;reboot',
      stage: 'disabled',
      manifest: 'helm',
      exceptions: [
        { name: 'default', selector: {}, mode: 'OFF' },
        {
          name: 'x',
          selector: { 'bad key!': 'v' },
          portLevelMtls: { '0': 'STRICT', '80': 'MAYBE' },
        },
        { name: 'x', selector: { app: 'y' } },
      ],
    });
    expect(value).toBeUndefined();
    expect(problems.map(p => p.field)).toEqual([
      'namespace',
      'revision',
      'stage',
      'manifest',
      'exceptions[0].name',
      'exceptions[0].selector',
      'exceptions[0].mode',
      'exceptions[1].selector.bad key!',
      'exceptions[1].portLevelMtls',
      'exceptions[1].portLevelMtls.80',
      'exceptions[2].name',
      'exceptions[2]',
    ]);
  });

  it('requires the namespace and the stage', () => {
    expect(validateNamespaceOnboarding({}).problems).toEqual([
      { field: 'namespace', message: 'is required' },
      { field: 'stage', message: 'must be permissive or strict' },
    ]);
  });
});

describe('nextMtlsStage', () => {
  it('moves a namespace one wave stage forward and stays at strict', () => {
    expect(nextMtlsStage('not-enrolled')).toBe('permissive');
    expect(nextMtlsStage('permissive')).toBe('strict');
    expect(nextMtlsStage('strict')).toBe('strict');
  });
});
