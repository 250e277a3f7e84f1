import { Analyzer } from '../../analysis/types';
import { mtlsConflictAnalyzer } from './mtlsConflicts';
import { trafficPatternAnalyzer } from './trafficPatterns';
import { proxyHealthAnalyzer } from './proxyHealth';
import { proxyRevisionAnalyzer } from './proxyRevision';
import { rootCertificateAnalyzer } from './rootCertificate';

export {
  MTLS_CONFLICT_ANALYZER,
  MTLS_CONFLICT_DEFINITIONS,
  TRAFFIC_PATTERN_ANALYZER,
  TRAFFIC_PATTERN_DEFINITIONS,
  PROXY_HEALTH_ANALYZER,
  PROXY_REVISION_ANALYZER,
  PROXY_DEFINITIONS,
  ROOT_CERTIFICATE_ANALYZER,
  ROOT_CERTIFICATE_DEFINITIONS,
  MTLS_BREAKING_HEALTH_CODES,
  isMeshWideFinding,
} from './definitions';
export { mtlsConflictAnalyzer } from './mtlsConflicts';
export { trafficPatternAnalyzer, parseDuration } from './trafficPatterns';
export { proxyHealthAnalyzer } from './proxyHealth';
export { proxyRevisionAnalyzer } from './proxyRevision';
export {
  rootCertificateAnalyzer,
  nextRootCertificateChange,
  ROOT_CERTIFICATE_WARNING_DAYS,
} from './rootCertificate';

/**
 * This project's own analyzers (MESH codes): the checks Istio no longer makes.
 * @public
 */
export const meshAnalyzers: Analyzer[] = [
  mtlsConflictAnalyzer,
  trafficPatternAnalyzer,
  proxyHealthAnalyzer,
  proxyRevisionAnalyzer,
  rootCertificateAnalyzer,
];
