import { AnalyzeOptions } from '../../analysis/analyzeMesh';
import { parseMeshConfig } from '../../model/meshConfig';
import { KubeObject } from '../../model/resources';
import {
  codesAndResources,
  findingsOf,
} from './__testUtils__/analyzerFindings';

function findings(
  analyzer: string,
  objects: KubeObject[],
  options?: AnalyzeOptions,
) {
  return codesAndResources(findingsOf(analyzer, objects, options));
}

const telemetry = (
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
): KubeObject => ({
  apiVersion: 'telemetry.istio.io/v1',
  kind: 'Telemetry',
  metadata: { name, namespace },
  spec,
});

const pod = (name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
  spec: { containers: [{ name: 'app' }] },
});

const selecting = (labels: Record<string, string>) => ({
  selector: { matchLabels: labels },
  metrics: [{ providers: [{ name: 'prometheus' }] }],
});

describe('telemetry.ProviderAnalyzer', () => {
  const run = (objects: KubeObject[], options?: AnalyzeOptions) =>
    findings('telemetry.ProviderAnalyzer', objects, options);
  const logs = (entries: unknown[]) =>
    telemetry('mesh-default', 'istio-system', { accessLogging: entries });

  it('reports an access log entry without providers when the mesh has no default', () => {
    expect(
      run([
        logs([
          { providers: [{ name: 'envoy' }] },
          { filter: { expression: 'response.code >= 400' } },
        ]),
      ]),
    ).toEqual([['IST0157', 'Telemetry istio-system/mesh-default']]);
  });

  it('accepts disabled entries, and entries covered by defaultProviders.accessLogging', () => {
    expect(run([logs([{ disabled: true }])])).toEqual([]);
    expect(
      run([logs([{ filter: { expression: 'true' } }])], {
        meshConfig: parseMeshConfig(
          'defaultProviders:\n  accessLogging: [envoy]\n',
        ),
      }),
    ).toEqual([]);
  });
});

describe('telemetry.SelectorAnalyzer', () => {
  const run = (objects: KubeObject[], options?: AnalyzeOptions) =>
    findings('telemetry.SelectorAnalyzer', objects, options);

  it('reports a selector that matches no pod of its namespace', () => {
    expect(
      run([
        pod('cart', { app: 'cart' }),
        telemetry('cart', 'shop', selecting({ app: 'cart' })),
        telemetry('ghost', 'shop', selecting({ app: 'ghost' })),
        telemetry('elsewhere', 'other', selecting({ app: 'cart' })),
      ]),
    ).toEqual([
      ['IST0101', 'Telemetry other/elsewhere'],
      ['IST0101', 'Telemetry shop/ghost'],
    ]);
  });

  it('reports Telemetries whose selectors pick the same pod', () => {
    expect(
      run([
        pod('ratings', { app: 'ratings', tier: 'back' }),
        pod('cart', { app: 'cart' }),
        telemetry('by-app', 'shop', selecting({ app: 'ratings' })),
        telemetry('by-tier', 'shop', selecting({ tier: 'back' })),
        telemetry('cart', 'shop', selecting({ app: 'cart' })),
      ]),
    ).toEqual([
      ['IST0159', 'Telemetry shop/by-app'],
      ['IST0159', 'Telemetry shop/by-tier'],
    ]);
  });

  it('says nothing when pods were not read', () => {
    expect(
      run([telemetry('ghost', 'shop', selecting({ app: 'ghost' }))], {
        observedKinds: ['Telemetry'],
      }),
    ).toEqual([]);
  });
});

describe('telemetry.DefaultSelectorAnalyzer', () => {
  const run = (objects: KubeObject[]) =>
    findings('telemetry.DefaultSelectorAnalyzer', objects);
  const metrics = { metrics: [{ providers: [{ name: 'prometheus' }] }] };

  it('reports every selector-less Telemetry of a namespace that has several', () => {
    expect(
      run([
        telemetry('one', 'shop', metrics),
        telemetry('two', 'shop', metrics),
        telemetry('alone', 'blog', metrics),
        telemetry('scoped', 'blog', {
          ...metrics,
          selector: { matchLabels: { app: 'x' } },
        }),
      ]),
    ).toEqual([
      ['IST0160', 'Telemetry shop/one'],
      ['IST0160', 'Telemetry shop/two'],
    ]);
  });
});

describe('telemetry.LightstepAnalyzer', () => {
  const lightstepMesh = parseMeshConfig(
    'extensionProviders:\n- name: ls\n  lightstep:\n    service: lightstep.monitoring\n    port: 443\n- name: otel\n  opentelemetry:\n    service: otel.monitoring\n    port: 4317\n',
  );
  const tracing = (name: string, provider: string) =>
    telemetry(name, 'istio-system', {
      tracing: [{ providers: [{ name: provider }] }],
    });

  it('reports tracing to a Lightstep provider as deprecated', () => {
    expect(
      findings(
        'telemetry.LightstepAnalyzer',
        [tracing('old', 'ls'), tracing('new', 'otel')],
        {
          meshConfig: lightstepMesh,
        },
      ),
    ).toEqual([['IST0002', 'Telemetry istio-system/old']]);
  });

  it('says nothing when no provider is of the Lightstep type', () => {
    expect(
      findings('telemetry.LightstepAnalyzer', [tracing('old', 'ls')]),
    ).toEqual([]);
  });
});
