#!/usr/bin/env bash
# Installs only what QuantLab needs and is missing: Debian packages (cmake, g++, make, emscripten, catch2,
# chromium, firefox-esr, nodejs, npm, zlib1g-dev, dataset-fashion-mnist) and the npm packages pinned in package-lock.json.
# Safe to run again: it does nothing when everything is present. Works as root or through sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

# package -> a file that proves it is installed
declare -A PROOF=(
  [cmake]=/usr/bin/cmake
  [g++]=/usr/bin/g++
  [make]=/usr/bin/make
  [emscripten]=/usr/bin/em++
  [catch2]=/usr/include/catch2/catch.hpp
  [chromium]=/usr/bin/chromium
  [firefox-esr]=/usr/bin/firefox-esr
  [zlib1g-dev]=/usr/include/zlib.h
  [dataset-fashion-mnist]=${QUANTLAB_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}/t10k-images-idx3-ubyte.gz
)
missing=()
for pkg in cmake g++ make emscripten catch2 chromium firefox-esr zlib1g-dev dataset-fashion-mnist; do
  [ -e "${PROOF[$pkg]}" ] || missing+=("$pkg")
done
# The model loader's fuzzer (build-scripts/fuzz.sh): clang 14 (Emscripten's own compiler) and libFuzzer's runtime.
[ -e /usr/bin/clang++-14 ] || missing+=(clang-14)
compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null || missing+=(libclang-rt-14-dev)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ ! -f /etc/debian_version ] || ! command -v apt-get >/dev/null 2>&1; then
    say "This is not a Debian system, so QuantLab cannot install its tools for you. Please install:"
    say "  CMake >= 3.21, a C++17 compiler, make, Emscripten 3.1.x, Catch2 v2 (catch2/catch.hpp),"
    say "  Chromium, Firefox ESR, Node.js >= 18 with npm, clang 14 with libFuzzer, zlib (headers), Fashion-MNIST's idx .gz files in"
    say "  /usr/share/datasets/fashion-mnist (or QUANTLAB_FASHION_MNIST_DIR). Missing here: ${missing[*]}"
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    say "Missing Debian packages: ${missing[*]}"
    say "Run this script as root, or install sudo, or run: apt-get install ${missing[*]}"
    exit 1
  fi
  say "Installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  say "Node.js $(node --version) is too old: QuantLab needs Node.js 18 or later."
  exit 1
fi

# npm packages: install from the lock file when node_modules is missing or older than the lock.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "All tools present."
