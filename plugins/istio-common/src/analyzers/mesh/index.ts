import { Analyzer } from '../../analysis/types';
import { mtlsConflictAnalyzer } from './mtlsConflicts';
import { trafficPatternAnalyzer } from './trafficPatterns';

export {
  MTLS_CONFLICT_ANALYZER,
  MTLS_CONFLICT_DEFINITIONS,
  TRAFFIC_PATTERN_ANALYZER,
  TRAFFIC_PATTERN_DEFINITIONS,
} from './definitions';
export { mtlsConflictAnalyzer } from './mtlsConflicts';
export { trafficPatternAnalyzer, parseDuration } from './trafficPatterns';

/**
 * This project's own analyzers (MESH codes): the checks Istio no longer makes.
 * @public
 */
export const meshAnalyzers: Analyzer[] = [
  mtlsConflictAnalyzer,
  trafficPatternAnalyzer,
];
