#!/usr/bin/env bash
# Why: the sanitizer build (scripts/test-sanitize.sh) and the fuzz targets
# (scripts/fuzz.sh) need clang with its runtimes (ASan, UBSan, libFuzzer),
# which a Debian machine does not have by default. Installs them with apt when
# missing (CI and the development machines run as root); prints nothing when
# they are already there. Sourced: sets CLANGXX and ASAN_RUNTIME.
set -euo pipefail

memview_find_clang() {
  CLANGXX="$(command -v clang++ || true)"
  ASAN_RUNTIME=""
  FUZZER_RUNTIME=""
  if [ -n "$CLANGXX" ]; then
    ASAN_RUNTIME="$("$CLANGXX" -print-file-name=libclang_rt.asan-x86_64.so)"
    FUZZER_RUNTIME="$("$CLANGXX" -print-file-name=libclang_rt.fuzzer-x86_64.a)"
  fi
  [ -n "$CLANGXX" ] && [ -f "$ASAN_RUNTIME" ] && [ -f "$FUZZER_RUNTIME" ]
}

if ! memview_find_clang; then
  echo "ensure-clang: installing clang and its sanitizer/fuzzer runtimes with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq clang >/dev/null
  # libclang-rt-<major>-dev holds libFuzzer and the ASan runtime (Debian 12: 14).
  major="$(clang++ -dumpversion | cut -d. -f1)"
  apt-get install -y -qq "libclang-rt-$major-dev" >/dev/null
  memview_find_clang || { echo "ensure-clang: clang runtimes still missing" >&2; exit 1; }
fi
export CLANGXX ASAN_RUNTIME
