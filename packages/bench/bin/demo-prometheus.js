#!/usr/bin/env node
/*
 * The demo's Prometheus: thirty days of Istio metrics for the Harbor Bank
 * mesh, on http://127.0.0.1:9095 (--port, or MESHPORTAL_DEMO_PROMETHEUS_PORT)
 * until interrupted. Started by scripts/start.sh and the browser tests.
 */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/demoPrometheus')
  .runDemoPrometheus(process.argv.slice(2))
  .catch(error => {
    process.stderr.write(`[demo-prometheus] ${error.message ?? error}\n`);
    process.exit(1);
  });
