#!/usr/bin/env bash
# Installs what is missing and starts the demo: Backstage on
# http://localhost:3000, its backend on :7007 (SQLite in memory, guest sign-in,
# the Harbor Bank catalog and its mesh snapshot).
source "$(dirname "$0")/env.sh"
ensure_dependencies
log "starting the demo on http://localhost:3000 (backend :7007)"
exec node "$YARN_RELEASE" start
