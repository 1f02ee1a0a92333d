#!/usr/bin/env bash
# Why: a buffer library that JS can crash is a security hole (issue 7). This
# builds the addon with AddressSanitizer and UBSan into build-sanitize/ (never
# touching build/Release, which other processes may have loaded), then runs the
# whole jest suite against it: lib/binding.ts loads the file MEMVIEW_ADDON
# names, and the ASan runtime is preloaded into node (and so into every jest
# worker and child process). Every sanitizer report is written to
# build-sanitize/reports/; the run fails if there is any, or if jest fails.
#
#   scripts/test-sanitize.sh [jest args...]        (npm run test:sanitize)
#
# Needs fresh prebuilds for test/package.test.ts, as `npm test` leaves them
# (CI runs this after npm test); it never rebuilds them itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
source scripts/ensure-clang.sh

out="$root/build-sanitize"
mkdir -p "$out"
log="$out/build.log"
echo "test-sanitize: building the addon with ASan+UBSan into $out" >&2
# clang, to match the preloaded runtime; its own folder, so nothing else is relinked.
npx cmake-js compile --out "$out" --CDMEMVIEW_SANITIZE=ON \
  --CDCMAKE_CXX_COMPILER="$CLANGXX" --CDCMAKE_BUILD_TYPE=RelWithDebInfo >"$log" 2>&1 || {
  tail -n 40 "$log" >&2
  exit 1
}
addon="$out/Release/memview.node"
[ -f "$addon" ] || { echo "test-sanitize: no $addon" >&2; exit 1; }
# dist/ too honours MEMVIEW_ADDON (tests that spawn node on dist/ get the same addon).
npm run --silent build:ts

reports="$out/reports"
rm -rf "$reports"
mkdir -p "$reports"

export MEMVIEW_ADDON="$addon"
# ASan: leaks are test/leaks.test.ts's and valgrind's business (V8 never frees
# some of its heap at exit); V8 and Node install their own SIGSEGV/SIGBUS
# handlers (WebAssembly trap handling), so ASan must let them.
export ASAN_OPTIONS="detect_leaks=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1:abort_on_error=1:log_path=$reports/asan:suppressions=$root/scripts/sanitize/asan.supp"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan:suppressions=$root/scripts/sanitize/ubsan.supp"
export LD_PRELOAD="$ASAN_RUNTIME"

# The pipeline must see a planted bug (scripts/sanitize/canary.cc), from ASan
# and from UBSan, or a clean run would prove nothing.
"$CLANGXX" -shared -fPIC -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
  scripts/sanitize/canary.cc -o "$out/canary.so"
for kind in asan ubsan; do
  (MEMVIEW_CANARY=$kind ASAN_OPTIONS="${ASAN_OPTIONS/log_path=$reports\/asan/log_path=$out/canary-$kind}:abort_on_error=0" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS/log_path=$reports\/ubsan/log_path=$out/canary-$kind}:abort_on_error=0" \
    node -e "try { process.dlopen({ exports: {} }, '$out/canary.so'); } catch {}") >/dev/null 2>&1 || true
  if ! compgen -G "$out/canary-$kind.*" >/dev/null; then
    echo "test-sanitize: the $kind canary left no report: sanitizer reports would be lost" >&2
    exit 1
  fi
  echo "test-sanitize: the $kind canary was reported, as it must be" >&2
  rm -f "$out/canary-$kind".*
done
# The sanitized addon loads (the runtime is in the process before it).
node -e "require('$root/dist/binding.js')" || {
  echo "test-sanitize: node could not load the sanitized addon" >&2
  exit 1
}

status=0
node "$root/node_modules/.bin/jest" --ci "$@" || status=$?
unset LD_PRELOAD

if compgen -G "$reports/*" >/dev/null; then
  echo "test-sanitize: sanitizer reports:" >&2
  for f in "$reports"/*; do
    echo "---- $f" >&2
    head -n 80 "$f" >&2
  done
  status=1
fi
if [ "$status" -eq 0 ]; then
  echo "test-sanitize: whole suite passed under ASan+UBSan, no report"
fi
exit "$status"
