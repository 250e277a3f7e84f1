#!/usr/bin/env node
/* The benchmark's HTTP clients, forked by bench.js (see src/clientProcess.ts). */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/clientProcess').serveClient();
