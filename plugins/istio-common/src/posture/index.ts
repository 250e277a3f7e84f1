export * from './injection';
export * from './peerAuthentication';
export * from './workloads';
export * from './meshIndex';
export * from './clientTls';
export * from './computePosture';
export * from './describeClientTls';
