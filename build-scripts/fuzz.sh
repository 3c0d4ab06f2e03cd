#!/usr/bin/env bash
# Fuzzes the model loader with libFuzzer (clang 14, AddressSanitizer + UndefinedBehaviorSanitizer) and the URL-hash
# parser with its seeded mutator, for a bounded time (docs/fuzzing.md):
#   build-scripts/fuzz.sh [seconds = 600] [loader|hash ...]      both by default, side by side
# test.sh runs `fuzz.sh 30 loader`. Findings are saved in build/fuzz/findings/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
what=("$@")
[ "${#what[@]}" -gt 0 ] || what=(loader hash)
jobs=${QUANTLAB_JOBS:-$(nproc 2>/dev/null || echo 2)}
say() { printf '[fuzz] %s\n' "$*"; }

./build-scripts/setup.sh
mkdir -p build
pids=()
for target in "${what[@]}"; do
  case "$target" in
    loader)
      say "cmake --preset fuzz"
      cmake --preset fuzz >build/configure-fuzz.log 2>&1 || { cat build/configure-fuzz.log; exit 1; }
      cmake --build --preset fuzz -j "$jobs"
      out=build/fuzz/run
      rm -rf "$out/seeds"
      mkdir -p "$out/seeds" "$out/corpus" build/fuzz/findings
      build/fuzz/tests/fuzz/quantlab_fuzz_seeds "$out/seeds" >/dev/null
      say "model loader: libFuzzer for ${seconds} s (corpus in $out/corpus)"
      # -max_len: room for models of a few layers of 64 values; -rss_limit_mb: a loaded model may not need more.
      build/fuzz/tests/fuzz/quantlab_fuzz_model_loader -max_total_time="$seconds" -max_len=16384 -timeout=10 \
        -rss_limit_mb=2048 -dict=tests/fuzz/model.dict -artifact_prefix=build/fuzz/findings/ -print_final_stats=1 \
        "$out/corpus" "$out/seeds" >"$out/libfuzzer.log" 2>&1 &
      pids+=($!)
      ;;
    hash)
      say "URL-hash parser: seeded mutator for ${seconds} s"
      QUANTLAB_FUZZ_SECONDS="$seconds" node --test tests/node/hash-fuzz.test.mjs >build/fuzz-hash.log 2>&1 &
      pids+=($!)
      ;;
    *) echo "unknown fuzz target '$target': use loader or hash" >&2; exit 2 ;;
  esac
done

status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for target in "${what[@]}"; do
  case "$target" in
    loader)
      grep -E '^(stat::|Done|INFO: Loaded|#[0-9]+ +DONE)' build/fuzz/run/libfuzzer.log || true
      if grep -qE 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error|deadly signal|uncaught' build/fuzz/run/libfuzzer.log; then
        tail -60 build/fuzz/run/libfuzzer.log
        status=1
      fi
      ;;
    hash) grep -E 'hash parser fuzz|^# (pass|fail)|error' build/fuzz-hash.log || true ;;
  esac
done
[ "$status" -eq 0 ] && say "no finding" || say "FINDINGS: see above and build/fuzz/findings/"
exit "$status"
