#!/usr/bin/env node
/*
 * `yarn bench:backend`: the backend's issue 4 figures (entity posture p99,
 * adoption summary, API requests per page view, memory, initial sync) on a
 * generated mesh. Runs from source through the TypeScript transform
 * @backstage/cli ships, like packages/cli/bench/engine.js.
 */
require('@backstage/cli/config/nodeTransform.cjs');
require('./posture')
  .runBackendBench(process.argv.slice(2), __filename)
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
