import { parse as parseYaml } from 'yaml';

/**
 * The parts of Istio's MeshConfig (and the injector's values) that decide
 * what the engine reports.
 * @public
 */
export interface MeshConfig {
  /** Namespace whose selector-less PeerAuthentications and DestinationRules are mesh-wide. */
  rootNamespace: string;
  /** When true (Istio's default), clients without a DestinationRule TLS setting send mTLS to sidecar pods. */
  enableAutoMtls: boolean;
  /** Name of the ingress gateway Service, in the Istio namespace. */
  ingressService: string;
  /** Label value of `istio=` that selects the ingress gateway pods. */
  ingressSelector: string;
  /** `OFF` disables the default ingress controller. */
  ingressControllerMode?: string;
  /** `defaultConfig.image.imageType` (`distroless`, ...): the proxy image variant. */
  proxyImageType?: string;
  /**
   * `defaultConfig.proxyMetadata`: environment every proxy gets, such as the
   * DNS capture and address auto-allocation switches.
   */
  proxyMetadata?: Record<string, string>;
  /**
   * `extensionProviders` as the mesh config declares them: each name with its
   * provider type (`lightstep`, `envoyFileAccessLog`...). Istio's built-in
   * `prometheus`, `stackdriver` and `envoy` are not listed.
   */
  extensionProviders?: Array<{ name: string; type: string }>;
  /** `defaultProviders.accessLogging`: providers used when a Telemetry names none. */
  defaultAccessLogging?: string[];
}

/**
 * Injector settings from the `istio-sidecar-injector` ConfigMap.
 * @public
 */
export interface InjectorConfig {
  /**
   * The injector's `policy` as written: `enabled` (the chart's default)
   * injects selected pods unless they opt out, `disabled` only those that opt
   * in; any other value, or none, makes the injector inject nothing.
   */
  policy: string;
  /** Inject into every non-system namespace without labels. */
  enableNamespacesByDefault: boolean;
  neverInjectSelector: InjectorSelector[];
  alwaysInjectSelector: InjectorSelector[];
}

/**
 * A never/always inject selector: a Kubernetes label selector as written.
 * @public
 */
export interface InjectorSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key?: string; operator?: string; values?: string[] }>;
}

/** Istio's defaults for a mesh without configuration. @public */
export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze({
  rootNamespace: 'istio-system',
  enableAutoMtls: true,
  ingressService: 'istio-ingressgateway',
  ingressSelector: 'ingressgateway',
});

/** @public */
export const DEFAULT_INJECTOR_CONFIG: InjectorConfig = Object.freeze({
  policy: 'enabled' as const,
  enableNamespacesByDefault: false,
  neverInjectSelector: [],
  alwaysInjectSelector: [],
});

function asRecord(value: unknown): Record<string, any> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, any>)
    : {};
}

/**
 * Merges a MeshConfig document (as parsed from YAML) over Istio's defaults.
 * Unknown fields are ignored; wrongly typed ones keep the default.
 * @public
 */
export function meshConfigFrom(doc: unknown): MeshConfig {
  const raw = asRecord(doc);
  const pick = <T>(key: string, type: string, fallback: T): T =>
    typeof raw[key] === type ? (raw[key] as T) : fallback;
  return {
    rootNamespace: pick('rootNamespace', 'string', DEFAULT_MESH_CONFIG.rootNamespace),
    enableAutoMtls: pick('enableAutoMtls', 'boolean', DEFAULT_MESH_CONFIG.enableAutoMtls),
    ingressService: pick('ingressService', 'string', DEFAULT_MESH_CONFIG.ingressService),
    ingressSelector: pick('ingressSelector', 'string', DEFAULT_MESH_CONFIG.ingressSelector),
    ingressControllerMode:
      typeof raw.ingressControllerMode === 'string'
        ? raw.ingressControllerMode.toUpperCase()
        : undefined,
    proxyMetadata: stringValues(asRecord(raw.defaultConfig).proxyMetadata),
    proxyImageType: optionalString(
      asRecord(asRecord(raw.defaultConfig).image).imageType,
    ),
    extensionProviders: extensionProvidersFrom(raw.extensionProviders),
    defaultAccessLogging: stringList(asRecord(raw.defaultProviders).accessLogging),
  };
}

/** The strings of a list; anything else reads as empty. */
function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** Name and type (the one key besides `name`) of each extension provider. */
function extensionProvidersFrom(value: unknown): Array<{ name: string; type: string }> {
  if (!Array.isArray(value)) return [];
  return value.flatMap(entry => {
    const provider = asRecord(entry);
    const type = Object.keys(provider).find(k => k !== 'name');
    return typeof provider.name === 'string' && type
      ? [{ name: provider.name, type }]
      : [];
  });
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** String entries of a map; others (wrong type) are left out. */
function stringValues(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(asRecord(value))) {
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}

/**
 * Parses MeshConfig YAML text (a `--mesh-config` file, or the `mesh` key of
 * the `istio` ConfigMap). Throws an Error with the parser's message on bad YAML.
 * @public
 */
export function parseMeshConfig(text: string): MeshConfig {
  return meshConfigFrom(parseYaml(text, { maxAliasCount: 100 }));
}

/**
 * Reads the injector's `config` and `values` keys of the
 * `istio-sidecar-injector` ConfigMap.
 * @public
 */
export function injectorConfigFrom(data: Record<string, string> | undefined): InjectorConfig {
  if (!data) return DEFAULT_INJECTOR_CONFIG;
  let config: Record<string, any> = {};
  let values: Record<string, any> = {};
  try {
    // The `config` key embeds a Go template after `template:`; only the
    // leading scalar settings are needed, so parse up to that key.
    const head = (data.config ?? '').split(/^template:/m)[0];
    config = asRecord(parseYaml(head, { maxAliasCount: 100 }));
  } catch {
    config = {};
  }
  try {
    values = asRecord(parseYaml(data.values ?? '{}', { maxAliasCount: 100 }));
  } catch {
    values = {};
  }
  const webhook = asRecord(values.sidecarInjectorWebhook);
  const selectors = (v: unknown) => (Array.isArray(v) ? v.map(asRecord) : []);
  return {
    // Not validated by the injector: an unknown or missing value disables it.
    policy: typeof config.policy === 'string' ? config.policy : '',
    enableNamespacesByDefault: webhook.enableNamespacesByDefault === true,
    neverInjectSelector: selectors(config.neverInjectSelector),
    alwaysInjectSelector: selectors(config.alwaysInjectSelector),
  };
}
