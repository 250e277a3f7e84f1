/**
 * MeshPortal's benchmarks (`yarn bench`, `yarn bench:backend`,
 * `yarn bench:engine`, `yarn bench:manifests`) and the seeded generators
 * they run on. The runners
 * are started by the scripts in bin/; this entry point exports only the
 * generators, so tests elsewhere can use them without loading the backends.
 *
 * @packageDocumentation
 */
export { seededRandom } from './seededRandom';
export { ISSUE_4_SIZE, generateMesh, podsOf, sideBySideSize } from './mesh';
export type { Entity, GeneratedMesh, MeshSize } from './mesh';
export { generateSnapshot } from './engineBench';
