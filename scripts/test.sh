#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/test.sh - install what is missing, build, and run every test:
#   1. a build with AddressSanitizer + UndefinedBehaviorSanitizer, all tests;
#   2. a short libFuzzer run of the response decoder and the form parser;
#   3. the normal build, all tests (last, so ctest's summary ends the output).
# Exits non-zero on any failure. Warnings are errors when CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/deps.sh
install_deps

jobs=$(nproc)
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
fuzz_seconds=${FUZZ_SECONDS:-20}
status=0

echo "== build with ASan + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCOMPSHAREFS_SANITIZE=ON \
  -DCOMPSHAREFS_WERROR=$werror >/dev/null
cmake --build build-asan -j"$jobs"
echo "== tests under ASan + UBSan"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd build-asan && ctest --output-on-failure) || status=1

echo "== fuzzing (${fuzz_seconds}s per target)"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCOMPSHAREFS_FUZZ=ON \
  -DCOMPSHAREFS_WERROR=$werror >/dev/null
cmake --build build-fuzz -j"$jobs"
for fuzzer in build-fuzz/tests/fuzz_*; do
  [ -x "$fuzzer" ] || continue
  corpus="build-fuzz/corpus-$(basename "$fuzzer")"
  mkdir -p "$corpus"
  seeds="tests/fuzz/seeds/$(basename "$fuzzer")"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
  echo "-- $fuzzer"
  if ! "$fuzzer" -max_total_time="$fuzz_seconds" -max_len=65536 -rss_limit_mb=2048 \
       -artifact_prefix=build-fuzz/ "$corpus" 2>build-fuzz/"$(basename "$fuzzer")".log; then
    tail -40 build-fuzz/"$(basename "$fuzzer")".log
    echo "FUZZ FAILURE: $fuzzer"
    status=1
  else
    grep -E '^(#[0-9]+ *DONE|Done)' build-fuzz/"$(basename "$fuzzer")".log | tail -1 || true
  fi
done

echo "== build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOMPSHAREFS_WERROR=$werror >/dev/null
cmake --build build -j"$jobs"
echo "== tests"
(cd build && ctest --output-on-failure) || status=1
exit $status
