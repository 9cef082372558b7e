#!/usr/bin/env bash
# Makes a real Pulumi CLI and Node.js language host available, offline.
# Usage: PULUMI_BIN=$(bash scripts/engine.sh); PATH="$PULUMI_BIN:$PATH"
# The bin folder is the LAST line of stdout; all progress goes to stderr.
#
# Release tarballs cannot be downloaded here, so the CLI is built from the Go
# module proxy at the version matching the npm @pulumi/pulumi we depend on.
# The proxy refuses Pulumi's own language-host module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3: 403 for
# every version), so we build a small host of our own (scripts/langhost/main.go).
# Set PULUMI_NETNS_BUILD_ENGINE=1 to ignore a `pulumi` already on PATH.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERSION=v3.259.0 # keep equal to @pulumi/pulumi in package.json
log() { echo "[engine] $*" >&2; }

if [ "${PULUMI_NETNS_BUILD_ENGINE:-}" != 1 ] && command -v pulumi >/dev/null 2>&1; then
  dirname "$(command -v pulumi)"
  exit 0
fi

cache=${PULUMI_NETNS_CACHE:-$HOME/.cache/pulumi-netns}/engine/$VERSION
bin=$cache/bin build=$cache/build
mkdir -p "$bin" "$build/langhost"
exec 9>"$cache/.lock" && flock 9 # concurrent callers wait instead of racing the build

command -v go >/dev/null 2>&1 || PATH=/usr/local/go/bin:$PATH
command -v go >/dev/null 2>&1 || { log "Go toolchain not found (need go >= 1.25)"; exit 1; }
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" # let go add missing requirements itself
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION"
start=$SECONDS

# Dynamic-provider plugin launcher (scripts/dynamic-provider.sh): the engine starts it with
# cwd = the Pulumi program folder and it finds @pulumi/pulumi from there, so one bin folder
# serves any project; it also turns on Node's compile cache.
cp "$here/dynamic-provider.sh" "$bin/.launcher.tmp"
chmod +x "$bin/.launcher.tmp" && mv -f "$bin/.launcher.tmp" "$bin/pulumi-resource-pulumi-nodejs" # atomic: it may be running

# Our Node.js language host: does what upstream's does for running a program
# (spawns `node <@pulumi/pulumi>/cmd/run --monitor ... <program>` with the config
# in PULUMI_CONFIG) and leaves the rest (install, codegen, about) unimplemented,
# which the engine tolerates. It reports no plugins to download. Source: scripts/langhost/.
cp "$here/langhost/main.go" "$build/langhost/main.go.new"
if cmp -s "$build/langhost/main.go.new" "$build/langhost/main.go"; then
  rm "$build/langhost/main.go.new"
else
  mv "$build/langhost/main.go.new" "$build/langhost/main.go" # changed: rebuilt below
fi

cli_ok() { [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$VERSION" ]; }

if ! cli_ok || [ ! -f "$build/go.sum" ]; then
  # Wrapper module outside the repo. pkg/go.mod replaces sdk/v3 with ../sdk (we
  # require the same sdk version instead); its other replace lines must be copied,
  # since only the main module's replaces count.
  log "fetching github.com/pulumi/pulumi/pkg/v3@$VERSION"
  pkgmod=$(cd "$build" && go mod download -json "github.com/pulumi/pulumi/pkg/v3@$VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [ -f "$pkgmod" ] || { log "could not download pkg/v3@$VERSION"; exit 1; }
  replaces=$(awk '/^replace[[:space:]]*\(/ {blk=1; next} blk && /^\)/ {blk=0; next}
    blk {sub(/^[[:space:]]+/, ""); print "replace " $0; next} /^replace[[:space:]]/ {print}' "$pkgmod" |
    grep -v '=>[[:space:]]*\.' || true)
  log "replace lines carried over from pkg/go.mod: ${replaces:-none}"
  {
    echo "module pulumi-netns-engine"
    grep -m1 '^go ' "$pkgmod"
    echo "require ("
    echo "	github.com/pulumi/pulumi/pkg/v3 $VERSION"
    echo "	github.com/pulumi/pulumi/sdk/v3 $VERSION"
    echo ")"
    echo "tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" # keeps the CLI's deps through `go mod tidy`
    [ -z "$replaces" ] || echo "$replaces"
  } >"$build/go.mod"
  rm -f "$build/go.sum"
  log "go mod tidy (downloads the dependencies once)"
  (cd "$build" && go mod tidy) >&2
fi

if ! cli_ok; then
  log "building pulumi $VERSION (several minutes on 2 cores; the Go build cache makes re-runs quick)"
  t=$SECONDS
  (cd "$build" && go build -trimpath -ldflags "$ldflags" -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >&2
  mv "$bin/pulumi.tmp" "$bin/pulumi"
  log "pulumi built in $((SECONDS - t))s"
fi

if [ ! -x "$bin/pulumi-language-nodejs" ] || [ "$build/langhost/main.go" -nt "$bin/pulumi-language-nodejs" ]; then
  log "building pulumi-language-nodejs"
  (cd "$build" && go build -trimpath -ldflags "$ldflags" -o "$bin/pulumi-language-nodejs.tmp" ./langhost) >&2
  mv "$bin/pulumi-language-nodejs.tmp" "$bin/pulumi-language-nodejs"
fi

cli_ok || { log "$bin/pulumi does not report $VERSION"; exit 1; }
log "pulumi $VERSION ready in $bin ($((SECONDS - start))s)"
echo "$bin"
