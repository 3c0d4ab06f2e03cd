#!/usr/bin/env bash
# Builds QuantLab. With no argument: everything (native + asan + wasm into build/, the site into dist/).
#   build-scripts/build.sh site     WebAssembly modules and the lab's pages in dist/ (what start.sh needs)
#   build-scripts/build.sh native   native core, Catch2 tests and tools (build/native)
#   build-scripts/build.sh asan     native with AddressSanitizer + UBSan (build/asan)
#   build-scripts/build.sh tests    what test.sh runs, and nothing else: native and asan without the benchmarks
#                                   (asan: the Catch2 runner and the mutator only), and the site
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${QUANTLAB_JOBS:-$(nproc 2>/dev/null || echo 2)}

"$root/build-scripts/setup.sh"

say() { printf '[build] %s\n' "$*"; }

build_preset() {
  say "cmake --preset $1${2:+ (targets: ${*:2})}"
  cmake --preset "$1" >"$root/build/configure-$1.log" 2>&1 || { cat "$root/build/configure-$1.log"; exit 1; }
  if [ $# -gt 1 ]; then cmake --build --preset "$1" -j "$jobs" --target "${@:2}"; else cmake --build --preset "$1" -j "$jobs"; fi
}

# The targets the test suite runs (ctest's tests and the tools tests/node calls): the benchmarks
# (build-scripts/bench.sh) and, under the sanitizers, the trainer and the dump tools are left out.
NATIVE_TEST_TARGETS=(quantlab_tests quantlab_fuzz_mutator quantlab_train quantlab_reference_dump quantlab_float_formats_dump)
ASAN_TEST_TARGETS=(quantlab_tests quantlab_fuzz_mutator)

prepare_emscripten() {
  # Debian's Emscripten cache is read-only: work on a copy (EM_CACHE, set by the wasm preset, as is NODE_PATH:
  # emcc at -O1 and above needs acorn, which Debian ships under /usr/share/nodejs).
  if [ ! -f build/em-cache/sysroot_install.stamp ]; then
    say "copying Debian's Emscripten cache to build/em-cache"
    rm -rf build/em-cache
    cp -r /usr/share/emscripten/cache build/em-cache
    chmod -R u+w build/em-cache
  fi
}

build_site() {
  prepare_emscripten
  build_preset wasm
  # Vite bundles the pages (web/) into dist/ and, through the plugin in vite.config.js, puts the public API at
  # dist/'s top level: quantlab.js, quantlab.d.ts and the quantlab-{simd,scalar}.{mjs,wasm} modules just built.
  say "assembling dist/ with Vite"
  node_modules/.bin/vite build --logLevel warn
  # One SCORM 1.2 and one SCORM 2004 package per exercise of the registry, into dist/scorm/ (README, "Course
  # platforms (SCORM)").
  node build-scripts/scorm-packages.mjs
}

mkdir -p build
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(native asan site)
for target in "${targets[@]}"; do
  case "$target" in
    native|asan) build_preset "$target" ;;
    site|wasm) build_site ;;
    tests)
      build_preset native "${NATIVE_TEST_TARGETS[@]}"
      build_preset asan "${ASAN_TEST_TARGETS[@]}"
      build_site ;;
    *) echo "unknown target '$target': use site, native, asan or tests" >&2; exit 2 ;;
  esac
done
say "done: ${targets[*]}"
