import { Analyzer } from '../../analysis/types';
import { authorizationPoliciesAnalyzer } from './authorizationPolicyAnalyzer';
import {
  caCertificateAnalyzer,
  podNotSelectedAnalyzer,
} from './destinationRuleAnalyzers';
import {
  conflictingGatewayAnalyzer,
  ingressGatewayPortAnalyzer,
} from './gatewayAnalyzers';
import { injectionAnalyzer } from './injectionAnalyzer';
import {
  portNameAnalyzer,
  serviceAssociationAnalyzer,
} from './serviceAnalyzers';
import { jwtClaimRouteAnalyzer } from './jwtClaimRouteAnalyzer';
import {
  conflictingServiceEntryProtocolAnalyzer,
  protocolAddressesAnalyzer,
} from './serviceEntryAnalyzers';
import { sidecarSelectorAnalyzer } from './sidecarAnalyzer';
import { virtualServiceValidationAnalyzer } from './virtualServiceValidation';
import {
  conflictingMeshGatewayHostsAnalyzer,
  destinationHostAnalyzer,
  destinationRuleAnalyzer,
  virtualServiceGatewayAnalyzer,
} from './virtualServiceAnalyzers';

/**
 * The istioctl analyze compatible analyzers, named and coded as upstream.
 * @public
 */
export const istioctlAnalyzers: Analyzer[] = [
  injectionAnalyzer,
  destinationHostAnalyzer,
  destinationRuleAnalyzer,
  virtualServiceGatewayAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  caCertificateAnalyzer,
  podNotSelectedAnalyzer,
  ingressGatewayPortAnalyzer,
  conflictingGatewayAnalyzer,
  portNameAnalyzer,
  serviceAssociationAnalyzer,
  sidecarSelectorAnalyzer,
  authorizationPoliciesAnalyzer,
  jwtClaimRouteAnalyzer,
  protocolAddressesAnalyzer,
  conflictingServiceEntryProtocolAnalyzer,
  virtualServiceValidationAnalyzer,
];

export {
  hostsOverlap,
  isWildcardHost,
  gatewayHostsFor,
  exportScopes,
} from './hostNames';
export { ServiceHostRegistry } from './serviceHosts';
export type { ServiceHost } from './serviceHosts';
