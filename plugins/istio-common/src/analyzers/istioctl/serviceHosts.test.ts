import { KubeObject } from '../../model/resources';
import { buildSnapshot } from '../../model/snapshot';
import { ServiceHostRegistry } from './serviceHosts';

function registry(objects: KubeObject[]) {
  return new ServiceHostRegistry(buildSnapshot(objects).snapshot);
}

const service = (
  name: string,
  namespace: string,
  exportTo?: string,
  ports = [80],
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name,
    namespace,
    annotations: exportTo ? { 'networking.istio.io/exportTo': exportTo } : {},
  },
  spec: { ports: ports.map(port => ({ port })) },
});

const serviceEntry = (
  name: string,
  namespace: string,
  hosts: string[],
  exportTo?: string[],
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name, namespace },
  spec: { hosts, exportTo, ports: [{ number: 443 }] },
});

describe('ServiceHostRegistry', () => {
  it('finds a service by short name only from its own namespace', () => {
    const hosts = registry([service('reviews', 'shop')]);
    expect(hosts.resolve('shop', [], 'reviews')?.source.name).toBe('reviews');
    expect(hosts.resolve('other', [], 'reviews')).toBeUndefined();
    expect(
      hosts.resolve('other', [], 'reviews.shop.svc.cluster.local')?.ports,
    ).toEqual([80]);
  });

  it('honours the exportTo annotation of a Service', () => {
    const hosts = registry([service('details', 'shop', 'web, .')]);
    const fqdn = 'details.shop.svc.cluster.local';
    expect(hosts.resolve('web', [], fqdn)).toBeDefined();
    expect(hosts.resolve('shop', [], fqdn)).toBeDefined();
    expect(hosts.resolve('batch', [], fqdn)).toBeUndefined();
  });

  it('keeps a ServiceEntry exported to "." inside its namespace', () => {
    const hosts = registry([
      serviceEntry('private', 'vendor', ['api.vendor.com'], ['.']),
    ]);
    expect(hosts.resolve('vendor', [], 'api.vendor.com')).toBeDefined();
    expect(hosts.resolve('shop', [], 'api.vendor.com')).toBeUndefined();
  });

  it('lets a ServiceEntry exported to a named namespace be seen there', () => {
    const hosts = registry([
      serviceEntry('shared', 'vendor', ['pay.vendor.com'], ['shop']),
    ]);
    expect(hosts.resolve('shop', [], 'pay.vendor.com')).toBeDefined();
    expect(hosts.resolve('web', [], 'pay.vendor.com')).toBeUndefined();
  });

  it('resolves in the namespaces the referring resource is exported to', () => {
    const hosts = registry([service('hello', 'hello', 'hello,team')]);
    const fqdn = 'hello.hello.svc.cluster.local';
    expect(hosts.resolve('hello', ['team'], fqdn)).toBeDefined();
    expect(hosts.resolve('hello', ['.'], fqdn)).toBeDefined();
    expect(hosts.resolve('hello', ['elsewhere'], fqdn)).toBeUndefined();
  });

  it('matches names under a visible wildcard ServiceEntry', () => {
    const hosts = registry([
      serviceEntry('eu', 'default', ['*.eu.example.com']),
      serviceEntry('hidden', 'private', ['*'], ['.']),
    ]);
    expect(hosts.resolve('default', [], 'shop.eu.example.com')).toBeDefined();
    expect(hosts.resolve('default', [], '*.eu.example.com')).toBeDefined();
    // The "*" entry is exported to its own namespace only.
    expect(hosts.resolve('default', [], 'shop.us.example.com')).toBeUndefined();
    expect(hosts.resolve('private', [], 'shop.us.example.com')).toBeDefined();
  });

  it('lists the visible hosts a wildcard covers', () => {
    const hosts = registry([service('a', 'one'), service('b', 'two', '.')]);
    expect(hosts.overlapping('one', '*.local').map(h => h.host)).toEqual([
      'a.one.svc.cluster.local',
    ]);
  });
});
