#!/usr/bin/env bash
# test.sh - build Postern twice and run every test:
#   build/       gcc, RelWithDebInfo: unit, fuzz-replay, integration and
#                compatibility tests
#   build-asan/  clang with AddressSanitizer + UndefinedBehaviorSanitizer and
#                libFuzzer: unit, fuzz (a few seconds each) and integration
# Installs missing Debian packages first (scripts/deps.sh).
# Prints one closing line "tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0 failed=0 rc=0
run_suite() {
  local dir=$1; shift
  local log="$dir/ctest.log"
  cmake -S . -B "$dir" "$@" >/dev/null || { failed=$((failed+1)); rc=1; return; }
  if ! cmake --build "$dir" -j"$jobs" >"$dir/build.log" 2>&1; then
    tail -50 "$dir/build.log"; failed=$((failed+1)); rc=1; return
  fi
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" 2>&1 | tee "$log"
  local line p t
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then failed=$((failed+1)); rc=1; return; fi
  t=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  p=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + t - p)); failed=$((failed + p))
  [ "$p" -eq 0 ] || rc=1
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
  -DPOSTERN_SANITIZE=ON -DPOSTERN_LIBFUZZER=ON
echo "tests: $passed passed, $failed failed"
exit $rc
