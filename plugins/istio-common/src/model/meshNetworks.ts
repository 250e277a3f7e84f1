import { parse as parseYaml } from 'yaml';

/**
 * One network of Istio's MeshNetworks: where its endpoints come from and
 * the gateways that reach it.
 * @public
 */
export interface MeshNetwork {
  /** Each entry names a service registry (`fromRegistry`) or a CIDR (`fromCidr`). */
  endpoints: Array<{ fromRegistry?: string; fromCidr?: string }>;
  gateways: Array<{
    registryServiceName?: string;
    address?: string;
    port?: number;
  }>;
}

/**
 * Istio's MeshNetworks (the `meshNetworks` key of the `istio` ConfigMap,
 * or `--mesh-networks`): the networks of a multi-network mesh, by name.
 * @public
 */
export interface MeshNetworks {
  networks: Record<string, MeshNetwork>;
}

function asRecord(value: unknown): Record<string, any> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, any>)
    : {};
}

function records(value: unknown): Record<string, any>[] {
  return Array.isArray(value) ? value.map(asRecord) : [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads a MeshNetworks document (as parsed from YAML). Fields of the wrong
 * type are left out; Istio's snake_case gateway field is accepted too.
 * @public
 */
export function meshNetworksFrom(doc: unknown): MeshNetworks {
  const networks: Record<string, MeshNetwork> = {};
  for (const [name, value] of Object.entries(
    asRecord(asRecord(doc).networks),
  )) {
    const network = asRecord(value);
    networks[name] = {
      endpoints: records(network.endpoints).map(e => ({
        fromRegistry: optionalString(e.fromRegistry),
        fromCidr: optionalString(e.fromCidr),
      })),
      gateways: records(network.gateways).map(g => ({
        registryServiceName: optionalString(
          g.registryServiceName ?? g.registry_service_name,
        ),
        address: optionalString(g.address),
        port: typeof g.port === 'number' ? g.port : undefined,
      })),
    };
  }
  return { networks };
}

/**
 * Parses MeshNetworks YAML text. Throws an Error with the parser's message
 * on bad YAML.
 * @public
 */
export function parseMeshNetworks(text: string): MeshNetworks {
  return meshNetworksFrom(parseYaml(text, { maxAliasCount: 100 }));
}
