#!/usr/bin/env bash
# Installs what is missing, builds everything (native, asan, wasm, site) and runs every test:
# Catch2 natively, under AddressSanitizer + UBSan, and as WebAssembly (SIMD and scalar) in Node; then the
# Node tests of the built JS API.
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
step "Node tests of the JS API (dist/quantlab.js)"
node --no-experimental-fetch --test tests/node/

printf '\n[test] all tests passed in %ss\n' "$(( $(date +%s) - start ))"
