#!/usr/bin/env bash
# `npm run bench [-- options]`: the benchmark (test/bench/run.ts; BENCHMARKS.md explains it).
#   npm run bench                  full run (~10-15 min on 2 cores): writes test/bench/results/latest.*,
#                                  test/bench/scale.svg and the generated section of BENCHMARKS.md
#   npm run bench -- --quick       ~3 min smoke run: 1 run, smaller scale; writes results/quick.* only
#   npm run bench -- --help        all options (--runs, --scale-runs, --ns, --hosts, --only, --no-write)
# Builds everything on its own lab ("bench", index 30) and removes it at the end, also on failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || { echo "the benchmark builds lab VMs (namespaces, sshd) on this machine: run it as root" >&2; exit 2; }

bash scripts/setup.sh
source scripts/env.sh
PATH="$(bash scripts/engine.sh):$PATH"
export PATH

# Temp files of this run (Pulumi backend, PULUMI_HOME, config, profiles) live here and go at exit.
bench_tmp=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-netns-bench.XXXXXX")
cleanup() {
  # run.js removes its lab itself; this is for a crash or a kill. Only our own lab.
  node dist/provider/lab/cli.js down --name bench >/dev/null 2>&1 || true
  rm -rf "$bench_tmp"
}
trap cleanup EXIT
TMPDIR=$bench_tmp node dist/test/bench/run.js "$@"
