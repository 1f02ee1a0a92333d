#!/usr/bin/env bash
# Why: the native kernels take descriptors from JS (and from other addons
# through the C API); libFuzzer with AddressSanitizer and UBSan explores what
# unit tests do not. Builds every target of fuzz/ (see fuzz/README.md) into
# fuzz/out/, replays every saved crash of fuzz/regressions/<target>/ (each must
# now pass), then fuzzes each target for <seconds> from its seed corpus
# fuzz/corpus/<target>/. Fails on any finding; the crashing input is left in
# fuzz/out/artifacts/<target>/.
#
#   scripts/fuzz.sh [seconds=60] [target...]     (npm run fuzz -- 600)
#   FUZZ_JOBS=2 scripts/fuzz.sh 600              targets in parallel
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(format kernels decode)
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [seconds] [target...]" >&2; exit 2; }

source scripts/ensure-clang.sh

# Each target links only the pure C++ it fuzzes (no Node-API).
sources_of() {
  case "$1" in
    format) echo binding/format.cc ;;
    kernels) echo binding/format.cc binding/copy.cc binding/bytes.cc binding/compare.cc ;;
    decode) echo binding/format.cc binding/copy.cc binding/compare.cc ;;
    *) echo "fuzz: unknown target $1" >&2; exit 2 ;;
  esac
}

mkdir -p fuzz/out
for target in "${targets[@]}"; do
  # shellcheck disable=SC2046
  nice -n 10 "$CLANGXX" -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Wall -Wextra -Werror -Wno-unused-parameter -Ibinding \
    "fuzz/${target}_fuzz.cc" $(sources_of "$target") -o "fuzz/out/${target}_fuzz"
done

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

run_target() {
  local target="$1" binary="fuzz/out/${target}_fuzz"
  # Regressions first: every input that once crashed must run clean.
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    local inputs=(fuzz/regressions/"$target"/*)
    "$binary" -runs=0 "${inputs[@]}" >"fuzz/out/$target.regressions.log" 2>&1 || {
      cat "fuzz/out/$target.regressions.log" >&2
      echo "fuzz: $target: a regression input fails again" >&2
      return 1
    }
    echo "fuzz: $target: ${#inputs[@]} regression input(s) replay clean"
  fi
  [ "$seconds" -gt 0 ] || return 0
  local work="fuzz/out/corpus/$target" artifacts="fuzz/out/artifacts/$target/"
  mkdir -p "$work" "$artifacts"
  # New inputs go to the first (scratch) corpus; the seeds are only read.
  nice -n 10 "$binary" "$work" "fuzz/corpus/$target" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$artifacts" >"fuzz/out/$target.log" 2>&1 || {
    tail -n 60 "fuzz/out/$target.log" >&2
    echo "fuzz: $target FAILED; input in $artifacts (log fuzz/out/$target.log)" >&2
    return 1
  }
  grep -E "^stat::number_of_executed_units|^Done" "fuzz/out/$target.log" | tr '\n' ' ' | sed "s/^/fuzz: $target: /"
  echo
}

status=0
if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
  pids=()
  for target in "${targets[@]}"; do run_target "$target" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
else
  for target in "${targets[@]}"; do run_target "$target" || status=1; done
fi
[ "$status" -eq 0 ] && echo "fuzz: ${targets[*]}: no finding in ${seconds}s each"
exit "$status"
