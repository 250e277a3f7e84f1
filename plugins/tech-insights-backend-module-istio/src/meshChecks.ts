import { ISTIO_MESH_FACTS_RETRIEVER_ID } from './istioMeshFactRetriever';

/**
 * A check of `@backstage-community/plugin-tech-insights-backend-module-jsonfc`
 * as written under `techInsights.factChecker.checks.<id>`.
 * @public
 */
export type IstioMeshCheckConfig = {
  type: 'json-rules-engine';
  name: string;
  description: string;
  factIds: string[];
  rule: {
    conditions: {
      all: Array<{
        fact: string;
        operator: string;
        value: string | number | boolean;
      }>;
    };
  };
};

function check(
  name: string,
  description: string,
  fact: string,
  value: string | number | boolean,
): IstioMeshCheckConfig {
  return {
    type: 'json-rules-engine',
    name,
    description,
    factIds: [ISTIO_MESH_FACTS_RETRIEVER_ID],
    rule: { conditions: { all: [{ fact, operator: 'equal', value }] } },
  };
}

/**
 * Example scorecard checks over the `istio-mesh-facts` facts, keyed by check
 * id, in the shape of `techInsights.factChecker.checks` (the same checks are
 * in docs/tech-insights.md and the README, and a test keeps them equal).
 * @public
 */
export const ISTIO_MESH_CHECKS: Record<string, IstioMeshCheckConfig> = {
  'istio-in-mesh': check(
    'In the mesh',
    'Every workload of the service runs with an Istio sidecar or in ambient mode.',
    'meshEnrolled',
    true,
  ),
  'istio-mtls-strict': check(
    'mTLS STRICT',
    'Every workload of the service accepts only mutual TLS, on every port.',
    'mtlsMode',
    'STRICT',
  ),
  'istio-no-error-findings': check(
    'No Error findings',
    'MeshPortal reports no Error finding about the objects of the service.',
    'errorFindings',
    0,
  ),
};
