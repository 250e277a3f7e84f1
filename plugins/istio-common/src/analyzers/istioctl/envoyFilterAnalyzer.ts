import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource } from '../../model/resources';
import {
  IstioMessageCode,
  definitionsFor,
  kubectlNamespace,
  report,
} from './messages';
import { list } from './specFields';

const defs = definitionsFor('envoyfilter.EnvoyPatchAnalyzer', [
  'IST0151',
  'IST0152',
  'IST0153',
  'IST0154',
  'IST0155',
]);

/** Where ADD and REMOVE do nothing: Envoy's route tables are rebuilt whole. */
const ROUTE_TARGETS = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
/** What REPLACE can replace. */
const REPLACEABLE = new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'VIRTUAL_HOST']);
/** Operations whose result depends on what other EnvoyFilters did first. */
const RELATIVE = new Set(['INSERT_BEFORE', 'INSERT_AFTER']);

function isObject(value: unknown): value is Record<string, any> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The name a patch is about, to tell patches of the same filter apart: the
 * patch value's `name`, else the listener filter it matches. JSON keeps a
 * name's type, as upstream compares protobuf values.
 */
function patchedName(configPatch: Record<string, any>): string {
  const value = configPatch.patch?.value;
  if (!isObject(value)) return '';
  if (value.name !== undefined && value.name !== null) {
    return JSON.stringify(value.name);
  }
  const filterName = configPatch.match?.listener?.filterChain?.filter?.name;
  return typeof filterName === 'string' ? JSON.stringify(filterName) : '';
}

const REMEDIATION: Record<string, (filter: MeshResource) => string> = {
  IST0151: filter =>
    `Set spec.priority, or use INSERT_FIRST or ADD, so the patch does not depend on the order of other EnvoyFilters:\nkubectl edit envoyfilter ${
      filter.name
    }${kubectlNamespace(filter)}`,
  IST0152: filter =>
    `Use REPLACE only with applyTo HTTP_FILTER, NETWORK_FILTER or VIRTUAL_HOST; use MERGE for other objects:\nkubectl edit envoyfilter ${
      filter.name
    }${kubectlNamespace(filter)}`,
  IST0153: filter =>
    `Patch routes with MERGE (applyTo HTTP_ROUTE or ROUTE_CONFIGURATION), or add them through a VirtualService:\nkubectl edit envoyfilter ${
      filter.name
    }${kubectlNamespace(filter)}`,
  IST0154: filter =>
    `Remove routes through the VirtualService that creates them, not an EnvoyFilter:\nkubectl edit envoyfilter ${
      filter.name
    }${kubectlNamespace(filter)}`,
  IST0155: filter =>
    `Set spec.priority, or use INSERT_FIRST or ADD; the patches of one filter with and without proxyVersion then apply in a fixed order during upgrades:\nkubectl edit envoyfilter ${
      filter.name
    }${kubectlNamespace(filter)}`,
};

function message(
  code: IstioMessageCode,
  filter: MeshResource,
  index: number,
  applyTo: string,
  operation: string,
): string {
  const where = `EnvoyFilter ${filter.namespace}/${filter.name} configPatches[${index}]`;
  switch (code) {
    case 'IST0152':
      return `${where} uses REPLACE with applyTo ${applyTo}; REPLACE only works on HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST, so the patch is not applied.`;
    case 'IST0153':
      return `${where} uses ADD with applyTo ${applyTo}; Istio ignores ADD for routes, so the patch is not applied.`;
    case 'IST0154':
      return `${where} uses REMOVE with applyTo ${applyTo}; Istio ignores REMOVE for routes, so the patch is not applied.`;
    case 'IST0155':
      return `${where} uses the relative operation ${operation} without a priority, and an earlier patch of the same filter is limited by proxyVersion; during an upgrade the patches may apply in another order or not at all.`;
    default:
      return `${where} uses the relative operation ${operation} without a priority; whether it applies depends on the order of the other EnvoyFilters.`;
  }
}

/**
 * `envoyfilter.EnvoyPatchAnalyzer`: patch operations Istio ignores for
 * their target (ADD or REMOVE on routes, REPLACE outside filters and
 * virtual hosts), and relative operations (INSERT_BEFORE, INSERT_AFTER,
 * REPLACE, REMOVE) without a priority, worded more strongly when an earlier
 * patch of the same filter name is limited by proxyVersion. Names limited
 * by proxyVersion carry over from one EnvoyFilter to the next, as upstream.
 * @public
 */
export const envoyPatchAnalyzer: Analyzer = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  definitions: defs,
  inputs: ['EnvoyFilter'],
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    const versionedNames: string[] = [];
    for (const filter of snapshot.all('EnvoyFilter')) {
      const priority = Number(filter.spec.priority ?? 0) || 0;
      // istioctl prints repeated messages once: one finding per code and filter.
      const reported = new Set<IstioMessageCode>();
      const emit = (
        code: IstioMessageCode,
        index: number,
        applyTo: string,
        operation: string,
      ) => {
        if (reported.has(code)) return;
        reported.add(code);
        findings.push(
          report(
            defs,
            code,
            filter,
            message(code, filter, index, applyTo, operation),
            REMEDIATION[code](filter),
          ),
        );
      };
      const relative = (
        index: number,
        applyTo: string,
        operation: string,
        name: string,
      ) => {
        if (priority !== 0) return;
        emit(
          versionedNames.includes(name) ? 'IST0155' : 'IST0151',
          index,
          applyTo,
          operation,
        );
      };

      const patches = list(filter.spec.configPatches);
      for (let index = 0; index < patches.length; index++) {
        const configPatch = isObject(patches[index]) ? patches[index] : {};
        // Upstream stops at the first entry without a patch.
        if (!isObject(configPatch.patch)) break;
        const name = patchedName(configPatch);
        const operation = String(configPatch.patch.operation ?? '');
        const applyTo = String(configPatch.applyTo ?? '');
        if (operation === 'ADD') {
          if (ROUTE_TARGETS.has(applyTo))
            emit('IST0153', index, applyTo, operation);
        } else if (operation === 'REMOVE') {
          if (ROUTE_TARGETS.has(applyTo))
            emit('IST0154', index, applyTo, operation);
          else relative(index, applyTo, operation, name);
        } else if (operation === 'REPLACE') {
          if (!REPLACEABLE.has(applyTo))
            emit('IST0152', index, applyTo, operation);
          else relative(index, applyTo, operation, name);
        } else if (RELATIVE.has(operation)) {
          relative(index, applyTo, operation, name);
        }
        const proxyVersion = configPatch.match?.proxy?.proxyVersion;
        if (typeof proxyVersion === 'string' && proxyVersion !== '') {
          versionedNames.push(name);
        }
      }
    }
    return findings;
  },
};
