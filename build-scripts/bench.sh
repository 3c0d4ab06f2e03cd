#!/usr/bin/env bash
# The benchmark (not part of the tests): builds native + the site, then runs tests/bench/run-bench.mjs, which
# times SimpleNet natively, in Node and in headless Chromium, the int8 GEMM against the dot_i16x8 peak, and
# the peers (PyTorch via Debian's python3-torch, onnxruntime-web from npm). Missing peers are reported and
# skipped; install them with: apt install python3-torch, npm ci (onnxruntime-web is an optional dependency).
# Results: a table on stdout and build/bench/results.json. Run it on a quiet machine: timings are medians,
# but another busy process still slows every number.
set -euo pipefail
cd "$(dirname "$0")/.."
./build-scripts/build.sh native site
exec node --no-experimental-fetch tests/bench/run-bench.mjs
