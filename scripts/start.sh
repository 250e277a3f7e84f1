#!/usr/bin/env bash
# Installs what is missing and starts the demo: Backstage on
# http://localhost:3000, its backend on :7007 (SQLite in memory, guest sign-in,
# the Harbor Bank catalog and its mesh snapshot), and the demo's Prometheus on
# http://127.0.0.1:9095 with 30 days of Istio metrics for that mesh.
source "$(dirname "$0")/env.sh"
ensure_dependencies
ensure_prometheus

# Generated from the snapshot and examples/telemetry at each start (about a
# minute); it stops with the demo. Without it the demo still runs, with
# telemetry shown as unavailable.
log "starting the demo's Prometheus on http://127.0.0.1:9095"
node packages/bench/bin/demo-prometheus.js &
prometheus_pid=$!
trap 'kill "$prometheus_pid" 2>/dev/null || true' EXIT
# The backend's history backfill reads the first adoption report: wait for
# Prometheus to listen so that report already has the traffic.
for _ in $(seq 1 180); do
  kill -0 "$prometheus_pid" 2>/dev/null || break
  (exec 3<>/dev/tcp/127.0.0.1/9095) 2>/dev/null && break
  sleep 1
done

log "starting the demo on http://localhost:3000 (backend :7007)"
node "$YARN_RELEASE" start
