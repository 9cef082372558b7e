#!/bin/sh
# pulumi-resource-pulumi-nodejs: the engine's launcher for Node.js dynamic providers
# (installed by scripts/engine.sh next to the pinned CLI; the bench puts it first on PATH).
# The engine starts it with cwd = the Pulumi program's folder, so @pulumi/pulumi is looked up
# from there, the way Node resolves it, without starting a second node just to resolve a path.
# Node's compile cache is on unless the caller chose a folder (or turned it off: NODE_DISABLE_COMPILE_CACHE=1).
: "${NODE_COMPILE_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-netns/node-compile-cache}"
export NODE_COMPILE_CACHE
d=$PWD
while :; do
  s=$d/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js
  [ -f "$s" ] && exec node "$s" "$@"
  [ -z "$d" ] && break
  d=${d%/*}
done
script=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))') || exit 1
exec node "$script" "$@"
