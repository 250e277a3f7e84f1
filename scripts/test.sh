#!/usr/bin/env bash
# Installs what is missing and runs every test: type check, lint, unit and
# database tests (SQLite and the machine's PostgreSQL), and the browser
# end-to-end tests against the demo. The last line sums every suite.
source "$(dirname "$0")/env.sh"
ensure_dependencies
ensure_chromium
ensure_prometheus
ensure_kubectl
ensure_postgres

# Non-interactive runs everywhere: no jest watch mode. CI=true also makes a
# suite whose real part (kubectl, PostgreSQL, Prometheus, Chromium, ../shared)
# is missing fail, naming it, instead of skipping.
export CI="${CI:-true}"

OUT="$REPO_ROOT/test-output"
rm -rf "$OUT" && mkdir -p "$OUT"
passed=0 failed=0 skipped=0
declare -a lines=()

record() { # suite passed failed skipped
  passed=$((passed + $2)) failed=$((failed + $3)) skipped=$((skipped + $4))
  lines+=("$(printf '%-28s %s passed, %s failed, %s skipped' "$1:" "$2" "$3" "$4")")
}

check() { # name command...: a whole-repo check counts as one test
  local name=$1; shift
  log "$name"
  if "$@"; then record "$name" 1 0 0; else record "$name" 0 1 0; fi
}

check "type check (tsc)" yarn tsc
check "lint" yarn backstage-cli repo lint

log "unit and database tests (jest)"
set +e
yarn backstage-cli repo test --maxWorkers=2 --json --outputFile="$OUT/jest.json"
jest_exit=$?
set -e
if [ -s "$OUT/jest.json" ]; then
  read -r p f s < <(node -e '
    const r = require(process.argv[1]);
    // A suite that fails to run has no failed tests; count it as one failure.
    const broken = r.testResults.filter(t => t.status === "failed" && !t.assertionResults.some(a => a.status === "failed")).length;
    console.log(r.numPassedTests, r.numFailedTests + broken, r.numPendingTests + r.numTodoTests);
  ' "$OUT/jest.json")
  [ "$jest_exit" = 0 ] || [ "$f" != 0 ] || f=1
  record "unit and database (jest)" "$p" "$f" "$s"
else
  record "unit and database (jest)" 0 1 0
fi

log "end-to-end tests (Playwright, Chromium)"
set +e
PLAYWRIGHT_JSON_OUTPUT_NAME="$OUT/e2e.json" yarn playwright test --reporter=list,json
e2e_exit=$?
set -e
if [ -s "$OUT/e2e.json" ]; then
  read -r p f s < <(node -e '
    const s = require(process.argv[1]).stats;
    console.log(s.expected + s.flaky, s.unexpected, s.skipped);
  ' "$OUT/e2e.json")
  [ "$e2e_exit" = 0 ] || [ "$f" != 0 ] || f=1
  record "end-to-end (playwright)" "$p" "$f" "$s"
else
  record "end-to-end (playwright)" 0 1 0
fi

printf '%s\n' "${lines[@]}"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
