/**
 * A small Kubernetes API server for tests: discovery, list, watch, writes,
 * fault injection and a request log, over HTTPS with a bearer token.
 *
 * @packageDocumentation
 */

export { startKubeTestServer } from './server';
export type {
  KubeConfigOptions,
  KubeTestServer,
  KubeTestServerOptions,
  LoadResult,
  RequestCounters,
  RequestRecord,
  RequestVerb,
} from './server';
export { parseManifests, readManifests } from './load';
export { ALL_RESOURCE_TYPES } from './catalog';
export { testCertificate } from './certificate';
export type { TestCertificate } from './certificate';
export { rootCertificatePem } from './rootCertificate';
export type { RootCertificateOptions } from './rootCertificate';
export type { ApiResourceType } from './catalog';
