import { Analyzer } from '../../analysis/types';
import { Finding } from '../../model/findings';
import { definitionsFor, report } from './messages';
import { list } from './specFields';

/** istiod's setting that keeps JWKS fetches away from internal networks. */
const BLOCKED_CIDRS_ENV = 'BLOCKED_CIDRS_IN_JWKS_URIS';

const defs = definitionsFor('authn.BlockedCIDRsAnalyzer', ['IST0175']);

/** The first five names, then how many more. */
function nameList(names: string[]): string {
  return names.length <= 5
    ? names.join(', ')
    : `${names.slice(0, 5).join(', ')}, and ${names.length - 5} more`;
}

/**
 * `authn.BlockedCIDRsAnalyzer`: RequestAuthentications exist but an istiod
 * Deployment (label `app: istiod`) has no non-empty
 * `BLOCKED_CIDRS_IN_JWKS_URIS`, so istiod fetches any `jwksUri` it is
 * given, internal addresses included.
 * @public
 */
export const blockedCidrsAnalyzer: Analyzer = {
  name: 'authn.BlockedCIDRsAnalyzer',
  definitions: defs,
  inputs: ['RequestAuthentication', 'Deployment'],
  analyze({ snapshot }) {
    const policies = snapshot
      .all('RequestAuthentication')
      .map(r => `${r.namespace}/${r.name}`);
    if (policies.length === 0) return [];
    const findings: Finding[] = [];
    for (const deployment of snapshot.all('Deployment')) {
      if (deployment.labels.app !== 'istiod') continue;
      const containers = list(deployment.spec?.template?.spec?.containers);
      const configured = containers.some(c =>
        list(c?.env).some(
          e =>
            e?.name === BLOCKED_CIDRS_ENV &&
            typeof e.value === 'string' &&
            e.value !== '',
        ),
      );
      if (configured) continue;
      findings.push(
        report(
          defs,
          'IST0175',
          deployment,
          `${policies.length} RequestAuthentication(s) (${nameList(
            policies,
          )}) make istiod fetch JWKS from their jwksUri, but Deployment ${
            deployment.namespace
          }/${
            deployment.name
          } does not set ${BLOCKED_CIDRS_ENV}, so nothing stops a jwksUri pointing at internal addresses.`,
          [
            `Set ${BLOCKED_CIDRS_ENV} on istiod to the networks it must not fetch from, for example with istioctl install:`,
            'spec:',
            '  values:',
            '    pilot:',
            '      env:',
            `        ${BLOCKED_CIDRS_ENV}: "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16"`,
          ].join('\n'),
        ),
      );
    }
    return findings;
  },
};
