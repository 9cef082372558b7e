#!/usr/bin/env bash
# `npm run pulumi -- ARGS`: the pinned Pulumi CLI with the demo's local settings:
# file backend in .pulumi-state/, passphrase secrets ("demo" unless
# PULUMI_CONFIG_PASSPHRASE is set), no update checks. Assumes setup has run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/env.sh"
PATH="$(bash "$root/scripts/engine.sh"):$PATH"
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$root/.pulumi-state}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-demo}
mkdir -p "$root/.pulumi-state"
cd "$root"
exec pulumi "$@"
