import { exportScopes, gatewayHostsFor, hostsOverlap } from './hostNames';

describe('hostsOverlap', () => {
  it('matches equal concrete names only', () => {
    expect(hostsOverlap('a.example.com', 'a.example.com')).toBe(true);
    expect(hostsOverlap('a.example.com', 'b.example.com')).toBe(false);
  });

  it('lets a wildcard cover longer names with its suffix, in either order', () => {
    expect(hostsOverlap('*.example.com', 'web.example.com')).toBe(true);
    expect(hostsOverlap('user.api.example.com', '*.example.com')).toBe(true);
    expect(hostsOverlap('*.example.com', 'web.example.org')).toBe(false);
  });

  it('does not let *.foo.com cover foo.com itself', () => {
    expect(hostsOverlap('*.foo.com', 'foo.com')).toBe(false);
  });

  it('overlaps two wildcards when one suffix ends with the other', () => {
    expect(hostsOverlap('*.productpage.d', '*.d')).toBe(true);
    expect(hostsOverlap('*.d', '*.productpage.d')).toBe(true);
    expect(hostsOverlap('*.productpage.c', '*.productpage')).toBe(false);
  });

  it('treats * as covering everything', () => {
    expect(hostsOverlap('*', 'anything.example.com')).toBe(true);
    expect(hostsOverlap('*.com', '*')).toBe(true);
  });
});

describe('gatewayHostsFor', () => {
  const hosts = ['plain.com', './own.com', 'team-a/a.com', '*/any.com', '*/*'];

  it('gives a VirtualService in the gateway namespace the "./" hosts', () => {
    expect(gatewayHostsFor(hosts, 'istio-system', 'istio-system')).toEqual([
      'plain.com',
      'own.com',
      'any.com',
      '*',
    ]);
  });

  it('gives other namespaces only unscoped, "*/" and their own hosts', () => {
    expect(gatewayHostsFor(hosts, 'istio-system', 'team-a')).toEqual([
      'plain.com',
      'a.com',
      'any.com',
      '*',
    ]);
    expect(gatewayHostsFor(['./own.com'], 'istio-system', 'default')).toEqual(
      [],
    );
  });
});

describe('exportScopes', () => {
  it('exports everywhere when exportTo is missing, empty or contains *', () => {
    expect(exportScopes(undefined, 'ns')).toEqual(['*']);
    expect(exportScopes([], 'ns')).toEqual(['*']);
    expect(exportScopes(['other', '*'], 'ns')).toEqual(['*']);
  });

  it('resolves "." to the own namespace and keeps named namespaces once', () => {
    expect(exportScopes(['.', 'other', 'ns'], 'ns')).toEqual(['ns', 'other']);
  });
});
