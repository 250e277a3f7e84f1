import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshSnapshot, selectorMatches } from '../../model/snapshot';
import { definitionsFor, kubectlNamespace, report } from './messages';
import {
  WorkloadIndex,
  WorkloadInstance,
  hasSidecar,
  isCapturedByAmbient,
} from './workloadInstances';
import { list, labelMap, selectorString } from './specFields';

/**
 * Whether a namespace name matches an AuthorizationPolicy `namespaces`
 * value: `*`, a `*suffix` or `prefix*` pattern, or the exact name.
 * @public
 */
export function namespacePatternMatches(pattern: string, namespace: string) {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return namespace.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return namespace.startsWith(pattern.slice(0, -1));
  return pattern.toLowerCase() === namespace.toLowerCase();
}

/**
 * Namespaces known to exist: Namespace objects, and namespaces that other
 * objects explicitly live in (manifests often leave Namespace objects out).
 */
function existingNamespaces(snapshot: MeshSnapshot): string[] {
  const names = new Set(snapshot.all('Namespace').map(n => n.name));
  for (const name of snapshot.namespaceNames()) names.add(name);
  return [...names];
}

const defs = definitionsFor('authz.AuthorizationPoliciesAnalyzer', [
  'IST0101',
  'IST0127',
]);

/**
 * `authz.AuthorizationPoliciesAnalyzer`: AuthorizationPolicies that select
 * no workload in the mesh, and source namespaces that match no namespace.
 * @public
 */
export const authorizationPoliciesAnalyzer: Analyzer = {
  name: 'authz.AuthorizationPoliciesAnalyzer',
  definitions: defs,
  analyze({ snapshot }) {
    const workloads = new WorkloadIndex(snapshot);
    // Only workloads with a proxy (sidecar or ztunnel) enforce policies.
    const enforcing = new Map<string, WorkloadInstance[]>();
    for (const instance of workloads.all) {
      if (
        !hasSidecar(instance, snapshot) &&
        !isCapturedByAmbient(instance, snapshot)
      ) {
        continue;
      }
      const local = enforcing.get(instance.namespace);
      if (local) local.push(instance);
      else enforcing.set(instance.namespace, [instance]);
    }
    const allEnforcing = [...enforcing.values()].flat();
    const namespaces = existingNamespaces(snapshot);
    const root = snapshot.meshConfig.rootNamespace;
    const findings: Finding[] = [];

    for (const policy of snapshot.all('AuthorizationPolicy')) {
      const where = `${policy.namespace}/${policy.name}`;
      // Policies attached with targetRef(s) apply to gateways and services.
      const targeted =
        Boolean(policy.spec.targetRef) ||
        list(policy.spec.targetRefs).length > 0;
      const hasSelector =
        policy.spec.selector !== undefined && policy.spec.selector !== null;
      const selector = labelMap(policy.spec.selector?.matchLabels);
      const shown = selectorString(selector);
      if (!targeted) {
        let selects = true;
        if (policy.namespace === root) {
          if (hasSelector) {
            selects = allEnforcing.some(i =>
              selectorMatches(selector, i.labels),
            );
          }
        } else {
          const local = enforcing.get(policy.namespace) ?? [];
          selects = hasSelector
            ? local.some(i => selectorMatches(selector, i.labels))
            : local.length > 0;
        }
        if (!selects) {
          findings.push(
            report(
              defs,
              'IST0127',
              policy,
              hasSelector
                ? `AuthorizationPolicy ${where} selects workloads with "${shown}", but no workload with a proxy ${
                    policy.namespace === root
                      ? 'in the mesh'
                      : `in namespace ${policy.namespace}`
                  } has these labels, so it enforces nothing.`
                : `AuthorizationPolicy ${where} applies to namespace ${policy.namespace}, which has no workload with a proxy, so it enforces nothing.`,
              `Check the labels of the workloads it should protect, and that they are injected:\nkubectl get pods${
                policy.namespace === root ? ' -A' : kubectlNamespace(policy)
              } ${shown ? `-l ${shown} ` : ''}--show-labels`,
            ),
          );
        }
      }

      for (const rule of list(policy.spec.rules)) {
        for (const from of list(rule?.from)) {
          const source = from?.source ?? {};
          for (const field of ['namespaces', 'notNamespaces'] as const) {
            for (const pattern of list(source[field])) {
              if (typeof pattern !== 'string') continue;
              if (namespaces.some(ns => namespacePatternMatches(pattern, ns)))
                continue;
              findings.push(
                report(
                  defs,
                  'IST0101',
                  policy,
                  `AuthorizationPolicy ${where} names source namespace "${pattern}" in ${field}, but no namespace matches it.`,
                  `Fix the namespace name in rules[].from[].source.${field}, or create the namespace:\nkubectl get namespaces`,
                ),
              );
            }
          }
        }
      }
    }
    return findings;
  },
};
