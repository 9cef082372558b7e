#!/usr/bin/env bash
# State bytes per resource of the two-node tutorial network (`npm run demo`'s program), for one
# git revision: its tree is checked out into a scratch folder (this checkout's node_modules, so
# both revisions run the same @pulumi/pulumi and engine), built, brought up on lab LAB (index
# INDEX), exported, measured, destroyed. Compare two revisions by running it twice:
#   bash scripts/state-size.sh main u9a 40;  bash scripts/state-size.sh HEAD u9a 40
# As root after setup. Prints one line per resource, then the mean (test/helpers/statesize.ts).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rev=${1:-HEAD} lab=${2:-u9a} index=${3:-40}
source "$root/scripts/env.sh"
PATH="$(bash "$root/scripts/engine.sh"):$PATH"
tmp=$(mktemp -d /tmp/pulumi-netns-statesize-XXXXXX)
export PULUMI_BACKEND_URL=file://$tmp/state PULUMI_HOME=$tmp/home PULUMI_CONFIG_PASSPHRASE=state-size
cleanup() {
  (cd "$tmp/src" 2>/dev/null && pulumi destroy --yes --non-interactive --stack size >/dev/null 2>&1) || true
  node "$root/dist/provider/lab/cli.js" down --name "$lab" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/src" "$tmp/state"
git -C "$root" archive "$rev" | tar -x -C "$tmp/src"
ln -s "$root/node_modules" "$tmp/src/node_modules"
(cd "$tmp/src" && npx tsc -p tsconfig.json >/dev/null || true) # an older tree may not type-check against today's devDependencies; dist/ is emitted anyway
cd "$tmp/src"
pulumi stack init size --non-interactive >/dev/null
pulumi config set --stack size labName "$lab" >/dev/null
pulumi config set --stack size labIndex "$index" >/dev/null
pulumi up --yes --non-interactive --skip-preview --stack size >/dev/null
echo "state of the two-node network at $rev ($(git -C "$root" rev-parse --short "$rev")):"
pulumi stack export --stack size | node "$root/dist/test/helpers/statesize.js"
