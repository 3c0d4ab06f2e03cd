#!/usr/bin/env bash
# Installs what is missing, builds everything (native, asan, wasm, site) and runs every test:
# Catch2 natively, under AddressSanitizer + UBSan, and as WebAssembly (SIMD and scalar) in Node; then the
# Node tests of the built JS API and of learner mode; libFuzzer on the model loader for 30 s (ASan + UBSan, clang
# 14: docs/fuzzing.md); then the browser tests: Debian's Chromium, headless,
# driven by playwright-core against dist/ served on localhost (screenshots in build/screenshots/), Debian's
# firefox-esr through WebDriver BiDi (puppeteer-core) for the pages, and the SCORM packages played by scorm-again.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

./build-scripts/build.sh native asan site

step() { printf '\n[test] %s\n' "$*"; }
step "Catch2, native"
ctest --preset native
step "Catch2, AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --preset asan
step "Catch2, WebAssembly (SIMD and scalar) in Node"
ctest --preset wasm
step "Node tests of the JS API (dist/quantlab.js) and of learner mode's checks"
node --no-experimental-fetch --test tests/node/
step "Fuzzing the model loader: libFuzzer, AddressSanitizer + UBSan, 30 s"
./build-scripts/fuzz.sh 30 loader
step "Browser tests: headless Chromium and Firefox against dist/ on localhost"
# One test file at a time, so that the printed timings are not measured against each other (the flag exists
# from Node 20.10 on; older Node runs files one at a time on 2 cores anyway).
one_at_a_time=$(node -p 'const [a, b] = process.versions.node.split(".").map(Number); a > 20 || (a === 20 && b >= 10) ? "--test-concurrency=1" : ""')
node --test $one_at_a_time tests/browser/

printf '\n[test] all tests passed in %ss\n' "$(( $(date +%s) - start ))"
