export * from './manifestLimits';
export { ManifestError } from './ManifestError';
export * from './manifestBytes';
export * from './parseManifestText';
