/**
 * Benchmarks and load tests of MeshPortal's backend against Backstage's
 * Kubernetes plugin on one generated mesh (`yarn bench`).
 *
 * @packageDocumentation
 */
export { generateMesh } from './mesh';
export type { GeneratedMesh, GeneratedApp } from './mesh';
export { runBench } from './bench';
