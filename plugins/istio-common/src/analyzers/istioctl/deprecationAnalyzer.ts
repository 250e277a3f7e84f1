import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { HttpRoute } from '../../model/resources';
import { definitionsFor, kubectlNamespace, report } from './messages';
import { list } from './specFields';

const NAME = 'deprecation.FieldAnalyzer';
const defs = definitionsFor(NAME, ['IST0002']);

/** Istio custom resource types whose definitions Istio no longer ships. */
const REMOVED_TYPES = [
  'ClusterRbacConfig',
  'RbacConfig',
  'ServiceRole',
  'ServiceRoleBinding',
].map(kind => ({ group: 'rbac.istio.io', kind }));

/**
 * `deprecation.FieldAnalyzer`: deprecated fields of VirtualServices and
 * Sidecars, and definitions of Istio resource types that were removed.
 * @public
 */
export const deprecationAnalyzer: Analyzer = {
  name: NAME,
  definitions: defs,
  inputs: ['VirtualService', 'Sidecar', 'CustomResourceDefinition'],
  analyze({ snapshot }) {
    const findings: Finding[] = [];
    for (const vs of snapshot.all('VirtualService')) {
      for (const route of list<HttpRoute>(vs.spec?.http)) {
        const percent = route?.fault?.delay?.percent;
        if (typeof percent === 'number' && percent > 0) {
          findings.push(
            report(
              defs,
              'IST0002',
              vs,
              `VirtualService ${vs.namespace}/${vs.name} sets fault.delay.percent, which Istio deprecated for fault.delay.percentage.`,
              `Replace \`percent: ${percent}\` with \`percentage: {value: ${percent}}\` under http[].fault.delay (kubectl edit virtualservice ${
                vs.name
              }${kubectlNamespace(vs)}).`,
            ),
          );
        }
      }
    }
    for (const sidecar of snapshot.all('Sidecar')) {
      const egressProxy = sidecar.spec?.outboundTrafficPolicy?.egressProxy;
      if (egressProxy !== undefined && egressProxy !== null) {
        findings.push(
          report(
            defs,
            'IST0002',
            sidecar,
            `Sidecar ${sidecar.namespace}/${sidecar.name} sets outboundTrafficPolicy.egressProxy, which Istio ignores.`,
            'Remove outboundTrafficPolicy.egressProxy; route outbound traffic to an egress gateway with a VirtualService instead.',
          ),
        );
      }
    }
    for (const crd of snapshot.all('CustomResourceDefinition')) {
      const group = crd.spec?.group;
      const kind = crd.spec?.names?.kind;
      const removed = REMOVED_TYPES.find(
        t => t.group === group && t.kind === kind,
      );
      if (removed) {
        findings.push(
          report(
            defs,
            'IST0002',
            crd,
            `CustomResourceDefinition ${crd.name} defines ${group} ${kind}, a resource type Istio has removed; its objects do nothing.`,
            `Migrate its objects to AuthorizationPolicy, then delete the definition: kubectl delete customresourcedefinition ${crd.name}`,
          ),
        );
      }
    }
    return findings;
  },
};
