#!/usr/bin/env bash
# Local lab of emulated SSH hosts: up [--nodes N] [--name X] [--index I] | status | down [--all].
# Assumes scripts/setup.sh ran (deps installed, dist/ built). Needs root.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$root/scripts/env.sh"
exec node "$root/dist/provider/lab/cli.js" "$@"
