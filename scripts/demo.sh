#!/usr/bin/env bash
# The main job (`npm run demo`): the two-node tutorial network, declared in Pulumi.yaml's
# program, brought up by the real Pulumi engine on two VMs of the local lab, then a ping
# matrix between every namespace. `npm run demo -- destroy` tears it all down again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

[ "$(id -u)" = 0 ] || { echo "the demo provisions lab VMs (namespaces, sshd) on this machine: run it as root" >&2; exit 2; }
step "setup (Debian packages, Node 22, npm deps, build)"
bash scripts/setup.sh
source scripts/env.sh
step "Pulumi engine"
# Local, offline state: a file backend in .pulumi-state/ and a passphrase-protected stack.
pulumi() { bash "$root/scripts/pulumi.sh" "$@"; }
pulumi version
stack=${PULUMI_NETNS_STACK:-demo}
pulumi stack select "$stack" 2>/dev/null || pulumi stack init "$stack" --non-interactive

if [ "${1:-up}" = destroy ]; then
  step "pulumi destroy"
  pulumi destroy --yes --non-interactive
  exit 0
fi

step "pulumi up: two lab VMs, then bridge, namespaces, veth pairs, routes, NAT and ip_forward on each"
pulumi up --yes --non-interactive
step "ping matrix (over SSH, from inside each namespace)"
pulumi stack output nodeSummary --json | node dist/scripts/demo-matrix.js "$(pulumi config get labName 2>/dev/null || echo demo)"
cat <<EOT

The network is up. Look around:   npm run lab -- status --name demo
No drift, no changes planned:     npm run pulumi -- preview --expect-no-changes
Compare with the hosts:           npm run pulumi -- refresh
Tear everything down:             npm run demo -- destroy
EOT
