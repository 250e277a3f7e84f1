#!/usr/bin/env node
/*
 * `yarn bench:engine`: times analyzeMesh on generated snapshots of 5k to 40k
 * objects. Runs from source through the TypeScript transform @backstage/cli
 * ships, like bench.js.
 */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/engineBench').runEngineBench(process.argv.slice(2), __filename);
