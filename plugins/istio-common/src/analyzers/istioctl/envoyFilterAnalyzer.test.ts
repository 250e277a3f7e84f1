import { KubeObject } from '../../model/resources';
import {
  codesAndResources,
  findingsOf,
} from './__testUtils__/analyzerFindings';

function findings(objects: KubeObject[]) {
  return codesAndResources(
    findingsOf('envoyfilter.EnvoyPatchAnalyzer', objects),
  );
}

interface Patch {
  applyTo: string;
  operation?: string;
  name?: string;
  proxyVersion?: string;
}

const envoyFilter = (
  name: string,
  patches: Patch[],
  priority?: number,
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'EnvoyFilter',
  metadata: { name, namespace: 'shop' },
  spec: {
    ...(priority !== undefined ? { priority } : {}),
    configPatches: patches.map(p => ({
      applyTo: p.applyTo,
      match: {
        context: 'SIDECAR_INBOUND',
        ...(p.proxyVersion ? { proxy: { proxyVersion: p.proxyVersion } } : {}),
      },
      patch: p.operation
        ? {
            operation: p.operation,
            ...(p.name ? { value: { name: p.name } } : {}),
          }
        : null,
    })),
  },
});

describe('envoyfilter.EnvoyPatchAnalyzer', () => {
  it('warns about a relative operation without priority, once per filter', () => {
    expect(
      findings([
        envoyFilter('lua', [
          { applyTo: 'HTTP_FILTER', operation: 'INSERT_BEFORE', name: 'a' },
          { applyTo: 'HTTP_FILTER', operation: 'INSERT_AFTER', name: 'b' },
          { applyTo: 'NETWORK_FILTER', operation: 'REMOVE' },
        ]),
      ]),
    ).toEqual([['IST0151', 'EnvoyFilter shop/lua']]);
  });

  it('accepts relative operations with a priority, and absolute ones without', () => {
    expect(
      findings([
        envoyFilter(
          'ordered',
          [{ applyTo: 'HTTP_FILTER', operation: 'INSERT_BEFORE', name: 'a' }],
          10,
        ),
        envoyFilter('first', [
          { applyTo: 'HTTP_FILTER', operation: 'INSERT_FIRST', name: 'a' },
          { applyTo: 'CLUSTER', operation: 'ADD', name: 'c' },
          { applyTo: 'CLUSTER', operation: 'MERGE', name: 'c' },
        ]),
      ]),
    ).toEqual([]);
  });

  it('reports operations Istio ignores for their target, priority or not', () => {
    expect(
      findings([
        envoyFilter('add', [{ applyTo: 'HTTP_ROUTE', operation: 'ADD' }], 5),
        envoyFilter('remove', [
          { applyTo: 'ROUTE_CONFIGURATION', operation: 'REMOVE' },
        ]),
        envoyFilter(
          'replace',
          [{ applyTo: 'CLUSTER', operation: 'REPLACE' }],
          5,
        ),
        envoyFilter(
          'vhost',
          [{ applyTo: 'VIRTUAL_HOST', operation: 'REPLACE', name: 'v' }],
          5,
        ),
      ]),
    ).toEqual([
      ['IST0152', 'EnvoyFilter shop/replace'],
      ['IST0153', 'EnvoyFilter shop/add'],
      ['IST0154', 'EnvoyFilter shop/remove'],
    ]);
  });

  it('words it as a proxyVersion problem when an earlier patch of the same name had one', () => {
    expect(
      findings([
        envoyFilter('versioned', [
          {
            applyTo: 'HTTP_FILTER',
            operation: 'ADD',
            name: 'envoy.lua',
            proxyVersion: '^1\\.11.*',
          },
        ]),
        // Names carry over to later EnvoyFilters.
        envoyFilter('later', [
          { applyTo: 'HTTP_FILTER', operation: 'REPLACE', name: 'envoy.lua' },
        ]),
        envoyFilter('other-name', [
          {
            applyTo: 'HTTP_FILTER',
            operation: 'REPLACE',
            name: 'envoy.router',
          },
        ]),
      ]),
    ).toEqual([
      ['IST0151', 'EnvoyFilter shop/other-name'],
      ['IST0155', 'EnvoyFilter shop/later'],
    ]);
  });

  it('stops reading a filter at the first entry without a patch, as Istio does', () => {
    expect(
      findings([
        envoyFilter('cut', [
          { applyTo: 'NETWORK_FILTER' },
          { applyTo: 'HTTP_ROUTE', operation: 'ADD' },
        ]),
      ]),
    ).toEqual([]);
  });
});
