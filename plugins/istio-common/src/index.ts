/**
 * The MeshPortal posture engine: Istio's rules as pure functions over plain data.
 *
 * @packageDocumentation
 */

export * from './model/resources';
export * from './model/meshConfig';
export * from './model/meshNetworks';
export * from './model/snapshot';
export * from './model/clusterDomain';
export * from './model/labelSelector';
export * from './model/findings';
export * from './model/rootCertificate';
export * from './manifests';
export * from './analysis/types';
export * from './analysis/analyzeMesh';
export * from './permissions';
export * from './posture';
export * from './posture/proxyContainers';
export * from './posture/controlPlane';
export * from './analyzers/mesh';
export * from './traffic';
export * from './analyzers/istioctl';
export * from './api';
