#!/usr/bin/env node
/* The benchmark's Kubernetes API server, forked by bench.js (see src/apiServerProcess.ts). */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/apiServerProcess').serveApiServer();
