/**
 * Kubernetes' default cluster domain. Services are `<svc>.<ns>.svc.<domain>`;
 * Istio takes the domain from istiod's `--domain` flag (DomainSuffix).
 * @public
 */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

// A DNS subdomain (RFC 1123): lowercase labels of letters, digits and '-'.
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/**
 * Why a cluster domain is unusable, or undefined when it is fine.
 * @public
 */
export function clusterDomainProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !DNS_SUBDOMAIN.test(value)) {
    return 'must be a DNS name such as cluster.local (lowercase letters, digits, "-" and ".")';
  }
  return undefined;
}
