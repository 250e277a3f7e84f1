#!/usr/bin/env node
/*
 * `yarn bench`: MeshPortal's istio backend side by side with Backstage's
 * Kubernetes backend on one generated mesh, then a load test under churn.
 * Runs from source through the TypeScript transform @backstage/cli ships.
 * Options: --sizes=1000,10000,50000 (default), --load (only the load test),
 * --no-load, --load-size=10000 (default: 10000 when measured, else the largest),
 * --seed=7, --no-write (print only; docs/benchmarks.md is updated otherwise).
 */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/bench').runBench(process.argv.slice(2));
