#!/usr/bin/env node
/*
 * `yarn bench:backend`: the backend's issue 4 figures (entity posture p99,
 * adoption summary, API requests per page view, memory, initial sync) on a
 * generated mesh. Runs from source through the TypeScript transform
 * @backstage/cli ships, like bench.js.
 * Options: --scale 1 (of 50k pods, 10k Services, 5k Istio objects, 5k
 * entities), --calls N (posture calls; default one per entity),
 * --adoption-runs 20, --seed 4.
 */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/backendTargets')
  .runBackendBench(process.argv.slice(2))
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
