#!/usr/bin/env node
/*
 * `yarn bench:manifests`: reads a generated 9 MB kubectl dump with the
 * manifest reader before issue 16 and with today's, side by side. Runs from
 * source through the TypeScript transform @backstage/cli ships, like bench.js.
 */
require('@backstage/cli/config/nodeTransform.cjs');
require('../src/manifestBench').runManifestBench(process.argv.slice(2));
