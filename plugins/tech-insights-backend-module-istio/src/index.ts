/**
 * Tech Insights facts about Istio mesh adoption (enrolment, sidecar
 * coverage, mTLS mode, STRICT readiness, findings), read from the
 * MeshPortal istio backend.
 *
 * @packageDocumentation
 */

export { techInsightsModuleIstio as default } from './module';
export * from './entityPosture';
export * from './meshFacts';
export * from './meshChecks';
export * from './istioMeshFactRetriever';
