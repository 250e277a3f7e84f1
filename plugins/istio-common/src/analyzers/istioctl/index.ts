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
import { annotationAnalyzer } from './annotationAnalyzer';
import { applicationUidAnalyzer } from './applicationUidAnalyzer';
import { conditionAnalyzer } from './conditionAnalyzer';
import { deprecationAnalyzer } from './deprecationAnalyzer';
import { externalControlPlaneAnalyzer } from './externalControlPlaneAnalyzer';
import {
  injectionImageAnalyzer,
  injectionImageAutoAnalyzer,
} from './injectionImageAnalyzers';
import { meshNetworksAnalyzer } from './meshNetworksAnalyzer';
import { webhookAnalyzer } from './webhookAnalyzer';
import { blockedCidrsAnalyzer } from './blockedCidrsAnalyzer';
import { envoyPatchAnalyzer } from './envoyFilterAnalyzer';
import {
  certificateAnalyzer,
  secretAnalyzer,
} from './gatewayCredentialAnalyzers';
import {
  crdVersionAnalyzer,
  k8sGatewaySelectorAnalyzer,
} from './k8sGatewayAnalyzers';
import {
  telemetryDefaultSelectorAnalyzer,
  telemetryLightstepAnalyzer,
  telemetryProviderAnalyzer,
  telemetrySelectorAnalyzer,
} from './telemetryAnalyzers';
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
  annotationAnalyzer,
  deprecationAnalyzer,
  conditionAnalyzer,
  applicationUidAnalyzer,
  webhookAnalyzer,
  externalControlPlaneAnalyzer,
  injectionImageAnalyzer,
  injectionImageAutoAnalyzer,
  meshNetworksAnalyzer,
  envoyPatchAnalyzer,
  certificateAnalyzer,
  secretAnalyzer,
  k8sGatewaySelectorAnalyzer,
  crdVersionAnalyzer,
  blockedCidrsAnalyzer,
  telemetryProviderAnalyzer,
  telemetrySelectorAnalyzer,
  telemetryDefaultSelectorAnalyzer,
  telemetryLightstepAnalyzer,
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
