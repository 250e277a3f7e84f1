export * from './readiness';
export * from './entityPosture';
export * from './clusters';
export * from './adoption';
export * from './callers';
