#!/usr/bin/env node
/*
 * `yarn bench:engine`: times analyzeMesh on generated snapshots of 5k to 40k
 * objects. Runs from source through the TypeScript transform @backstage/cli
 * ships, like bin/meshportal.
 */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/bench/engineBench').runEngineBench(
  process.argv.slice(2),
  __filename,
);
