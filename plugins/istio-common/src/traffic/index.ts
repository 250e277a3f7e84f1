export * from './validation';
export * from './trafficPattern';
export * from './namespaceOnboarding';
export * from './checkGeneratedObjects';
