#!/usr/bin/env bash
# Installs what is missing, builds the WebAssembly modules and the site, and serves dist/ on localhost.
# Prints the URL to open. Set PORT to choose the port (default 8080; the next free one is taken if busy).
# Files are sent with Access-Control-Allow-Origin, so that a course page on another origin (another port, say,
# as with docs/embed-example/) can embed the lab: README, "Embedding the lab in a course page".
set -euo pipefail
cd "$(dirname "$0")/.."
./build-scripts/build.sh site
exec node build-scripts/serve.mjs --root dist --port "${PORT:-8080}" --cors
