#!/usr/bin/env bash
# Why: ASan (test:sanitize) runs with leak detection off, because V8 keeps
# much of its heap until exit; valgrind memcheck judges leaks the other way:
# a block that nothing points to any more is "definitely lost". This runs
# scripts/valgrind-smoke.js (every native path once, then everything dropped
# and collected) under memcheck against the checkout's addon (build/Release),
# and fails on any memcheck error or definite leak that remains after
# scripts/valgrind/node.supp (Node's and V8's own, each commented).
#
#   scripts/valgrind-smoke.sh            (npm run test:valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null; then
  echo "valgrind-smoke: installing valgrind with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi
[ -f dist/index.js ] || npm run --silent build:ts
log="$(mktemp -t memview-valgrind.XXXXXX)"
# --expose-gc: the script collects before exit so that dropped views' exports end.
# --smc-check=all-non-file: V8 writes and patches its JIT code in anonymous memory.
status=0
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --error-exitcode=99 --smc-check=all-non-file \
  --num-callers=30 --suppressions=scripts/valgrind/node.supp --gen-suppressions=all \
  --log-file="$log" \
  node --expose-gc scripts/valgrind-smoke.js >"$log.out" || status=$?
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|suppressed:" "$log" | sed 's/^==[0-9]*== *//' || true
# The smoke must have run to its end, not just exited 0.
if ! grep -q "valgrind-smoke: done" "$log.out" && [ "$status" -eq 0 ]; then status=98; fi
rm -f "$log.out"
if [ "$status" -ne 0 ]; then
  cat "$log" >&2
  echo "valgrind-smoke: FAILED (exit $status); full log above ($log)" >&2
  exit 1
fi
rm -f "$log"
echo "valgrind-smoke: no memcheck error, no definite leak"
