import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { MeshResource, ResourceKind } from '../../model/resources';
import { resourceName } from '../../model/snapshot';
import { definitionsFor, report } from './messages';
import { list } from './specFields';

const NAME = 'conditions.ConditionAnalyzer';
const defs = definitionsFor(NAME, ['IST0171']);

const ROUTE_CONDITIONS = ['Accepted', 'Programmed', 'ResolvedRefs'];

/**
 * The condition types that are bad news when `False`, per kind. Conditions
 * of other types (a GitOps tool's, say) are not Istio's to judge.
 */
const NEGATIVE_WHEN_FALSE: ReadonlyArray<[ResourceKind, string[]]> = [
  ['Service', ['istio.io/WaypointBound']],
  ['ServiceEntry', ['istio.io/WaypointBound']],
  ['WorkloadEntry', ['istio.io/WaypointBound']],
  ['AuthorizationPolicy', ['ZtunnelAccepted', 'WaypointAccepted']],
  ['KubernetesGateway', ROUTE_CONDITIONS],
  ['HTTPRoute', ROUTE_CONDITIONS],
  ['GRPCRoute', ROUTE_CONDITIONS],
];

/** Kinds kubectl would confuse with another of the same name. */
const KUBECTL_NAMES: Partial<Record<ResourceKind, string>> = {
  KubernetesGateway: 'gateways.gateway.networking.k8s.io',
  ServiceEntry: 'serviceentries.networking.istio.io',
};

interface Condition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  message?: unknown;
}

/** Routes keep their conditions per parent; the others at the top of status. */
function conditionsOf(resource: MeshResource): Condition[] {
  const status = resource.status;
  if (!status || typeof status !== 'object') return [];
  if (resource.kind === 'HTTPRoute' || resource.kind === 'GRPCRoute') {
    return list(status.parents).flatMap(p => list<Condition>(p?.conditions));
  }
  return list<Condition>(status.conditions);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * `conditions.ConditionAnalyzer`: status conditions by which Istio or the
 * Gateway API controller says a resource is not working (not accepted,
 * programmed, bound to its waypoint...).
 * @public
 */
export const conditionAnalyzer: Analyzer = {
  name: NAME,
  definitions: defs,
  inputs: NEGATIVE_WHEN_FALSE.map(([kind]) => kind),
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    for (const [kind, negative] of NEGATIVE_WHEN_FALSE) {
      for (const resource of snapshot.all(kind)) {
        for (const condition of conditionsOf(resource)) {
          const type = text(condition?.type);
          const reason = text(condition?.reason);
          // A waypoint that took only part of a policy still says True.
          const partial =
            kind === 'AuthorizationPolicy' &&
            type === 'WaypointAccepted' &&
            reason === 'PartiallyInvalid';
          const negativeStatus =
            negative.includes(type) && String(condition?.status) === 'False';
          if (!negativeStatus && !partial) continue;
          const message = text(condition?.message);
          findings.push(
            report(
              defs,
              'IST0171',
              resource,
              `${resourceName(resource)} reports condition ${type}=${String(
                condition?.status,
              )}${reason ? ` (${reason})` : ''}${
                message ? `: ${message}` : ''
              }.`,
              `Fix what the condition names${
                reason ? ` (${reason})` : ''
              }, then check again: kubectl get ${
                KUBECTL_NAMES[kind] ?? kind.toLowerCase()
              } ${resource.name} -n ${
                resource.namespace
              } -o yaml   # status.conditions`,
            ),
          );
        }
      }
    }
    return findings;
  },
};
